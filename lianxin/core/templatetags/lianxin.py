"""Template helpers shared by every app: masking personal data by the viewer's capability, and the panels
other apps add to a page (core/kit.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from lianxin.core import masking
from lianxin.core.access import Capability, can
from lianxin.core.kit import panels_for

register = template.Library()


def _may_see(user: Any) -> bool:
    return can(user, Capability.VIEW_PERSONAL_DATA)


@register.simple_tag(takes_context=True)
def phone(context: dict[str, Any], value: str | None) -> str:
    """The phone number in full for those who need it, masked for everyone else."""
    return (value or "") if _may_see(context.get("user")) else masking.mask_phone(value)


@register.simple_tag(takes_context=True)
def person(context: dict[str, Any], value: str | None) -> str:
    """A private person's name in full for those who need it, masked for everyone else."""
    return (value or "") if _may_see(context.get("user")) else masking.mask_name(value)


# A page shows its panels in two places: those ordered below this above its own actions ("head"), the
# rest after its own sections ("body").
BODY_FROM = 100


@register.simple_tag(takes_context=True)
def panels(context: dict[str, Any], obj: Any, place: str = "body") -> SafeString:
    """``{% panels demand "head" %}``: the fragments other apps registered for this object's model, so the
    page loads none of their template tags and its app imports none of them."""
    request = context["request"]
    label = f"{obj._meta.app_label}.{obj._meta.object_name}"
    shown = [p for p in panels_for(label) if (p.order < BODY_FROM) == (place == "head")]
    # Each panel's HTML is kept as it is when it is safe (a rendered template), escaped otherwise.
    return format_html_join("\n", "{}", ((p.render(request, obj),) for p in shown))
