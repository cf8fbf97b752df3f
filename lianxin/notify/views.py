from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.core.access import Capability, can

from . import preferences, selectors, services
from .selectors import TABS

TOPICS_PER_PAGE = 20


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab") or request.POST.get("tab") or "action"
    return tab if tab in TABS else "action"


def _bell(request: HttpRequest, tab: str) -> dict[str, Any]:
    rows = Paginator(selectors.topics(user=request.user, tab=tab), TOPICS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {
        "tab": tab,
        "page": rows,
        "topics": selectors.topics_page(user=request.user, tab=tab, rows=list(rows)),
        "counts": selectors.unread_by_tab(user=request.user),
    }


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The bell: notices grouped by what they are about, in two tabs ("needs me", "for information")."""
    context = _bell(request, _tab(request))
    if getattr(request, "htmx", False):
        return render(request, "notify/_bell.html", context)
    return render(request, "notify/list.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark read: one tab's notices, or one subject's in it (``topic``); without a tab, all of them."""
    tab = request.POST.get("tab")
    tab = tab if tab in TABS else None
    topic = request.POST.get("topic") or None
    services.notifications_mark_read(user=request.user, tab=tab, topic=topic)
    if getattr(request, "htmx", False):
        return render(request, "notify/_bell.html", _bell(request, tab or "action"))
    return redirect(f"{reverse('notify:list')}?tab={tab or 'action'}")


def _staff(request: HttpRequest) -> Any:
    user = request.user
    if not preferences.is_staff_person(user):
        raise Http404  # citizens' notices follow the table; their texts are not a preference
    return user


def _field(kind: str, channel: str) -> str:
    return f"p|{kind}|{channel}"


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """A person's notification settings: their language, and each kind of notice on each channel. Locked
    kinds show checked and disabled; a request turning one off is refused whole."""
    user = _staff(request)
    kinds, channels, state, locked = preferences.choices_of(user)
    status = 200
    if request.method == "POST":
        shown = {tuple(v.split("|", 1)) for v in request.POST.getlist("shown") if "|" in v}
        known = {(k.key, ch) for k in kinds for ch in channels}
        wanted = {pair: _field(*pair) in request.POST for pair in shown if pair in known}
        defaults = {k.key: k.defaults for k in kinds}
        refused = [k for (k, ch), on in wanted.items() if not on and k in locked and ch in defaults[k]]
        language = request.POST.get("language", user.language)
        if refused:
            labels = {k.key: k.label for k in kinds}
            messages.error(
                request,
                _("The presidium keeps these notices on for everyone: %(kinds)s. Nothing was changed.")
                % {"kinds": "; ".join(sorted({labels[k] for k in refused}))},
            )
            status = 400
        elif language not in ("", *dict(settings.LANGUAGES)):
            messages.error(request, _("Choose a language from the list."))
            status = 400
        else:
            services.preferences_save(user=user, wanted=wanted, defaults=defaults)
            if language != user.language:
                user.language = language
                user.save(update_fields=["language"])
            messages.success(request, _("Your notification settings are saved."))
            response = redirect("notify:settings")
            if language:
                translation.activate(language)
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language)
            return response
        kinds, channels, state, locked = preferences.choices_of(user)
    rows = [
        (
            k,
            [
                (ch, _field(k.key, ch), state[k.key, ch], k.key in locked and ch in k.defaults)
                for ch in channels
            ],
        )
        for k in kinds
    ]
    names = dict(_channel_names())
    return render(
        request,
        "notify/settings.html",
        {
            "rows": rows,
            "channels": [(ch, names.get(ch, ch)) for ch in channels],
            "language_choices": settings.LANGUAGES,
            "locked_keys": locked,
            "may_lock": can(user, Capability.SUPERVISE) and user.town_id,
        },
        status=status,
    )


def _channel_names() -> list[tuple[str, str]]:
    from .models import ChannelName

    return [(c.value, str(c.label)) for c in ChannelName]


@login_required
def locked_kinds(request: HttpRequest) -> HttpResponse:
    """The presidium's page: which kinds of notice nobody in the town may switch off."""
    user: Any = request.user
    if not (can(user, Capability.SUPERVISE) and getattr(user, "town_id", None)):
        raise Http404
    kinds = preferences.kinds()
    if request.method == "POST":
        chosen = {k.key for k in kinds if f"lock|{k.key}" in request.POST}
        services.locked_kinds_save(town_id=user.town_id, kinds=chosen, by=user)
        messages.success(request, _("The locked kinds of notice are saved."))
        return redirect("notify:locks")
    locked = preferences.locked_kinds(user.town_id)
    return render(request, "notify/locks.html", {"kinds": kinds, "locked": locked})
