from django.urls import path

from . import offline, views

app_name = "duty"
urlpatterns = [
    path("", views.home, name="home"),
    path("deputies/<int:pk>/", views.profile, name="profile"),
    path("deputies/<int:pk>/report/", views.report, name="report"),
    path("deputies/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("rankings/", views.rankings, name="rankings"),
    path("weights/", views.weights, name="weights"),
    path("rota/", views.rota, name="rota"),
    path("rota/stations/<int:pk>/screen/", views.station_screen, name="station_screen"),
    path("rota/stations/<int:pk>/qr.svg", views.station_qr, name="station_qr"),
    path("check-in/<int:station_pk>/", views.check_in, name="check_in"),
    path("visits/", views.visits, name="visits"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    # the visit log as a web app that keeps a visit logged offline (offline.py)
    path("visits/sw.js", offline.service_worker, name="visits_worker"),
    path("visits/manifest.webmanifest", offline.manifest, name="visits_manifest"),
    path("coverage/", views.coverage, name="coverage"),
    path("activities/", views.activities, name="activities"),
    path("activities/<int:pk>/evidence/", views.activity_evidence, name="activity_evidence"),
    path("activities/<int:pk>/<str:action>/", views.activity_act, name="activity_act"),
]
