"""Admin pages for system administrators: penalty rules and their bands, violation codes, thresholds (editable,"""

from django.contrib import admin

from enforcement.documents.models import Document
from portal.admin import ReadOnlyAdmin


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Issued documents: numbered, hashed and versioned only by enforcement.services.documents."""

    list_display = ["number", "version", "kind", "jurisdiction", "issued_at", "issued_by", "superseded_at"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["number", "case__number", "sha256"]
    list_select_related = ["jurisdiction", "issued_by"]
    exclude = ["html"]
    date_hierarchy = "issued_at"
