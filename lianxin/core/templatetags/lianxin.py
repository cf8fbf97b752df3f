"""Template helpers shared by every app: masking personal data (for every reader), and the panels
other apps add to a page (core/kit.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from lianxin.core import masking
from lianxin.core.kit import panels_for

register = template.Library()


@register.simple_tag
def phone(value: str | None) -> str:
    """A phone number masked, for every reader: a page that shows one in full does so only in the answer to
    a reveal (lianxin/audit/reveal.py), never through this tag."""
    return masking.mask_phone(value)


@register.simple_tag
def person(value: str | None) -> str:
    """A private person's name masked, for every reader (see ``phone``)."""
    return masking.mask_name(value)


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
    # Each panel's HTML is kept as it is when it is safe (a rendered template), escaped otherwise; a panel with
    # nothing to say adds nothing, so ``{% panels demand "head" as advice %}{% if advice %}`` can tell.
    rendered = [html for html in (p.render(request, obj) for p in shown) if html.strip()]
    return format_html_join("\n", "{}", ((html,) for html in rendered))
