from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:code>/", views.redact, name="redact"),
]
