from typing import Any

from django.http import HttpRequest

from .selectors import unread_by_tab


def bell(request: HttpRequest) -> dict[str, Any]:
    """The unread counts for the bell in the header, per tab ("needs me", "for information"), in one query."""
    counts = unread_by_tab(user=request.user)
    return {
        "unread_notifications": sum(counts.values()),
        "unread_action": counts["action"],
        "unread_info": counts["info"],
    }
