from django.urls import path

app_name = "disputes"
urlpatterns: list = []
