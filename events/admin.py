from django.contrib import admin

from events.models import CalendarFeed, Encounter, Event, Invitation


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    autocomplete_fields = ["contact"]
    raw_id_fields = ["proposed_by", "host"]


class EncounterInline(admin.TabularInline):
    model = Encounter
    extra = 0
    autocomplete_fields = ["contact"]
    raw_id_fields = ["colleague", "stakeholder_goal", "interaction"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_at", "kind", "location", "organiser", "capacity"]
    list_filter = ["kind"]
    search_fields = ["name", "location"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organiser", "network"]
    inlines = [InvitationInline, EncounterInline]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["token"]
