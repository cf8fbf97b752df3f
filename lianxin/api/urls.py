"""/api/v1/ (REST, with its OpenAPI schema and docs) and /open311/v2/ (GeoReport v2)."""

from django.urls import URLPattern, URLResolver, include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from lianxin.disputes import api as dispute_api

from . import open311, views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

router = DefaultRouter()
router.register("demands", views.DemandViewSet, basename="demand")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("cells", views.CellViewSet, basename="cell")
router.register("stations", views.StationViewSet, basename="station")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("deputies", views.DeputyViewSet, basename="deputy")
router.register("disputes", dispute_api.DisputeViewSet, basename="dispute")
router.register("mediation-sessions", dispute_api.SessionViewSet, basename="mediation-session")

api_patterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]

open311_patterns: list[URLPattern | URLResolver] = [
    path("discovery.<fmt:format>", open311.DiscoveryView.as_view(), name="discovery"),
    path("services.<fmt:format>", open311.ServiceListView.as_view(), name="services"),
    path("services/<str:service_code>.<fmt:format>", open311.ServiceDefinitionView.as_view(), name="service"),
    path("requests.<fmt:format>", open311.RequestListView.as_view(), name="requests"),
    path(
        "requests/<str:service_request_id>.<fmt:format>", open311.RequestDetailView.as_view(), name="request"
    ),
    path("tokens/<str:token>.<fmt:format>", open311.TokenView.as_view(), name="token"),
    path("servicerequestupdates.<fmt:format>", open311.RequestUpdatesView.as_view(), name="updates"),
]

urlpatterns = [
    path("api/v1/", include((api_patterns, "api"))),
    path("open311/v2/", include((open311_patterns, "open311"))),
]
