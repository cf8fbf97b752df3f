"""The start-up check: a kind that names deputies has a duty source or is marked as not counting."""

from __future__ import annotations

from django.core import checks
from django.db import models

from lianxin.core.kit import everywhere
from lianxin.duty import sources
from lianxin.duty.checks import deputy_kinds_have_sources, unwired
from lianxin.supervision.events import PlanItemKind


class ToyKind(models.TextChoices):
    GATHER = "gather", "deputies gathered"


def test_the_real_registry_passes_and_is_checked_at_start_up():
    assert deputy_kinds_have_sources() == []
    assert not [m for m in checks.run_checks() if m.id and m.id.startswith("duty.")]
    named = {sources.key(k) for _, k in everywhere("deputy_kinds")}
    assert sources.key(PlanItemKind.HEAR_REPORT) in named  # the kind the check would have caught


def test_a_kind_naming_deputies_without_a_source_is_refused():
    named = [*everywhere("deputy_kinds"), ("toys", ToyKind.GATHER)]
    (error,) = unwired(named, sources.SOURCES, sources.NOT_COUNTED)
    assert error.id == "duty.E001" and "toys: ToyKind.GATHER" in error.msg
    # marked as not counting, it passes
    assert (
        unwired(named, sources.SOURCES, {**sources.NOT_COUNTED, sources.key(ToyKind.GATHER): "a toy"}) == []
    )


def test_a_missing_source_is_found_for_a_real_kind():
    # Without the line added for it, hear_report would be refused (the bug this check prevents).
    counted = {k: s for k, s in sources.SOURCES.items() if k != sources.key(PlanItemKind.HEAR_REPORT)}
    (error,) = unwired(everywhere("deputy_kinds"), counted, sources.NOT_COUNTED)
    assert error.id == "duty.E001" and "PlanItemKind.HEAR_REPORT" in error.msg


def test_a_kind_both_counted_and_not_is_refused():
    not_counted = {**sources.NOT_COUNTED, sources.key(PlanItemKind.HEAR_REPORT): "contradiction"}
    (error,) = unwired(everywhere("deputy_kinds"), sources.SOURCES, not_counted)
    assert error.id == "duty.E002"
