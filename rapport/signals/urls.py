from django.urls import path

from rapport.signals import teaching_views, views

app_name = "signals"
urlpatterns = [
    path("", views.index, name="index"),
    path("clients/<int:client_pk>/", views.client_signals, name="client"),
    path("clients/<int:client_pk>/mute/", views.mute, name="mute"),
    path("clients/<int:client_pk>/unmute/", views.unmute, name="unmute"),
    path("<int:signal_pk>/dismiss/", views.dismiss, name="dismiss"),
    path("<int:signal_pk>/restore/", views.restore, name="restore"),
    path("messages/<int:message_pk>/mark/", teaching_views.mark, name="mark"),
    path("examples/", teaching_views.examples, name="examples"),
    path("examples/export/", teaching_views.export, name="examples_export"),
    path("examples/delete/", teaching_views.delete_all, name="examples_delete_all"),
    path("examples/<int:example_pk>/delete/", teaching_views.delete, name="example_delete"),
]
