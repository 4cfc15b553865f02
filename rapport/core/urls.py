from django.urls import path

from rapport.core import views

app_name = "core"
urlpatterns = [
    path("workspace/new/", views.workspace_create, name="workspace_create"),
    path("workspace/settings/", views.workspace_settings, name="workspace_settings"),
    path("workspace/<int:workspace_pk>/switch/", views.workspace_switch, name="workspace_switch"),
]
