from django.urls import path

from . import sms_views, views

app_name = "notify"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="read"),
    path("sms/<str:provider>/<str:token>/report/", sms_views.report, name="sms_report"),
    path("sms/<str:provider>/<str:token>/reply/", sms_views.reply, name="sms_reply"),
    path("settings/", views.notification_settings, name="settings"),
    path("locked/", views.locked_kinds, name="locks"),
]
