"""/api/v1/intake/: the suggestion API."""

from django.urls import path

from . import api

app_name = "intake"

urlpatterns = [
    path("api/v1/intake/suggest", api.SuggestView.as_view(), name="suggest"),
    path("api/v1/intake/suggest/batch", api.SuggestBatchView.as_view(), name="suggest_batch"),
]
