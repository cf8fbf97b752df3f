from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("wall/", views.wall, name="wall"),
    path("items/", views.items, name="items"),
    path("map/", views.grid_map, name="map"),
]
