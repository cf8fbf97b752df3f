from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, views

router = SimpleRouter()
router.register("warnings", api.WarningViewSet, basename="warning")

app_name = "insight"
urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("insight/", views.dashboard, name="dashboard"),
    path("insight/wall/", views.wall, name="wall"),
    path("insight/items/", views.items, name="items"),
    path("insight/map/", views.grid_map, name="map"),
    path("insight/map/base/", views.base_map, name="base_map"),
    path("insight/imports/", views.imports, name="imports"),
    path("insight/imports/help/", views.import_help, name="import_help"),
    path("insight/imports/<int:pk>/", views.import_job, name="import"),
    path("insight/reports/", views.reports, name="reports"),
    path("insight/reports/<int:pk>/", views.report, name="report"),
    path("insight/reports/<int:pk>/<slug:fmt>/", views.report_file, name="report_file"),
    path("insight/annual/", views.annual_report, name="annual"),
    path("insight/annual/<int:year>.<slug:fmt>", views.annual_file, name="annual_file"),
    path("insight/warnings/", views.warning_list, name="warnings"),
    path("insight/warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("insight/warnings/<int:pk>/<slug:action>/", views.warning_act, name="warning_act"),
]
