from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from lianxin.core.admin import TownScopedAdmin

from .models import GridCell, Station


@admin.register(GridCell)
class GridCellAdmin(TownScopedAdmin, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "town", "households")
    list_filter = ("kind", "town")
    search_fields = ("name", "code")


@admin.register(Station)
class StationAdmin(TownScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "cell", "town", "opening_hours")
    list_filter = ("kind", "town")
    search_fields = ("name", "address")
    autocomplete_fields = ("cell",)
