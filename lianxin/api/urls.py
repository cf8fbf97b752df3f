"""/api/v1/ (REST, with its OpenAPI schema and docs) and /open311/v2/ (GeoReport v2)."""

from django.urls import URLPattern, URLResolver, include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from lianxin.core.kit import everywhere

from . import open311


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

# Every app adds its endpoints to its kit's ``api_routes`` in its ``ready()`` (this app's own in
# api/apps.py): the router reads them all, so the API imports none of the apps that serve endpoints.
router = DefaultRouter()
for _app, (prefix, viewset, basename) in everywhere("api_routes"):
    router.register(prefix, viewset, basename=basename)

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
