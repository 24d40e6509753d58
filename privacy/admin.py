from django.contrib import admin

from privacy.models import Erasure


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    """Read-only: an erasure is made through privacy.services, never by hand."""

    list_display = ["contact_ref", "erased_by", "erased_at"]
    readonly_fields = ["contact", "contact_ref", "erased_by", "erased_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
