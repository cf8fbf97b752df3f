"""The allowed moves of a demand, as one table. Services check it; tests read it.

recorded ──claim──▶ claimed ──assign──▶ assigned ──accept──▶ accepted ──complete──▶ completed
    │                  │  ▲                 │                   ▲  │                   │
    │                  │  └────bounce───────┘                   │  └─extension (no move)│
    ├─merge/decline/transfer (also from claimed)                 │                       │
    │                                                 returned ◀┴───return / unsatisfied─┤
    │                                                            evaluated ◀──evaluate/check─┘
    │                                                                │
    └────────────────────────────────────────────────────────────── close ──▶ closed
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.roles import Capability


class Status(models.TextChoices):
    RECORDED = "recorded", _("recorded")  # 问题清单
    CLAIMED = "claimed", _("claimed by a deputy")
    ASSIGNED = "assigned", _("assigned")  # 交办清单
    ACCEPTED = "accepted", _("being handled")
    RETURNED = "returned", _("returned for rework")
    COMPLETED = "completed", _("completed")  # 办结清单
    EVALUATED = "evaluated", _("evaluated")
    CLOSED = "closed", _("closed")
    MERGED = "merged", _("merged")
    DECLINED = "declined", _("declined")
    TRANSFERRED = "transferred", _("transferred upward")


S = Status
PROBLEM_LIST = (S.RECORDED, S.CLAIMED)
ASSIGNMENT_LIST = (S.ASSIGNED, S.ACCEPTED, S.RETURNED)
COMPLETION_LIST = (S.COMPLETED, S.EVALUATED, S.CLOSED)
TERMINAL = (S.CLOSED, S.MERGED, S.DECLINED, S.TRANSFERRED)
# Under a department's clock: the deadline sweep looks only at these.
ON_THE_CLOCK = (S.ASSIGNED, S.ACCEPTED, S.RETURNED)


@dataclass(frozen=True)
class Move:
    action: str
    sources: tuple[Status, ...]
    target: Status | None  # None: decided by the service (an evaluation may pass or return)
    capability: str
    label: str | Promise


MOVES: dict[str, Move] = {
    m.action: m
    for m in [
        Move("claim", (S.RECORDED,), S.CLAIMED, Capability.CLAIM_DEMAND, _("claim")),
        Move("assign", (S.CLAIMED,), S.ASSIGNED, Capability.ASSIGN_DEMAND, _("assign to a department")),
        Move("bounce", (S.ASSIGNED,), S.CLAIMED, Capability.HANDLE_ASSIGNMENT, _("send back as not ours")),
        Move("accept", (S.ASSIGNED,), S.ACCEPTED, Capability.HANDLE_ASSIGNMENT, _("accept")),
        Move(
            "complete",
            (S.ACCEPTED, S.RETURNED),
            S.COMPLETED,
            Capability.HANDLE_ASSIGNMENT,
            _("report completion"),
        ),
        Move("evaluate", (S.COMPLETED,), None, Capability.SUBMIT_DEMAND, _("evaluate")),
        Move("check", (S.COMPLETED, S.EVALUATED), None, Capability.CLAIM_DEMAND, _("deputy's check")),
        Move("return", (S.COMPLETED, S.EVALUATED), S.RETURNED, Capability.SUPERVISE, _("return for rework")),
        Move("close", (S.EVALUATED,), S.CLOSED, Capability.SUPERVISE, _("accept and close")),
        Move("merge", (S.RECORDED, S.CLAIMED), S.MERGED, Capability.ASSIGN_DEMAND, _("merge into another")),
        Move("decline", (S.RECORDED, S.CLAIMED), S.DECLINED, Capability.ASSIGN_DEMAND, _("decline")),
        Move(
            "transfer", (S.RECORDED, S.CLAIMED), S.TRANSFERRED, Capability.ASSIGN_DEMAND, _("transfer upward")
        ),
        # Supervision steps: write an event but leave the status where it is.
        Move(
            "request_extension",
            (S.ACCEPTED, S.RETURNED),
            None,
            Capability.HANDLE_ASSIGNMENT,
            _("request extension"),
        ),
        Move("decide_extension", (S.ACCEPTED, S.RETURNED), None, Capability.SUPERVISE, _("decide extension")),
        Move("remind", ON_THE_CLOCK, None, Capability.SUPERVISE, _("remind")),
    ]
}


def allowed_from(status: str) -> list[Move]:
    return [m for m in MOVES.values() if status in m.sources]
