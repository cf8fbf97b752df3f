from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.language import set_language

admin.site.site_header = _("Lianxin · deputies' work platform")
admin.site.site_title = _("Lianxin")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switcher, which also keeps a staff account's choice (lianxin/accounts/language.py).
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("lianxin.ops.urls")),  # /healthz, /readyz, /metrics
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("lianxin.accounts.urls")),
    path("territory/", include("lianxin.territory.urls")),
    path("people/", include("lianxin.people.urls")),
    path("demands/", include("lianxin.demands.urls")),
    path("notifications/", include("lianxin.notify.urls")),
    path("tracking/", include("lianxin.tracking.urls")),
    path("", include("lianxin.insight.urls")),  # /insight/… and /api/v1/warnings/
    path("", include("lianxin.api.urls")),
    path("", include("lianxin.intake.urls")),
    path("board/redact/", include("lianxin.board.urls")),
    path("duty/", include("lianxin.duty.urls")),
    path("supervision/", include("lianxin.supervision.urls")),
    path("", include("lianxin.privacy.urls")),
    path("disputes/", include("lianxin.disputes.urls")),
    path("jobs/", include("lianxin.jobs.urls")),
    path("exports/", include("lianxin.exports.urls")),
    path("", include("lianxin.portal.urls")),
]
# No /media/ route, not even in the demo: a demand's files go out through demands:attachment, in scope.
