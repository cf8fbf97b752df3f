"""The citizen's own pages, as the notice engine links to them: a text to a citizen carries their tracking
page (absolute with ``PORTAL_PUBLIC_BASE_URL``), never a staff page. Registered in ``PortalConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from lianxin.core.notices import CitizenLink


def demand_page(demand: Any) -> str:
    """The citizen's page of a demand: where they follow it and evaluate the result."""
    path = reverse("portal:tracked", args=[demand.town.code, demand.code])
    return f"{settings.PORTAL_PUBLIC_BASE_URL.rstrip('/')}{path}"


DEMAND = CitizenLink(on="demands.Demand", url=demand_page)
