from django.urls import path

from rapport.offboarding import views

app_name = "offboarding"
urlpatterns = [
    path("<int:client_pk>/", views.checklist_page, name="checklist"),
    path("<int:client_pk>/start/", views.start, name="start"),
    path("<int:client_pk>/refresh/", views.refresh, name="refresh"),
    path("<int:client_pk>/finish/", views.finish, name="finish"),
    path("<int:client_pk>/items/<int:item_pk>/tick/", views.item_tick, name="item_tick"),
    path("<int:client_pk>/items/<int:item_pk>/skip/", views.item_skip, name="item_skip"),
    path("<int:client_pk>/items/<int:item_pk>/do/", views.item_do, name="item_do"),
    path("<int:client_pk>/items/<int:item_pk>/reopen/", views.item_reopen, name="item_reopen"),
    path("<int:client_pk>/handover/", views.handover, name="handover"),
    path("<int:client_pk>/handover/<int:procedure_pk>/", views.procedure_edit,
         name="procedure_edit"),
    path("<int:client_pk>/handover/<int:procedure_pk>/delete/", views.procedure_delete,
         name="procedure_delete"),
    path("<int:client_pk>/handover/<int:procedure_pk>/screenshots/<int:screenshot_pk>/delete/",
         views.screenshot_delete, name="screenshot_delete"),
    path("<int:client_pk>/handover/pdf", views.handover_pdf, name="handover_pdf"),
    path("<int:client_pk>/letter/", views.letter, name="letter"),
    path("<int:client_pk>/personal-data/", views.personal_data, name="personal_data"),
    path("<int:client_pk>/personal-data/export", views.personal_data_export,
         name="personal_data_export"),
    path("<int:client_pk>/personal-data/erase/", views.erase, name="erase"),
]
