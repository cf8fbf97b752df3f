from django.contrib import admin

from lianxin.core.admin import TownScopedAdmin

from .models import Publication


@admin.register(Publication)
class PublicationAdmin(TownScopedAdmin):
    list_display = ("title", "demand", "published", "published_at", "edited_at")
    list_filter = ("published",)
    search_fields = ("title", "demand__code")
    raw_id_fields = ("demand",)
    readonly_fields = ("edited_by", "edited_at", "published_at")
