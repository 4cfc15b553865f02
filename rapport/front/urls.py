from django.urls import path

from rapport.front import views

# Included by the root URLconf into the `core` namespace, next to the workspace pages, so
# the dashboard keeps its address and its name (`core:dashboard`).
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("held/", views.held, name="held"),
]
