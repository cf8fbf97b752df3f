from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("cells/", views.cell_list, name="cells"),
    path("stations/", views.station_list, name="stations"),
]
