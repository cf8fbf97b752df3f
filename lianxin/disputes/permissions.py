"""Who may make which move on which dispute or hearing: the rules predicates the move tables name.

They ask capabilities, never role names: ``MEDIATE`` (the mediation centre's staff), ``SUPERVISE`` (the
presidium). Which disputes a principal reads at all is the scope in ``scopes.py``.
"""

from __future__ import annotations

from typing import Any

import rules

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.access import may_reveal_in_town


def _same_town(user: Any, obj: Any) -> bool:
    return getattr(user, "town_id", None) is not None and user.town_id == obj.town_id


@rules.predicate
def is_presidium(user: Any, obj: Any) -> bool:
    return can(user, Capability.SUPERVISE) and _same_town(user, obj)


@rules.predicate
def mediates_in_town(user: Any, obj: Any) -> bool:
    return can(user, Capability.MEDIATE) and _same_town(user, obj)


@rules.predicate
def is_its_mediator(user: Any, dispute: Any) -> bool:
    return mediates_in_town(user, dispute) and dispute.mediator_id == user.pk


# A dispute is taken up by any mediator of the town (or the presidium, naming one); from then on it is the
# mediator's who took it, with the presidium beside them.
may_accept = mediates_in_town | is_presidium
handles = is_its_mediator | is_presidium


def may_register(user: Any) -> bool:
    """Registering a dispute (a walk-in, a referral, a demand turned into a dispute)."""
    return can(user, Capability.MEDIATE) or can(user, Capability.SUPERVISE)


def may_tune_rule(user: Any) -> bool:
    return can(user, Capability.SUPERVISE) and getattr(user, "town_id", None) is not None


def may_reveal(user: Any, dispute: Any) -> bool:
    """Who may ask, with a reason, for the parties' names, phones and ID numbers in full (a reveal, audited):
    the presidium of the town (``view_personal_data``) and the mediator handling the dispute, who phones the
    parties and prints the agreement they sign. Everyone else reads them masked, always."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(may_reveal_in_town(user, dispute) or is_its_mediator(user, dispute))
