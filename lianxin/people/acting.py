"""Who a signed-in user acts as among the town's people: a deputy serving cells, or a department's staff.

Demands, tracked items and disputes all ask this; it sits here, below them, so none of them imports
another for it. Capabilities only, never role names.
"""

from __future__ import annotations

from typing import Any

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability


def deputy_of(user: Any) -> Any:
    """The deputy a user acts as, if their role reads a deputy's cells."""
    return getattr(user, "deputy", None) if can(user, Capability.READ_CELL_CASES) else None


def department_id_of(user: Any) -> int | None:
    """The department a user works in, if their role reads the cases assigned to it."""
    staff = getattr(user, "department_staff", None) if can(user, Capability.READ_ASSIGNED_CASES) else None
    return staff.department_id if staff else None


def acting_scope(user: Any) -> dict[str, Any]:
    """Who the user acts as, as plain values: the deputy and the cells they serve, the department they work
    in. What a scope rule reads besides capabilities and the town; kept with an export to be compared later."""
    deputy = deputy_of(user)
    cells = sorted(deputy.cell_links.values_list("cell_id", flat=True)) if deputy is not None else []
    return {
        "deputy": deputy.pk if deputy is not None else None,
        "cells": cells,
        "department": department_id_of(user),
    }
