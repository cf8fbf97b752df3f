"""The intake listens to the demand's events: what a person chose is kept as the next training's data.

Subscribed in the transaction phase, so a decision exists if and only if the demand's change does.
"""

from __future__ import annotations

from lianxin.accounts.principals import WORKER
from lianxin.core.events import DomainEvent, subscribe
from lianxin.demands.events import Event

from . import services


@subscribe(Event.RECORD)
def recorded(event: DomainEvent) -> None:
    services.decision_record(demand=event.subject, principal=WORKER)


@subscribe(Event.ASSIGN)
def assigned(event: DomainEvent) -> None:
    department = event.data.get("department")
    if department is not None:
        services.decision_assign(demand=event.subject, department=department, principal=WORKER)
