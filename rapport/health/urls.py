from django.urls import path

from rapport.health import views

app_name = "health"
urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.settings_view, name="settings"),
    path("fire/", views.fire, name="fire"),
    path("scripts/", views.script_list, name="scripts"),
    path("scripts/new/", views.script_new, name="script_new"),
    path("scripts/<int:script_pk>/", views.script_edit, name="script_edit"),
    path("scripts/<int:script_pk>/delete/", views.script_delete, name="script_delete"),
    path("clients/<int:client_pk>/", views.client_health, name="client"),
    path("clients/<int:client_pk>/enjoyment/", views.enjoyment, name="enjoyment"),
    path("clients/<int:client_pk>/script/", views.script_for_client, name="script"),
]
