from django.urls import path

from . import views

app_name = "tracking"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<str:pk>/", views.detail, name="detail"),
    path("<str:pk>/<slug:action>/", views.act, name="act"),
]
