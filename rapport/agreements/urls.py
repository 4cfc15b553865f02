from django.urls import path

from rapport.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.proposal_create, name="proposal_create"),
    path("<int:proposal_pk>/", views.proposal_detail, name="proposal"),
    path("<int:proposal_pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("<int:proposal_pk>/send/", views.proposal_send, name="proposal_send"),
    path("<int:proposal_pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("<int:proposal_pk>/template/", views.proposal_save_template, name="proposal_template"),
    path("<int:proposal_pk>/pdf/", views.proposal_pdf, name="proposal_pdf"),
    path("links/<int:link_pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("contracts/<int:contract_pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:contract_pk>/countersign/", views.contract_countersign,
         name="contract_countersign"),
    path("contracts/<int:contract_pk>/pdf/", views.contract_pdf, name="contract_pdf"),
    path("contracts/<int:contract_pk>/input/", views.contract_input, name="contract_input"),
    path("contracts/<int:contract_pk>/changes/", views.change_create, name="change_create"),
    path("changes/<int:change_pk>/send/", views.change_send, name="change_send"),
]
