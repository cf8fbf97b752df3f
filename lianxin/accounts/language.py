"""Per-user language: a staff account's choice decides the language of its pages (and of its notices, in the
notice engine); the language switcher saves the choice to the account. Citizens keep the town's language
unless they pick another on the page (a cookie, as before); their account holds no choice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from .roles import Role

NOT_STAFF = (Role.CITIZEN, Role.SYSTEM)


def chooses_language(user: Any) -> bool:
    """Whether this account's language is its own choice (staff), not the town's."""
    return bool(
        getattr(user, "is_authenticated", False) and getattr(user, "role", Role.CITIZEN) not in NOT_STAFF
    )


class UserLanguageMiddleware:
    """After authentication: a staff account that chose a language sees its pages in it, whatever the
    cookie or the browser says. Put it after ``AuthenticationMiddleware`` (and ``LocaleMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if chooses_language(user) else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher, which also keeps a staff account's choice on the account."""
    response = django_set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    user: Any = request.user
    if chooses_language(user) and language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
