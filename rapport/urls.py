from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("rapport.core.urls")),
    path("accounts/", include("rapport.accounts.urls")),
    path("clients/", include("rapport.clients.urls")),
    path("invoices/", include("rapport.billing.urls")),
    path("p/", include("rapport.billing.portal_urls")),
    path("reminders/", include("rapport.dunning.urls")),
    path("prospects/", include("rapport.intake.urls")),
    path("q/", include("rapport.intake.portal_urls")),
    path("inbox/", include("rapport.comms.urls")),
    path("signals/", include("rapport.signals.urls")),
    path("health/", include("rapport.health.urls")),
    path("proposals/", include("rapport.agreements.urls")),
    path("o/", include("rapport.agreements.portal_urls")),
    path("bank/review/", include("rapport.banking.review_urls")),
    path("bank/", include("rapport.banking.urls")),
    path("admin/", admin.site.urls),
]
