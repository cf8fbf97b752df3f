"""The risk rule for disputes, as the presidium tunes it (``RiskRule``): points for each fact, then a level.

Each fact that adds points is kept as a reason (``{"fact", "points", "value"}``), stored with the dispute
and shown beside its level, so a mediator can see why a dispute is major and the presidium can see what a
change of the rule does. The petition-risk flag (信访隐患) is raised by the rule on repeated contacts or
threats, and by hand; only a person removes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from lianxin.core.models import Town

from .models import Kind, Risk, RiskRule


def rule_of(town: Town | int) -> RiskRule:
    """The town's rule; the defaults until the presidium first saves it."""
    town_id = town if isinstance(town, int) else town.pk
    found = RiskRule.objects.filter(town_id=town_id).first()
    return found if found is not None else RiskRule(town_id=town_id)


@dataclass
class Assessment:
    level: str
    points: int
    reasons: list[dict[str, Any]] = field(default_factory=list)
    petition_risk: bool = False


def assess(
    rule: RiskRule, *, kind: str, amount: int, parties: int, repeat_contacts: int, threats: bool
) -> Assessment:
    reasons: list[dict[str, Any]] = []

    def add(fact: str, points: int, value: Any) -> None:
        if points:
            reasons.append({"fact": fact, "points": points, "value": value})

    add("kind", int(rule.kind_points.get(kind, 0)), kind)
    add("amount", min(amount // rule.amount_step, rule.amount_max_points), amount)
    add("parties", max(parties - 2, 0) * rule.party_points, parties)
    add("repeat", repeat_contacts * rule.repeat_points, repeat_contacts)
    add("threats", rule.threat_points if threats else 0, True)
    points = sum(r["points"] for r in reasons)
    level = (
        Risk.CRITICAL
        if points >= rule.critical_at
        else Risk.MAJOR
        if points >= rule.major_at
        else Risk.GENERAL
    )
    petition = threats or repeat_contacts >= rule.petition_contacts_at
    return Assessment(level=level, points=points, reasons=reasons, petition_risk=petition)


def reason_text(reason: dict[str, Any]) -> str:
    """One stored reason in the reader's language: "土地及宅基地纠纷 +3"."""
    fact, value, points = reason.get("fact"), reason.get("value"), reason.get("points", 0)
    if fact == "kind":
        text = _("type: %(kind)s") % {"kind": Kind(value).label if value in Kind.values else value}
    elif fact == "amount":
        text = _("amount at stake: %(amount)s yuan") % {"amount": f"{int(value or 0):,}"}
    elif fact == "parties":
        text = _("%(n)s parties") % {"n": value}
    elif fact == "repeat":
        text = _("%(n)s repeated contacts") % {"n": value}
    elif fact == "threats":
        text = _("threats or extreme words")
    else:
        text = str(fact)
    return f"{text} +{points}"
