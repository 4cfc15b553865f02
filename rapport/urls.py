from django.contrib import admin
from django.urls import include, path

from rapport.api.api import urls as api_urls
from rapport.core import urls as core_urls
from rapport.front import urls as front_urls

urlpatterns = [
    # The dashboard (front) and the workspace pages (core) share the `core:` names.
    path("", include(([*front_urls.urlpatterns, *core_urls.urlpatterns], core_urls.app_name))),
    path("accounts/", include("rapport.accounts.urls")),
    path("clients/", include("rapport.clients.urls")),
    path("invoices/", include("rapport.billing.urls")),
    path("p/", include("rapport.billing.portal_urls")),
    path("reminders/", include("rapport.dunning.urls")),
    path("prospects/", include("rapport.intake.urls")),
    path("q/", include("rapport.intake.portal_urls")),
    path("inbox/", include("rapport.comms.urls")),
    path("inbox/", include("rapport.inbox.urls")),
    path("signals/", include("rapport.signals.urls")),
    path("health/", include("rapport.health.urls")),
    path("proposals/", include("rapport.agreements.urls")),
    path("o/", include("rapport.agreements.portal_urls")),
    path("notifications/", include("rapport.notifications.urls")),
    path("journal/", include("rapport.journal.urls")),
    path("offboarding/", include("rapport.offboarding.urls")),
    path("extras/", include("rapport.extras.urls")),
    path("time/", include("rapport.timetracking.urls")),
    path("bank/review/", include("rapport.banking.review_urls")),
    path("bank/", include("rapport.banking.urls")),
    path("audit/", include("rapport.audit.urls")),
    path("webhooks/", include("rapport.webhooks.urls")),
    path("first-steps/", include("rapport.onboarding.urls")),
    path("api/v1/", api_urls()),
    path("api/", include("rapport.api.urls")),
    path("admin/", admin.site.urls),
]
