from django.urls import path

from rapport.banking import views

app_name = "banking"
urlpatterns = [
    path("", views.index, name="index"),
]
