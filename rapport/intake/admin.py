from django.contrib import admin

from rapport.intake.models import IdealClientProfile, Interview, Question, WaitingListEntry


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["client", "workspace", "state", "language", "created_at"]
    list_filter = ["state", "language"]
    readonly_fields = ["token"]


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "source", "last_contact", "contact_again_on"]


admin.site.register(IdealClientProfile)
admin.site.register(Question)
