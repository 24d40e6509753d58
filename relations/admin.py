from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from relations import services
from relations.models import (
    Affiliation,
    Contact,
    FollowUp,
    Interaction,
    Organisation,
    Relationship,
    ReminderLog,
    Tag,
    Team,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [*DjangoUserAdmin.fieldsets, (None, {"fields": ["language"]})]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "lead"]
    filter_horizontal = ["members"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "city", "owner"]
    search_fields = ["name", "city"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    autocomplete_fields = ["organisation"]
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "email", "owner", "last_interaction_on", "archived"]
    list_filter = ["archived", "legal_basis"]
    search_fields = ["first_name", "last_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "owner"]
    inlines = [AffiliationInline]
    list_select_related = ["organisation", "owner"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "cadence_days" in form.changed_data:
            services.contact_refresh_ties_warmth(obj)


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["user", "contact", "strength", "last_interaction_on"]
    autocomplete_fields = ["user", "contact"]
    list_select_related = ["user", "contact"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "occurred_on", "author", "confidential"]
    list_filter = ["kind", "confidential"]
    search_fields = ["summary"]

    def save_related(self, request, form, formsets, change):
        # Date or people may have changed: the cached warmth follows the interactions.
        super().save_related(request, form, formsets, change)
        services.interaction_refresh_warmth(interaction=form.instance)

    autocomplete_fields = ["author", "our_participants", "contacts"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["text", "due_on", "assignee", "contact", "done_at"]
    list_filter = ["done_at"]
    autocomplete_fields = ["assignee", "created_by", "contact", "interaction"]


admin.site.register(Tag)
admin.site.register(ReminderLog)
