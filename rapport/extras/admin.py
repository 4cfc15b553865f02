from django.contrib import admin

from rapport.extras.models import ExtraRequest


@admin.register(ExtraRequest)
class ExtraRequestAdmin(admin.ModelAdmin):
    list_display = ("requested_on", "client", "kind", "label", "minutes", "amount")
    list_filter = ("kind",)
