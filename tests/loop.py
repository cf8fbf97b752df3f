"""A small town wired for the closed loop, and steps that walk a demand through it with the real services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lianxin.accounts.roles import Role
from lianxin.demands import services
from lianxin.demands.models import Demand

from .factories import (
    CategoryFactory,
    DepartmentStaffFactory,
    DeputyCellFactory,
    DeputyFactory,
    GridCellFactory,
    TownFactory,
    UserFactory,
)


@dataclass
class Loop:
    town: Any
    cell: Any
    category: Any
    deputy: Any  # a User with role deputy, serving ``cell``
    other_deputy: Any  # a deputy of the same town who does not serve ``cell``
    department: Any  # a Department
    staff: Any  # a User of ``department``
    other_staff: Any  # staff of another department of the town
    presidium: Any
    citizen: Any

    @classmethod
    def build(cls, town: Any | None = None) -> Loop:
        town = town or TownFactory()
        cell = GridCellFactory(town=town)
        far_cell = GridCellFactory(town=town)
        deputy_user = UserFactory(role=Role.DEPUTY, town=town)
        DeputyCellFactory(town=town, cell=cell, deputy=DeputyFactory(town=town, user=deputy_user))
        other_user = UserFactory(role=Role.DEPUTY, town=town)
        DeputyCellFactory(town=town, cell=far_cell, deputy=DeputyFactory(town=town, user=other_user))
        staff = DepartmentStaffFactory(town=town)
        other = DepartmentStaffFactory(town=town)
        return cls(
            town=town,
            cell=cell,
            category=CategoryFactory(town=town),
            deputy=deputy_user,
            other_deputy=other_user,
            department=staff.department,
            staff=staff.user,
            other_staff=other.user,
            presidium=UserFactory(role=Role.PRESIDIUM, town=town),
            citizen=UserFactory(role=Role.CITIZEN, town=town, phone="13900001234"),
        )

    # Each step returns the demand, fresh from the database, in the named state.
    def recorded(self, **kw: Any) -> Demand:
        values = {
            "town": self.town,
            "recorded_by": self.citizen,
            "requester": self.citizen,
            "channel": "mobile",
            "category": self.category,
            "title": "小区门口积水",
            "description": "雨后积水一周未退",
            "cell": self.cell,
            "requester_name": "李小花",
            "requester_phone": "13900001234",
        } | kw
        return services.demand_record(**values)

    def claimed(self, **kw: Any) -> Demand:
        return services.demand_claim(demand=self.recorded(**kw), actor=self.deputy)

    def assigned(self, **kw: Any) -> Demand:
        d = self.claimed(**kw)
        services.demand_assign(
            demand=d,
            actor=self.deputy,
            department=self.department,
            matter="疏通排水",
            standard="三日内无积水",
        )
        return Demand.objects.get(pk=d.pk)

    def accepted(self, **kw: Any) -> Demand:
        return services.demand_accept(demand=self.assigned(**kw), actor=self.staff)

    def completed(self, **kw: Any) -> Demand:
        return services.demand_complete(
            demand=self.accepted(**kw), actor=self.staff, result="已疏通", outcome="resolved"
        )

    def evaluated(self, **kw: Any) -> Demand:
        return services.demand_evaluate(demand=self.completed(**kw), actor=self.citizen, verdict="satisfied")

    def returned(self, **kw: Any) -> Demand:
        return services.demand_evaluate(
            demand=self.completed(**kw), actor=self.citizen, verdict="unsatisfied", comment="还有积水"
        )

    def closed(self, **kw: Any) -> Demand:
        return services.demand_close(demand=self.evaluated(**kw), actor=self.presidium)
