from django.urls import path

from rapport.signals import views

app_name = "signals"
urlpatterns = [path("", views.index, name="index")]
