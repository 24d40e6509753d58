from django.contrib import admin

from stakeholders.models import (
    ContactMembership,
    Goal,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)


class ContactMembershipInline(admin.TabularInline):
    model = ContactMembership
    autocomplete_fields = ["contact"]
    extra = 0


class OrganisationMembershipInline(admin.TabularInline):
    model = OrganisationMembership
    autocomplete_fields = ["organisation"]
    extra = 0


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "influence", "interest", "priority", "owning_team"]
    list_filter = ["priority", "owning_team"]
    search_fields = ["name"]
    filter_horizontal = ["topics"]
    inlines = [ContactMembershipInline, OrganisationMembershipInline, GoalInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    autocomplete_fields = ["contacts"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "closed"]
    search_fields = ["name"]
    autocomplete_fields = ["contact_members"]
    filter_horizontal = ["our_members"]
