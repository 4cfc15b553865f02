from django.urls import path

from rapport.banking import review_views as views

app_name = "bank_review"
urlpatterns = [
    path("", views.review, name="review"),
    path("settings/", views.threshold, name="threshold"),
    path("<int:transaction_pk>/confirm/", views.confirm, name="confirm"),
    path("<int:transaction_pk>/reject/", views.reject, name="reject"),
    path("<int:transaction_pk>/undo/", views.undo, name="undo"),
    path("<int:transaction_pk>/ignore/", views.ignore, name="ignore"),
    path("<int:transaction_pk>/unignore/", views.unignore, name="unignore"),
    path("<int:transaction_pk>/assign/", views.assign, name="assign"),
]
