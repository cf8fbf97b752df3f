"""Who is asking: the principals that scopes and rules are asked about.

A person signs in as a ``User`` (their role gives their capabilities); an API key acts through its town's
system account (a ``User`` of the system role); the worker's own jobs act as ``WORKER``; a visitor who has
not signed in is Django's ``AnonymousUser``. All of them answer ``can(capability)`` through ``can``
(core/access.py, named here too).
"""

from __future__ import annotations

from typing import Any

from lianxin.core.access import can as can
from lianxin.core.access import is_signed_in as is_signed_in

from .roles import WORKER_CAPABILITIES


class Worker:
    """The worker doing its own jobs (the deadline sweep): every town, no person behind it."""

    pk = id = None
    town_id = county_id = None
    is_authenticated = is_active = is_system = True
    is_anonymous = is_superuser = False

    def can(self, capability: str) -> bool:
        return capability in WORKER_CAPABILITIES

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False  # the worker moves nothing by a person's right

    def __str__(self) -> str:
        return "worker"


WORKER = Worker()
