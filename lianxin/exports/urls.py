from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/file/", views.download, name="file"),
]
