"""Who reads the intake's rows: aliases are public like the grid; models and decisions are staff's."""

from __future__ import annotations

from lianxin.core import scopes

from . import models as m

scopes.rule(m.PlaceAlias)(scopes.public)
scopes.rule(m.IntakeModel)(scopes.staff)
scopes.rule(m.IntakeDecision)(scopes.staff)
