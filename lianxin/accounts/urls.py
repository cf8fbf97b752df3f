from django.urls import path

from . import second_factor

app_name = "accounts"
urlpatterns = [
    path("second-factor/", second_factor.enrol, name="second_factor"),
    path("second-factor/verify/", second_factor.verify, name="second_factor_verify"),
]
