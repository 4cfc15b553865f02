from django.urls import path

from rapport.agreements import portal_views

app_name = "agreements_portal"
urlpatterns = [
    path("<str:token>/", portal_views.document, name="document"),
    path("<str:token>/accept/", portal_views.accept, name="accept"),
    path("<str:token>/changes/", portal_views.request_changes, name="changes"),
    path("<str:token>/pdf/", portal_views.pdf, name="pdf"),
]
