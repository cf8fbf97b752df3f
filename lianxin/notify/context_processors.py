from typing import Any

from django.http import HttpRequest

from .selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the bell in the header (one indexed count per page)."""
    return {"unread_notifications": unread_count(user=request.user)}
