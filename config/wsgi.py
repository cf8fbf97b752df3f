import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

if not settings.ALLOW_DERIVED_KEYS:  # gunicorn started by hand or by a unit runs the product for real
    from lianxin.ops.startkeys import require_explicit_keys

    require_explicit_keys("web (WSGI)")

from lianxin.intake.warm import start as intake_warm  # noqa: E402

intake_warm()  # jieba and the towns' models load in a thread now, not on the first suggestion
