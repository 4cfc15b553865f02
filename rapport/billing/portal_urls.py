from django.urls import path

from rapport.billing import portal_views

app_name = "portal"
urlpatterns = [
    path("<str:token>/", portal_views.invoice, name="invoice"),
    path("<str:token>/pdf/", portal_views.invoice_pdf, name="invoice_pdf"),
    path("<str:token>/xml/", portal_views.invoice_xml, name="invoice_xml"),
]
