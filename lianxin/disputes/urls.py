from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.register, name="register"),
    path("from-demand/<str:code>/", views.from_demand, name="from_demand"),
    path("ledgers/", views.ledgers, name="ledgers"),
    path("analysis/", views.monthly, name="analysis"),
    path("risk-rule/", views.risk_rule, name="risk_rule"),
    path("hearings/", views.hearings, name="hearings"),
    path("hearings/<int:pk>/", views.hearing_detail, name="hearing"),
    path("hearings/<int:pk>/<slug:action>/", views.hearing_act, name="hearing_act"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/agreement.pdf", views.agreement, name="agreement"),
    path("<str:code>/reveal/", views.reveal, name="reveal"),
    path("<str:code>/<slug:action>/", views.act, name="act"),
]
