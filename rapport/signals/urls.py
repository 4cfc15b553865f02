from django.urls import path

from rapport.signals import views

app_name = "signals"
urlpatterns = [
    path("", views.index, name="index"),
    path("clients/<int:client_pk>/", views.client_signals, name="client"),
    path("clients/<int:client_pk>/mute/", views.mute, name="mute"),
    path("clients/<int:client_pk>/unmute/", views.unmute, name="unmute"),
    path("<int:signal_pk>/dismiss/", views.dismiss, name="dismiss"),
    path("<int:signal_pk>/restore/", views.restore, name="restore"),
]
