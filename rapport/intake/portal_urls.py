from django.urls import path

app_name = "intake_portal"
urlpatterns: list = []
