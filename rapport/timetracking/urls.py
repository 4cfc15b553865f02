from django.urls import path

from rapport.timetracking import views

app_name = "timetracking"
urlpatterns = [
    path("", views.index, name="index"),
]
