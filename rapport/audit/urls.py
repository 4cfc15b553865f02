from django.urls import path

from rapport.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.download, {"fmt": "csv"}, name="csv_export"),
    path("export.json", views.download, {"fmt": "json"}, name="json_export"),
]
