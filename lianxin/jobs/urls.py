from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="mine"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/file/", views.job_file, name="file"),
    path("<int:pk>/retry/", views.job_retry, name="retry"),
]
