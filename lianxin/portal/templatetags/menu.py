"""``{% top_menu %}``: the top menu of the signed-in user, from the one table in ``portal/menu.py``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ..menu import menu_for

register = template.Library()


@register.inclusion_tag("portal/_menu.html", takes_context=True)
def top_menu(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = context.get("user")
    path = request.path if request is not None else ""
    entries = menu_for(user)
    # the entry whose page is open (the longest prefix: /disputes/… is the ledger's, not the home's)
    current = max((url for _k, _l, url in entries if path.startswith(url)), key=len, default="")
    return {"entries": entries, "current": current, "focus": getattr(user, "focus_town", None)}


@register.simple_tag(takes_context=True)
def footer_scope(context: Any) -> str:
    """Whose platform this is, for the footer: the user's town, the county viewer's county (and the town in
    view), otherwise the platform's name."""
    user = context.get("user")
    town = getattr(user, "town", None) if getattr(user, "is_authenticated", False) else None
    if town is not None:
        return _("%(town)s People's Congress Presidium") % {"town": town.name}
    county = getattr(user, "county", None) if getattr(user, "is_authenticated", False) else None
    if county is not None:
        focus = getattr(user, "focus_town", None)
        if focus is not None:
            return _("%(county)s · %(town)s (read only)") % {"county": county.name, "town": focus.name}
        return _("%(county)s · every town of the county") % {"county": county.name}
    return _("Chengguan Town People's Congress Presidium")
