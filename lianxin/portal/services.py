"""The portal's own writes: the portal has no models, only what it queues for others."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from lianxin.demands.models import Demand
from lianxin.notify.services import notify


def tracking_lock_notify(*, demand: Demand) -> None:
    """Tell a demand's owner that wrong guesses locked its code: a text to the phone they gave (and the app,
    for an account), in their language. Nothing for a demand without a phone (its PIN is on a slip)."""
    if not demand.requester_phone:
        return
    account = demand.requester if demand.requester_id else None
    with translation.override(getattr(account, "language", "") or settings.LANGUAGE_CODE):
        notify(
            town_id=demand.town_id,
            users=[account] if account is not None else [],
            subject=_("Tracking of %(code)s is paused") % {"code": demand.code},
            body=_(
                "Wrong digits were entered for demand %(code)s too many times, so it cannot be opened by its "
                "code for 15 minutes. If that was not you, nothing was shown to anyone."
            )
            % {"code": demand.code},
            sms_to=demand.requester_phone,
            template="tracking_paused",
            params={"code": demand.code},
        )
