"""The exports' old addresses, kept for bookmarks and links: they are the job app's pages (``lianxin.jobs``)."""

from django.urls import path

from lianxin.jobs import views

app_name = "exports"
urlpatterns = [
    path("", views.job_list, name="mine"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/file/", views.job_file, name="file"),
]
