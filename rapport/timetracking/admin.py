from django.contrib import admin

from rapport.timetracking.models import TimeEntry, TimeSettings


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["started_at", "client", "project", "category", "minutes", "billable",
                    "source", "workspace"]
    list_filter = ["category", "billable", "source", "workspace"]
    search_fields = ["description", "client__name"]
    raw_id_fields = ["client", "project", "user"]
    readonly_fields = ["import_key", "invoice_line"]


@admin.register(TimeSettings)
class TimeSettingsAdmin(admin.ModelAdmin):
    list_display = ["workspace", "minutes_per_email"]
