"""A town wired for the dispute ledger: places, people of each role, and disputes in any state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lianxin.accounts.roles import Role
from lianxin.core import clock
from lianxin.disputes import services
from lianxin.disputes.models import Dispute, Kind, Source, Status
from lianxin.territory.models import StationKind

from ..factories import (
    CategoryFactory,
    DepartmentStaffFactory,
    DeputyCellFactory,
    DeputyFactory,
    GridCellFactory,
    StationFactory,
    TownFactory,
    UserFactory,
)

# The path to each status, as the moves that lead there from "registered".
PATHS: dict[str, list[str]] = {
    Status.REGISTERED: [],
    Status.ACCEPTED: ["accept"],
    Status.MEDIATING: ["accept", "start"],
    Status.AGREED: ["accept", "start", "agree"],
    Status.FAILED: ["accept", "start", "fail"],
    Status.REFERRED: ["accept", "start", "fail", "refer"],
    Status.FOLLOW_UP: ["accept", "start", "agree", "follow_up"],
    Status.CLOSED: ["accept", "start", "agree", "follow_up", "close"],
}


@dataclass
class Ledger:
    town: Any
    cell: Any
    station: Any
    category: Any
    mediator: Any
    other_mediator: Any
    presidium: Any
    deputy_user: Any
    deputy: Any
    other_deputy_user: Any
    citizen: Any
    staff: Any
    county: Any
    outsider: Any

    @classmethod
    def build(cls) -> Ledger:
        town = TownFactory()
        other = TownFactory()
        cell = GridCellFactory(town=town, name="东关村")
        station = StationFactory(town=town, kind=StationKind.MEDIATION, cell=cell, name="东关村调解室")
        deputy_user = UserFactory(town=town, role=Role.DEPUTY)
        link = DeputyCellFactory(town=town, cell=cell, deputy__user=deputy_user, deputy__name="王代表")
        other_deputy_user = UserFactory(town=town, role=Role.DEPUTY)
        DeputyFactory(town=town, user=other_deputy_user, name="李代表")
        staff_user = UserFactory(town=town, role=Role.DEPARTMENT)
        DepartmentStaffFactory(town=town, user=staff_user)
        return cls(
            town=town,
            cell=cell,
            station=station,
            category=CategoryFactory(town=town, name="土地纠纷"),
            mediator=UserFactory(town=town, role=Role.MEDIATOR, display_name="刘调解员"),
            other_mediator=UserFactory(town=town, role=Role.MEDIATOR),
            presidium=UserFactory(town=town, role=Role.PRESIDIUM),
            deputy_user=deputy_user,
            deputy=link.deputy,
            other_deputy_user=other_deputy_user,
            citizen=UserFactory(town=town, role=Role.CITIZEN),
            staff=staff_user,
            county=UserFactory(town=None, county=town.county, role=Role.COUNTY_VIEWER),
            outsider=UserFactory(town=other, role=Role.PRESIDIUM),
        )

    def registered(self, **kwargs: Any) -> Dispute:
        fields: dict[str, Any] = {
            "town": self.town,
            "actor": self.mediator,
            "kind": Kind.NEIGHBOURS,
            "source": Source.WALK_IN,
            "summary": "邻里排水纠纷",
            "description": "两户因排水沟堵塞发生争执",
            "parties": [
                {
                    "side": "applicant",
                    "name": "张建国",
                    "phone": "13812345678",
                    "id_number": "410724198001011234",
                },
                {"side": "respondent", "name": "李红梅", "phone": "13987654321"},
            ],
            "station": self.station,
        }
        fields.update(kwargs)
        return services.dispute_register(**fields)

    def do(self, action: str, dispute: Dispute, actor: Any) -> Any:
        """Make ``action`` on ``dispute`` as ``actor`` with valid input."""
        today = clock.now().date()
        calls = {
            "accept": lambda: services.dispute_accept(dispute=dispute, actor=actor, mediator=self.mediator),
            "start": lambda: services.dispute_start(dispute=dispute, actor=actor),
            "session": lambda: services.session_record(
                dispute=dispute, actor=actor, held_at=clock.now(), place="东关村调解室", minutes="双方陈述",
                outcome="continue", supervisor=self.deputy, supervisor_remarks="依法依规调解",
            ),
            "agree": lambda: services.dispute_agree(
                dispute=dispute, actor=actor, terms="李家清理排水沟，张家承担一半费用",
                follow_up_due=today + dt.timedelta(days=30), accepted=dispute.parties.all(),
            ),
            "fail": lambda: services.dispute_fail(dispute=dispute, actor=actor, reason="双方分歧过大"),
            "refer": lambda: services.dispute_refer(dispute=dispute, actor=actor, to="court"),
            "follow_up": lambda: services.dispute_follow_up(dispute=dispute, actor=actor, result="已履行"),
            "close": lambda: services.dispute_close(dispute=dispute, actor=actor),
            "reassess": lambda: services.dispute_reassess(
                dispute=dispute, actor=actor, amount=1000, repeat_contacts=1, threats=False
            ),
            "flag_petition": lambda: services.dispute_flag_petition(dispute=dispute, actor=actor, reason="扬言上访"),
            "clear_petition": lambda: services.dispute_clear_petition(dispute=dispute, actor=actor, reason="已化解"),
            "raise_demand": lambda: services.dispute_raise_demand(
                dispute=dispute, actor=actor, category=self.category, title="排水沟需要硬化", description="建议村里硬化"
            ),
        }  # fmt: skip
        return calls[action]()

    def at(self, status: str, **kwargs: Any) -> Dispute:
        dispute = self.registered(**kwargs)
        for action in PATHS[status]:
            self.do(action, dispute, self.mediator)
            dispute.refresh_from_db()
        return dispute
