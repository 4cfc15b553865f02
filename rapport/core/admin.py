from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rapport.core.models import ExchangeRate, Membership, OfficeHours, Workspace

admin.site.site_header = _("Rapport operations")
admin.site.site_title = "Rapport"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


class OfficeHoursInline(admin.TabularInline):
    model = OfficeHours
    extra = 0


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_name", "language", "time_zone", "created_at"]
    search_fields = ["name", "legal_name"]
    inlines = [MembershipInline, OfficeHoursInline]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Imported ECB rates, for checking what `rapport update-rates` brought in."""

    list_display = ["date", "currency", "rate", "imported_at"]
    list_filter = ["currency"]
    date_hierarchy = "date"
    ordering = ["-date", "currency"]
