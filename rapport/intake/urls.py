from django.urls import path

from rapport.intake import views

app_name = "intake"
urlpatterns = [path("", views.index, name="index")]
