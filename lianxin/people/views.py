from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability
from lianxin.audit.reveal import reveal, reveal_on_page
from lianxin.core import masking
from lianxin.core.access import may_reveal_in_town
from lianxin.core.forms import RevealForm

from . import selectors
from .models import DeputyLevel, ObserverKind

PER_PAGE = 100


@capability_required(Capability.VIEW_TOWN)
def deputy_list(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level") if request.GET.get("level") in DeputyLevel.values else None
    on_duty = {"1": True, "0": False}.get(request.GET.get("on_duty", ""))
    deputies = selectors.deputy_list(user=request.user, level=level, on_duty=on_duty)
    page = Paginator(deputies, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/deputy_list.html",
        {
            "page": page,
            "level": level,
            "levels": DeputyLevel.choices,
            "on_duty": on_duty,
            "may_reveal": _may_reveal(request.user),
        },
    )


@capability_required(Capability.VIEW_TOWN)
def observer_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") if request.GET.get("kind") in ObserverKind.values else None
    page = Paginator(selectors.observer_list(user=request.user, kind=kind), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/observer_list.html",
        {"page": page, "kind": kind, "kinds": ObserverKind.choices, "may_reveal": _may_reveal(request.user)},
    )


def _may_reveal(user: Any) -> bool:
    """The presidium (``view_personal_data``) may ask for a deputy's or an observer's phone in full; the lists
    show every phone masked, to the presidium as well."""
    return bool(user.can(Capability.VIEW_PERSONAL_DATA) and user.town_id is not None)


CONTACTS: dict[str, Any] = {
    "deputy": selectors.deputies_visible_to,
    "observer": selectors.observers_visible_to,
}


@capability_required(Capability.VIEW_TOWN)
def contact(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One deputy's or observer's phone: masked, with a form asking why; in full once the reason is given
    (a reveal, written to the audit trail and counted against the account's rate)."""
    if kind not in CONTACTS:
        raise Http404
    person: Any = get_object_or_404(CONTACTS[kind](request.user), pk=pk)
    if not may_reveal_in_town(request.user, person):
        raise PermissionDenied
    form, status = RevealForm(), 200
    if request.method == "POST":
        form, status, _done = reveal_on_page(
            request, lambda reason: reveal(request=request, obj=person, reason=reason, details=["phone"])
        )
    revealed = request.method == "POST" and status == 200
    context = {
        "person": person,
        "kind": kind,
        "phone": person.phone if revealed else masking.mask_phone(person.phone),
        "revealed": revealed,
        "form": form,
    }
    return render(request, "people/contact.html", context, status=status)
