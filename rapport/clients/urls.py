from django.urls import path

from rapport.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<int:client_pk>/", views.client_detail, name="detail"),
    path("<int:client_pk>/edit/", views.client_edit, name="edit"),
    path("<int:client_pk>/delete/", views.client_delete, name="delete"),
    path("<int:client_pk>/status/", views.client_status, name="status"),
    path("<int:client_pk>/notes/new/", views.note_form, name="note_create"),
    path("<int:client_pk>/notes/<int:note_pk>/", views.note_form, name="note_edit"),
    path("<int:client_pk>/notes/<int:note_pk>/delete/", views.note_delete, name="note_delete"),
    path("<int:client_pk>/contacts/new/", views.contact_form, name="contact_create"),
    path("<int:client_pk>/contacts/<int:contact_pk>/", views.contact_form, name="contact_edit"),
    path("<int:client_pk>/contacts/<int:contact_pk>/delete/", views.contact_delete,
         name="contact_delete"),
    path("<int:client_pk>/confirmed/<int:recipient_pk>/delete/",
         views.confirmed_recipient_delete, name="confirmed_recipient_delete"),
    path("<int:client_pk>/projects/new/", views.project_form, name="project_create"),
    path("<int:client_pk>/projects/<int:project_pk>/", views.project_form, name="project_edit"),
    path("<int:client_pk>/projects/<int:project_pk>/delete/", views.project_delete,
         name="project_delete"),
]
