"""Operator's view of billing. Issued invoices are shown read-only and cannot be deleted."""

from django.contrib import admin

from rapport.billing.models import (
    BillingSettings,
    Deliverable,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    NumberCounter,
    Payment,
    PortalLink,
)


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return obj is None or obj.is_draft

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "client", "kind", "state", "issue_date",
                    "gross_total", "currency"]
    list_filter = ["state", "kind", "workspace"]
    search_fields = ["number", "client__name"]
    inlines = [LineInline]
    readonly_fields = ["number", "state", "issue_date", "due_date", "net_total", "tax_total",
                       "gross_total", "deducted_total", "seller", "buyer", "cancels"]

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return obj is None or obj.is_draft

    has_delete_permission = has_change_permission


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["invoice", "paid_on", "amount", "workspace"]
    list_filter = ["workspace"]


@admin.register(PortalLink)
class PortalLinkAdmin(admin.ModelAdmin):
    list_display = ["invoice", "expires_at", "revoked_at", "first_viewed_at"]
    readonly_fields = ["token"]


admin.site.register([BillingSettings, NumberCounter, InvoiceEvent, Deliverable])
