from django.contrib import admin

from rapport.clients.models import (
    Client,
    ClientDomain,
    Contact,
    ContactEmail,
    Note,
    Project,
    StatusChange,
    Tag,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class DomainInline(admin.TabularInline):
    model = ClientDomain
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "kind", "status", "language"]
    list_filter = ["status", "kind", "workspace"]
    search_fields = ["name"]
    readonly_fields = ["status"]
    inlines = [ContactInline, DomainInline]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["happened_on", "client", "kind", "incident_category", "severity"]
    list_filter = ["kind", "incident_category", "workspace"]
    search_fields = ["text", "client__name"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "status", "rate_type", "amount", "currency"]
    list_filter = ["status", "rate_type", "workspace"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["client", "from_status", "to_status", "changed_on", "changed_by"]
    list_filter = ["to_status", "workspace"]


admin.site.register([Tag, ContactEmail, ClientDomain, Contact])
