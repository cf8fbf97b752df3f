"""Citizen sign-in by SMS code, and the citizen account it makes on first use.

A code is six random digits sent through the pluggable SMS backend (``notify.sms.send_now``).
Only a keyed hash of it is stored; it expires after a few minutes, allows a few wrong tries, and is
spent on first success. A new code voids the older ones of the same phone.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import unicodedata
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lianxin.core import clock
from lianxin.core.fields import lookup_hash
from lianxin.core.masking import mask_phone
from lianxin.core.models import Town

from .models import LoginCode, User
from .roles import Role

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits only; \d also matches other scripts' digits


def code_ttl() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "LOGIN_CODE_MINUTES", 5))


def code_max_attempts() -> int:
    return int(getattr(settings, "LOGIN_CODE_MAX_ATTEMPTS", 5))


def clean_mobile(value: str) -> str:
    """A mainland mobile number as 11 ASCII digits; full-width digits (a Chinese input method) are folded,
    spaces, dashes and a +86 prefix are dropped."""
    digits = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not MOBILE.match(digits):
        raise ValidationError(_("Enter the 11-digit mobile phone number, starting with 1."))
    return digits


def _code_hash(phone: str, code: str) -> str:
    return salted_hmac("lianxin.login-code", f"{phone}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def login_code_send(*, town: Town, phone: str) -> LoginCode:
    """Void the phone's open codes, store a new one (hashed) and text it to the phone."""
    from lianxin.notify.sms import send_now

    phone = clean_mobile(phone)
    now = clock.now()
    phone_hash = lookup_hash(phone)
    LoginCode.objects.filter(town=town, phone_hash=phone_hash, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    row = LoginCode.objects.create(
        town=town,
        phone_hash=phone_hash,
        code_hash=_code_hash(phone, code),
        created_at=now,
        expires_at=now + code_ttl(),
    )
    minutes = int(code_ttl().total_seconds() // 60)
    send_now(
        town_id=town.pk,
        to=phone,
        subject=_("Sign-in code"),
        body=_("Your code is %(code)s, valid for %(minutes)d minutes. Do not tell anyone.")
        % {"code": code, "minutes": minutes},
        template="login_code",
        params={"code": code, "minutes": minutes},
    )
    return row


def login_code_verify(*, town: Town, phone: str, code: str) -> User:
    """Spend a code and return the phone's citizen account (made on first sign-in).

    1. Find the newest open, unexpired code of the phone; none → refuse.
    2. Count the try first (an atomic increment), so parallel guesses cannot exceed the limit.
    3. Compare in constant time; on success spend the code with a compare-and-swap.
    """
    phone = clean_mobile(phone)
    now = clock.now()
    wrong = ValidationError(_("The code is wrong or has expired. Ask for a new one."))
    row = (
        LoginCode.objects.filter(
            town=town, phone_hash=lookup_hash(phone), used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at")
        .first()
    )
    if row is None:
        raise wrong
    LoginCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    row.refresh_from_db()
    if row.attempts > code_max_attempts():
        LoginCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        raise ValidationError(_("Too many wrong codes. Ask for a new one."))
    if not hmac.compare_digest(row.code_hash, _code_hash(phone, (code or "").strip())):
        raise wrong
    if LoginCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
        raise wrong
    return citizen_for_phone(town=town, phone=phone)


@transaction.atomic
def citizen_for_phone(*, town: Town, phone: str) -> User:
    """The town's citizen account for this phone, made on first sign-in. (The sign-in page then gives it
    the demands raised with the phone: ``demands.services.demands_link_requester``.)"""
    phone = clean_mobile(phone)
    user = User.objects.filter(
        town=town, role=Role.CITIZEN, phone_hash=lookup_hash(phone), is_active=True
    ).first()
    if user is None:
        user = User(
            username=f"citizen-{uuid.uuid4().hex[:12]}",
            role=Role.CITIZEN,
            town=town,
            phone=phone,
            display_name=mask_phone(phone),
        )
        user.set_unusable_password()
        user.save()
    return user
