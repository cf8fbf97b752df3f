from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("deputies/", views.deputy_list, name="deputies"),
    path("observers/", views.observer_list, name="observers"),
    path("<str:kind>/<int:pk>/contact/", views.contact, name="contact"),
]
