from django.urls import path

from rapport.comms import views

app_name = "comms"
urlpatterns = [path("", views.inbox, name="inbox")]
