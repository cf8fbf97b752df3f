"""The password policy for staff (citizens sign in by SMS and have no password)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]"))


class CharacterClassesValidator:
    """At least ``min_classes`` of lower case, upper case, digits and other characters (等保 level 3)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if sum(1 for pattern in CLASSES if pattern.search(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower case, upper case, digits, symbols.",
            "Your password must mix at least %(n)d kinds of characters: lower case, upper case, digits, "
            "symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


class NotUsernameValidator:
    """The password does not contain the user name."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("Your password must not contain your user name.")
