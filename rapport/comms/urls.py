from django.urls import path

from rapport.comms import views

app_name = "comms"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("upload/", views.upload, name="upload"),
    path("imports/<int:import_pk>/", views.import_progress, name="import_progress"),
    path("imports/<int:import_pk>/retry/", views.import_retry, name="import_retry"),
    path("syncs/", views.sync_status, name="sync_status"),
    path("senders/assign/", views.assign_sender, name="assign_sender"),
    path("messages/<int:message_pk>/", views.message_detail, name="message_detail"),
    path("meetings/<int:meeting_pk>/assign/", views.assign_meeting, name="assign_meeting"),
    path("clients/<int:client_pk>/", views.client_comms, name="client_comms"),
    path("clients/<int:client_pk>/fragment/", views.client_comms_fragment,
         name="client_comms_fragment"),
    path("clients/<int:client_pk>/log/", views.meeting_log, name="meeting_log"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:mail_account_pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:mail_account_pk>/sync/", views.account_sync, name="account_sync"),
    path("accounts/<int:mail_account_pk>/delete/", views.account_delete,
         name="account_delete"),
    path("calendars/new/", views.subscription_create, name="subscription_create"),
    path("calendars/<int:subscription_pk>/refresh/", views.subscription_refresh,
         name="subscription_refresh"),
    path("calendars/<int:subscription_pk>/delete/", views.subscription_delete,
         name="subscription_delete"),
]
