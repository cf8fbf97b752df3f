from django.urls import path

from . import attachments, views

app_name = "demands"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.record, name="record"),
    path("files/<int:pk>/", attachments.attachment_file, name="attachment"),
    path("inbox/deputy/", views.deputy_inbox, name="deputy_inbox"),
    path("inbox/department/", views.department_inbox, name="department_inbox"),
    path("lists/", views.overview, name="overview"),
    path("lists/<slug:kind>/", views.demand_list, name="list"),
    path("export/year/", views.year_export, name="year_export"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/call-back/", views.reveal_phone, name="reveal_phone"),
    path("<str:code>/<slug:action>/", views.act, name="act"),
]
