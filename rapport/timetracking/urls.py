from django.urls import path

from rapport.timetracking import views

app_name = "timetracking"
urlpatterns = [
    path("", views.index, name="index"),
    path("timer/start/", views.timer_start, name="timer_start"),
    path("timer/stop/", views.timer_stop, name="timer_stop"),
    path("timer/clients/", views.timer_clients, name="timer_clients"),
    path("new/", views.entry_new, name="entry_new"),
    path("<int:time_entry_pk>/", views.entry_edit, name="entry_edit"),
    path("<int:time_entry_pk>/delete/", views.entry_delete, name="entry_delete"),
    path("invoice/<int:client_pk>/", views.invoice_time, name="invoice"),
    path("settings/", views.settings_view, name="settings"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:time_import_pk>/", views.import_review, name="import_review"),
    path("import/<int:time_import_pk>/columns/", views.import_columns, name="import_columns"),
]
