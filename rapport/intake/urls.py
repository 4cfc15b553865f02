from django.urls import path

from rapport.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.prospect_create, name="prospect_create"),
    path("profile/", views.profile, name="profile"),
    path("questions/", views.questions, name="questions"),
    path("clients/<int:client_pk>/interview/", views.interview_start, name="interview_start"),
    path("<int:interview_pk>/", views.interview_detail, name="interview"),
    path("<int:interview_pk>/answer/", views.interview_answer, name="answer"),
    path("<int:interview_pk>/send/", views.interview_send, name="send"),
    path("<int:interview_pk>/invite/", views.interview_invite, name="invite"),
    path("<int:interview_pk>/revoke/", views.interview_revoke, name="revoke"),
    path("<int:interview_pk>/lock/", views.interview_lock, name="lock"),
    path("<int:interview_pk>/gut/", views.interview_gut, name="gut"),
    path("<int:interview_pk>/accept/", views.interview_accept, name="accept"),
    path("<int:interview_pk>/decline/", views.interview_decline, name="decline"),
    path("<int:interview_pk>/letter/", views.interview_letter, name="letter"),
    path("waiting/", views.waiting_list, name="waiting_list"),
    path("waiting/new/", views.waiting_form, name="waiting_create"),
    path("waiting/<int:waiting_pk>/", views.waiting_form, name="waiting_edit"),
    path("waiting/<int:waiting_pk>/delete/", views.waiting_delete, name="waiting_delete"),
    path("waiting/<int:waiting_pk>/contacted/", views.waiting_contacted,
         name="waiting_contacted"),
]
