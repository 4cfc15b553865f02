from django.urls import path

from rapport.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:endpoint_pk>/test/", views.send_test, name="test"),
    path("<int:endpoint_pk>/delete/", views.delete, name="delete"),
    path("deliveries/<int:delivery_pk>/redeliver/", views.redeliver, name="redeliver"),
]
