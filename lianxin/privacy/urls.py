from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("m/<str:town_code>/mine/data/", views.my_data, name="my_data"),
]
