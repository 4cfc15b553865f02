from django.urls import path

from rapport.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("read/", views.mark_read, name="read_all"),
    path("<int:notification_pk>/read/", views.mark_read, name="read"),
]
