from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/new/", views.propose, name="propose"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/<slug:action>/", views.project_act, name="project_act"),
    path("votes/new/", views.open_vote, name="open_vote"),
    path("votes/<int:pk>/", views.vote, name="vote"),
    path("votes/<int:pk>/<slug:action>/", views.vote_act, name="vote_act"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/<int:pk>/", views.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/<slug:action>/", views.suggestion_act, name="suggestion_act"),
    path("inquiries/", views.inquiries, name="inquiries"),
    path("inquiries/new/", views.plan_inquiry, name="plan_inquiry"),
    path("inquiries/<int:pk>/", views.inquiry, name="inquiry"),
    path("inquiries/<int:pk>/<slug:action>/", views.inquiry_act, name="inquiry_act"),
    path("themes/", views.themes, name="themes"),
    path("themes/new/", views.launch_theme, name="launch_theme"),
    path("themes/<int:pk>/", views.theme, name="theme"),
    path("themes/<int:pk>/<slug:action>/", views.theme_act, name="theme_act"),
    path("industry/", views.industry, name="industry"),
    path("industry/enterprises/new/", views.register_enterprise, name="register_enterprise"),
    path("industry/enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("industry/events/new/", views.record_station_event, name="record_station_event"),
    path("industry/events/<int:pk>/", views.station_event, name="station_event"),
    path("industry/events/<int:pk>/<slug:action>/", views.station_event_act, name="station_event_act"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("public/<str:town_code>/projects/", views.public_projects, name="public_projects"),
    path("public/<str:town_code>/projects/<int:pk>/", views.public_project, name="public_project"),
]
