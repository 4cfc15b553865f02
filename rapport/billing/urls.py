from django.urls import path

from rapport.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.invoice_list, name="invoice_list"),
    path("new/", views.invoice_create, name="invoice_create"),
    path("settings/", views.billing_settings, name="settings"),
    path("settings/apply-tax-regime/", views.drafts_apply_regime, name="drafts_apply_regime"),
    path("export/", views.export, name="export"),
    path("from-project/<int:project_pk>/<str:kind>/", views.invoice_from_project,
         name="invoice_from_project"),
    path("projects/<int:project_pk>/deliverables/", views.deliverables, name="deliverables"),
    path("projects/<int:project_pk>/deliverables/<int:deliverable_pk>/status/",
         views.deliverable_status, name="deliverable_status"),
    path("<int:invoice_pk>/", views.invoice_detail, name="invoice_detail"),
    path("<int:invoice_pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("<int:invoice_pk>/delete/", views.invoice_delete, name="invoice_delete"),
    path("<int:invoice_pk>/apply-tax-regime/", views.invoice_apply_regime,
         name="invoice_apply_regime"),
    path("<int:invoice_pk>/cancel/", views.invoice_cancel, name="invoice_cancel"),
    path("<int:invoice_pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("<int:invoice_pk>/xml/", views.invoice_xml, name="invoice_xml"),
    path("<int:invoice_pk>/send/", views.invoice_send, name="invoice_send"),
    path("<int:invoice_pk>/payments/new/", views.payment_create, name="payment_create"),
    path("<int:invoice_pk>/payments/<int:payment_pk>/delete/", views.payment_delete,
         name="payment_delete"),
    path("<int:invoice_pk>/links/new/", views.portal_link_create, name="portal_link_create"),
    path("<int:invoice_pk>/links/<int:link_pk>/revoke/", views.portal_link_revoke,
         name="portal_link_revoke"),
]
