from django.urls import path

app_name = "dunning"
urlpatterns: list = []
