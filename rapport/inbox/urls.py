from django.urls import path

from rapport.inbox import views

app_name = "inbox"
urlpatterns = [
    path("all/", views.all_messages, name="messages"),
    path("senders/ignore/", views.ignore_sender, name="ignore_sender"),
    path("senders/prospect/", views.sender_prospect, name="sender_prospect"),
    path("meetings/<int:meeting_pk>/ignore/", views.ignore_meeting, name="ignore_meeting"),
    path("meetings/<int:meeting_pk>/show/", views.show_meeting, name="show_meeting"),
    path("settings/", views.inbox_settings, name="settings"),
    path("settings/stop-ignoring/", views.stop_ignoring, name="stop_ignoring"),
]
