from django.contrib import admin

from transfer.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: imports change contacts only through transfer.services (preview, undo)."""

    list_display = [
        "file_name",
        "created_by",
        "status",
        "total",
        "created_count",
        "updated_count",
        "skipped_count",
        "created_at",
    ]
    list_filter = ["status", "format"]
    search_fields = ["file_name", "created_by__username"]
    list_select_related = ["created_by"]
    exclude = ["created_organisation_ids"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
