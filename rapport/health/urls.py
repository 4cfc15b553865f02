from django.urls import path

from rapport.health import views

app_name = "health"
urlpatterns = [path("", views.index, name="index")]
