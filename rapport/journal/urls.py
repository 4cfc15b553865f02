from django.urls import path

from rapport.journal import views
from rapport.journal.models import LessonChange

app_name = "journal"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.entry_form, name="entry_create"),
    path("<int:entry_pk>/", views.entry_detail, name="entry"),
    path("<int:entry_pk>/edit/", views.entry_form, name="entry_edit"),
    path("<int:entry_pk>/delete/", views.entry_delete, name="entry_delete"),
    path("clients/<int:client_pk>/not-now/", views.offer_dismiss, name="offer_dismiss"),
    path("<int:entry_pk>/lessons/", views.lesson_add, name="lesson_add"),
    path("review/", views.year_review, name="review"),
    path("settings/", views.settings_view, name="settings"),
    path("recover/end/", views.recover_end, name="recover_end"),
] + [
    path(f"lessons/<int:lesson_pk>/{kind}/", views.lesson_change, {"kind": kind},
         name=f"change_{kind}")
    for kind in LessonChange.Kind.values
]
