from django.urls import path

from rapport.banking import views

app_name = "banking"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("imports/<int:bank_import_pk>/", views.import_progress, name="import_progress"),
    path("imports/<int:bank_import_pk>/retry/", views.import_retry, name="import_retry"),
    path("transactions/", views.transactions, name="transactions"),
    path("mappings/", views.mappings, name="mappings"),
    path("mappings/new/", views.mapping_edit, name="mapping_new"),
    path("mappings/<int:mapping_pk>/", views.mapping_edit, name="mapping_edit"),
    path("mappings/<int:mapping_pk>/delete/", views.mapping_delete, name="mapping_delete"),
    path("datev/", views.datev_export, name="datev_export"),
    path("datev/settings/", views.datev_settings, name="datev_settings"),
]
