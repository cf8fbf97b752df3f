"""The audit trail (lianxin/audit): ``record`` is the one function other code calls.

    from lianxin import audit
    audit.record(audit.REVEAL, request=request, obj=demand, action="phone", reason=form.cleaned_data["reason"])

Who, from where and in which town are taken from the request (or the request being served, for code that
has none at hand, such as a workflow's event subscriber), unless given.
"""

from __future__ import annotations

from typing import Any

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
TRANSITION = "transition"
REVEAL = "reveal"
EXPORT = "export"
ACCOUNT = "account"
ADMIN = "admin"
RETENTION = "retention"


def record(kind: str, **kwargs: Any) -> Any:
    """Append one entry; see ``lianxin.audit.services.record`` for the arguments."""
    from .services import record as _record

    return _record(kind, **kwargs)
