import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_asgi_application()

if not settings.ALLOW_DERIVED_KEYS:  # as config/wsgi.py
    from lianxin.ops.startkeys import require_explicit_keys

    require_explicit_keys("web (ASGI)")

from lianxin.intake.warm import start as intake_warm  # noqa: E402

intake_warm()  # jieba and the towns' models load in a thread now, not on the first suggestion
