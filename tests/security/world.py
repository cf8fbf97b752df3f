"""Two towns with one of everything a URL can name (a demand, a dispute, a project, a tracked item…) and a
person of each role in the first, for the access matrix (``test_access_matrix.py``).

Everything is made with the real services where one exists, so each object is in the state its pages expect.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from lianxin.accounts.roles import Role
from lianxin.api.services import api_key_create
from lianxin.core.uploads import clean_photo
from lianxin.disputes import services as disputes
from lianxin.disputes.models import Hearing
from lianxin.duty import services as duty
from lianxin.exports import services as exports
from lianxin.insight.models import EarlyWarning
from lianxin.jobs.models import Job
from lianxin.supervision import services as supervision
from lianxin.tracking import services as tracking

from ..factories import AgentFactory, ObserverFactory, StationFactory, TownFactory, UserFactory
from ..loop import Loop
from ..supervision.factories import Sup


def _photo(name: str = "photo.png") -> Any:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, format="PNG")
    return clean_photo(SimpleUploadedFile(name, out.getvalue(), content_type="image/png"))


@dataclass
class Place:
    """One town: its people (``users``, by principal name) and one object of each kind (``objects``)."""

    town: Any
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    api_key: str = ""

    @classmethod
    def build(cls) -> Place:
        town = TownFactory()
        loop = Loop.build(town)
        sup = Sup(loop)
        place = cls(town=town)
        deputy = loop.deputy.deputy
        observer = UserFactory(role=Role.OBSERVER, town=town)
        ObserverFactory(town=town, cell=loop.cell, deputy=deputy, user=observer, phone="13600006666")
        point = StationFactory(town=town, cell=loop.cell, collection_point=True)
        agent = UserFactory(role=Role.AGENT, town=town)
        AgentFactory(town=town, station=point, user=agent, phone="13700007777")
        mediator = UserFactory(role=Role.MEDIATOR, town=town)
        place.users = {
            "citizen": loop.citizen,
            "observer": observer,
            "agent": agent,
            "deputy": loop.deputy,
            "staff": loop.staff,
            "other_staff": loop.other_staff,
            "mediator": mediator,
            "presidium": loop.presidium,
            "county": UserFactory(role=Role.COUNTY_VIEWER, town=None, county=town.county),
        }
        _key, place.api_key = api_key_create(town=town, name="12345 热线")

        demand = loop.assigned(attachments=[_photo()])
        station = StationFactory(town=town, cell=loop.cell)
        dispute = disputes.dispute_register(
            town=town, actor=mediator, kind="neighbours", source="walk_in", summary="邻里排水纠纷",
            description="两户因排水沟堵塞发生争执", station=station,
            parties=[{"side": "applicant", "name": "张建国", "phone": "13812345678"},
                     {"side": "respondent", "name": "李红梅", "phone": "13987654321"}],
        )  # fmt: skip
        disputes.dispute_accept(dispute=dispute, actor=mediator, mediator=mediator)
        disputes.dispute_start(dispute=dispute, actor=mediator)
        session = disputes.session_record(
            dispute=dispute, actor=mediator, held_at=timezone.now(), place="调解室", minutes="双方陈述",
            outcome="continue", supervisor=deputy, supervisor_remarks="依法依规调解",
        )  # fmt: skip
        hearing = Hearing.objects.create(
            town=town, basis=Hearing.Basis.DISPUTE, title="排水纠纷听证", reason="重大风险", dispute=dispute
        )
        project = sup.underway()
        supervision.inspection_record(
            project=project, actor=loop.deputy, on=dt.date(2026, 5, 1), findings="进度正常", photos=[_photo()]
        )
        StationFactory(town=town, kind="industry", cell=None)
        company = supervision.enterprise_register(
            town=town, actor=loop.presidium, name="恒达机械", sector="装备制造", cell=loop.cell,
            contact_name="王建国", contact_phone="13912340001",
        )  # fmt: skip
        event = supervision.station_event_record(
            town=town, actor=loop.presidium, kind="donation", title="企业家代表捐资助学",
            held_on=dt.date(2026, 9, 1), enterprises=[company], deputies=[deputy],
        )  # fmt: skip
        plan = supervision.plan_draft(town=town, actor=loop.presidium, year=2026, title="2026年监督工作计划")
        item = supervision.plan_add_item(
            plan=plan,
            actor=loop.presidium,
            kind="report",
            subject="听取报告",
            month=4,
            department=loop.department,
        )
        now = timezone.now()
        visit = duty.visit_plan(actor=loop.deputy, kind="door", cell=loop.cell, planned_for=now)
        activity = duty.activity_submit(
            actor=loop.deputy,
            kind="policy_talk",
            title="政策宣讲",
            happened_on=now.date(),
            evidence_note="签到表",
        )
        warning = EarlyWarning.objects.create(
            town=town, kind="rising", key=f"cell-{loop.cell.pk}", cell=loop.cell, title="积水增多",
            window_start=now - dt.timedelta(days=7), window_end=now, observed=5,
        )  # fmt: skip
        job = Job.objects.create(
            kind="insight.ledger_import", title="old.csv", town=town, owner=loop.presidium,
            params={"filename": "old.csv", "fmt": "csv", "dry_run": False, "upload": ""},
        )  # fmt: skip
        report = Job.objects.create(
            kind="insight.monthly_report", title="月报", town=town, owner=loop.presidium, state="done",
            params={"county": town.county_id, "month": "2026-10-01"}, total=100, done=100,
            file=ContentFile(b"%PDF-1.4 matrix", name="m.pdf"),
            second_file=ContentFile(b"PK matrix", name="m.xlsx"), finished_at=now,
        )  # fmt: skip
        tracked = tracking.tracked_item_open(
            town=town, origin="manual", title="清理排水沟", due_at=now + dt.timedelta(days=7),
            actor=loop.presidium, department=loop.department,
        )  # fmt: skip
        export = exports.export_start(
            kind="demands.list", params={"list": "problem", "filters": {}}, title="问题清单",
            actor=loop.presidium,
        )  # fmt: skip
        exports.export_run(job_id=export.pk)
        failed_job = Job.objects.create(  # its worker died: the sweep failed it, its owner may retry it
            kind="demands.list", title="问题清单", town=town, owner=loop.presidium, state="failed",
            params={"list": "problem", "filters": {}}, error="后台任务中断", finished_at=now,
        )  # fmt: skip
        place.objects = {
            "town_code": town.code,
            "demand": demand,
            "attachment": demand.attachments.get(),
            "category": loop.category,
            "cell": loop.cell,
            "station": station,
            "department": loop.department,
            "deputy": deputy,
            "dispute": dispute,
            "session": session,
            "hearing": hearing,
            "project": project,
            "vote": project.session,
            "suggestion": sup.submitted(),
            "inquiry": sup.planned(),
            "theme": sup.launched(),
            "enterprise": company,
            "station_event": event,
            "plan": plan,
            "plan_item": item,
            "photo": project.inspections.get().photos.get(),
            "visit": visit,
            "activity": activity,
            "warning": warning,
            "import": job,
            "report": report,
            "tracked": tracked,
            "export": export,
            "failed_job": failed_job,
        }
        return place


@dataclass
class World:
    """Town A, where every principal lives, and town B (another county), whose objects A must never see."""

    a: Place
    b: Place
    admins: dict[str, Any]

    @classmethod
    def build(cls) -> World:
        return cls(
            a=Place.build(),
            b=Place.build(),
            admins={
                "system_admin": UserFactory(role=Role.SYSTEM_ADMIN, town=None),
                "security_admin": UserFactory(role=Role.SECURITY_ADMIN, town=None),
                "audit_admin": UserFactory(role=Role.AUDIT_ADMIN, town=None),
            },
        )
