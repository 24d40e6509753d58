from django.contrib import admin

from network_manager.models import (
    KeyContact,
    RoadmapStep,
    Strategy,
    StrategyGoal,
    WarmthSnapshot,
)


class StrategyGoalInline(admin.StackedInline):
    model = StrategyGoal
    filter_horizontal = ["groups"]
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_by", "updated_at"]
    readonly_fields = ["updated_by"]
    inlines = [StrategyGoalInline]


@admin.register(RoadmapStep)
class RoadmapStepAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "target_on", "status", "done_on"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    search_fields = ["title"]
    date_hierarchy = "target_on"


@admin.register(KeyContact)
class KeyContactAdmin(admin.ModelAdmin):
    list_display = ["contact", "team", "networker", "reason"]
    list_filter = ["team"]
    list_select_related = ["contact", "team", "networker"]
    autocomplete_fields = ["contact"]
    search_fields = ["contact__first_name", "contact__last_name"]


@admin.register(WarmthSnapshot)
class WarmthSnapshotAdmin(admin.ModelAdmin):
    list_display = ["taken_on", "team", "warm", "cooling", "cold"]
    list_filter = ["team"]
    list_select_related = ["team"]
    date_hierarchy = "taken_on"
