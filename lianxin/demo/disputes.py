"""A year of the dispute ledger, replayed through the real services under ``clock.at``.

Of the case's order: 70 disputes over the demo year at the town's mediation stations, most resolved by an
agreement that is followed up and closed, some failed and referred onward, the latest still open; petition
risks raised by repeated visits and removed before closing; sessions with a deputy on the supervision seat;
the major disputes' proposed hearings, two held (each with a follow-up task), two dismissed; some disputes
that came from demands and some that raised demands. Deterministic (a seeded generator) and idempotent: a
dispute whose ledger number exists is skipped, as are the hearings' moves already made.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.demands.models import Category, Demand
from lianxin.disputes import services
from lianxin.disputes.models import Dispute, DisputeDemand, Hearing, Kind, Source
from lianxin.people.models import Department, DepartmentStaff, Deputy, DeputyCell, Gender, StationDuty
from lianxin.territory.models import Station, StationKind
from lianxin.tracking.services import tracked_item_accept, tracked_item_report

from .demands import LAST_DAY, START, Actors, year_end
from .generator import NameMaker, Stats, _phone

COUNT = 70
# (type, summary, description, amount at stake) — the stories the ledger is made of.
STORIES: dict[str, list[tuple[str, str, int]]] = {
    Kind.NEIGHBOURS: [
        ("排水沟堵塞引发邻里争执", "两户因房后排水沟堵塞、雨水倒灌发生争执，多次争吵。", 2000),
        ("违规搭建遮挡采光", "一户在院墙上加盖彩钢棚，邻居认为遮挡采光通风。", 5000),
        ("宠物犬伤人赔偿", "邻居家犬只咬伤老人，双方就医疗费赔偿意见不一。", 6000),
    ],
    Kind.LAND: [
        ("宅基地边界争议", "两户翻建房屋时对宅基地界址有争议，已发生推搡。", 60000),
        ("承包地流转租金纠纷", "流转承包地租金未按约支付，涉及多户村民。", 45000),
    ],
    Kind.FAMILY: [
        ("赡养老人费用分担", "兄妹三人对母亲赡养费和住院费分担意见不一。", 12000),
        ("婚后财产分割争议", "夫妻分居后对共同购置车辆归属有争议。", 30000),
    ],
    Kind.LABOUR: [
        ("农民工工资拖欠", "装修班组十余名工人被拖欠工资，工人多次到镇里反映。", 86000),
        ("工伤赔偿协商", "工人在厂内作业受伤，与企业就赔偿数额协商未果。", 40000),
    ],
    Kind.PROPERTY: [
        ("物业费与维修纠纷", "小区电梯长期故障，业主拒交物业费，物业公司催缴。", 20000),
        ("停车位占用纠纷", "业主私装地锁占用公共车位，与其他业主发生冲突。", 1000),
    ],
    Kind.TRAFFIC: [("电动车碰撞赔偿", "两辆电动车在路口相撞，一人轻伤，就赔偿协商。", 8000)],
    Kind.CONTRACT: [("房屋装修合同纠纷", "装修质量不达标，业主拒付尾款，施工方上门催要。", 25000)],
    Kind.OTHER: [("红白事占道纠纷", "办事搭棚占用村道数日，影响邻居通行。", 0)],
}
KIND_CYCLE = [Kind.NEIGHBOURS, Kind.FAMILY, Kind.NEIGHBOURS, Kind.LABOUR, Kind.PROPERTY, Kind.LAND,
              Kind.NEIGHBOURS, Kind.TRAFFIC, Kind.CONTRACT, Kind.FAMILY, Kind.PROPERTY, Kind.OTHER]  # fmt: skip
TERMS = "经调解，双方自愿达成如下协议：{}。双方对本协议无异议，今后不再因此事发生争执。"
SETTLEMENTS: dict[str, str] = {
    Kind.NEIGHBOURS: "责任方负责清理整改并承担相关费用",
    Kind.LAND: "由村委会会同自然资源所重新勘测界址，双方按勘测结果执行",
    Kind.FAMILY: "各方按约定比例分担费用，每月5日前支付",
    Kind.LABOUR: "欠付工资于15日内一次性结清",
    Kind.PROPERTY: "物业公司限期整改，业主按约补交费用",
    Kind.TRAFFIC: "过错方一次性赔偿医疗费和误工费",
    Kind.CONTRACT: "施工方返工整改，业主验收后支付尾款",
    Kind.OTHER: "当事人三日内拆除占道设施并恢复原状",
}


# A held hearing's minutes, by the dispute's type: (who took part besides the parties, the positions heard,
# the conclusion, the follow-up task, the department that carries it by short name). A wage-arrears hearing
# reads like one, never like a boundary survey (issue 26, point 22).
HEARING_MINUTES: dict[str, tuple[str, str, str, str, str]] = {
    Kind.LAND: (
        "村两委成员、镇自然资源所、司法所",
        "申请人要求按原界址恢复；被申请人认为界址已变更多年；村委会出示历史档案。",
        "由自然资源所会同村委会重新勘测，人大代表全程监督，结果公示后执行。",
        "重新勘测界址并公示结果",
        "自然资源",
    ),
    Kind.LABOUR: (
        "人社所劳动保障监察员、施工单位负责人、司法所",
        "工人出示考勤记录和欠条，要求春节前结清；施工单位称工程款未到位，提出分期支付。",
        "施工单位15日内足额支付拖欠工资，人社所监督发放，人大代表跟踪回访。",
        "督促施工单位结清拖欠工资并回访工人",
        "人社",
    ),
    Kind.FAMILY: (
        "村两委成员、司法所、妇联",
        "兄妹各自说明收入和照顾老人的情况，对费用分担比例意见不一。",
        "按收入比例分担费用，村委会每月核实支付情况，人大代表回访。",
        "每月核实赡养费用支付情况",
        "民政",
    ),
    Kind.PROPERTY: (
        "社区居委会、物业公司、业主代表、市场监管所",
        "业主要求先修好电梯再交费；物业公司称维修资金不足，要求补交欠费。",
        "物业公司限期维修并公示维修资金使用，业主按约补交费用，社区监督。",
        "督促物业限期维修并公示资金使用",
        "市场监管",
    ),
}
HEARING_MINUTES_OTHER = (
    "村两委成员、司法所",
    "双方陈述争议经过和各自诉求，村委会说明了解到的情况。",
    "双方按听证意见履行，村委会和人大代表跟踪落实。",
    "跟踪听证意见落实情况",
    "镇政府",
)


# What a demand's title says when it is a dispute between people rather than a request to the town.
DISPUTE_WORDS = r"纠纷|争执|争议|吵|拖欠|欠薪|赔偿|打架|冲突|矛盾|侵占|占用"


def hearing_minutes(kind: str) -> tuple[str, str, str, str, str]:
    return HEARING_MINUTES.get(kind, HEARING_MINUTES_OTHER)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class Place:
    station: Station
    seats: list[Deputy]  # deputies with duty at the station: the supervision seat


def build_disputes(*, town: Town, index: int) -> Stats:
    stats = Stats()
    Replay(town, index, stats).run()
    return stats


class Replay:
    def __init__(self, town: Town, index: int, stats: Stats) -> None:
        self.town, self.index, self.stats = town, index, stats
        self.rng = random.Random(f"lianxin-disputes-{index}")
        self.names = NameMaker(self.rng)
        actors = Actors(town, index, stats)
        self.presidium = (
            User.objects.get(username="presidium")
            if index == 0
            else actors.account("presidium", Role.PRESIDIUM, f"{town.name}人大办")
        )
        self.mediators = [
            User.objects.get(username="mediator")
            if index == 0
            else actors.account("mediator", Role.MEDIATOR, "矛调中心 调解员"),
            actors.account("mediator-2", Role.MEDIATOR, "矛调中心 孙调解员"),
        ]
        stations = list(Station.objects.filter(town=town, kind=StationKind.MEDIATION).order_by("pk"))
        duty = {
            st.pk: [
                d.deputy
                for d in StationDuty.objects.filter(station=st).select_related("deputy").order_by("pk")
            ]
            for st in stations
        }
        self.centre = Place(stations[0], duty[stations[0].pk])
        self.rooms = {st.cell_id: Place(st, duty[st.pk]) for st in stations[1:]}
        self.cell_deputies: dict[int, list[Deputy]] = {}
        for link in (
            DeputyCell.objects.filter(town=town, is_primary=True)
            .select_related("deputy", "cell")
            .order_by("pk")
        ):
            self.cell_deputies.setdefault(link.cell_id, []).append(link.deputy)
        self.cells = [
            c for c in {link.cell for link in DeputyCell.objects.filter(town=town).select_related("cell")}
        ]
        self.cells.sort(key=lambda c: c.code)
        self.categories = list(Category.objects.filter(town=town, active=True).order_by("name"))
        self.departments = list(Department.objects.filter(town=town, active=True).order_by("name"))
        self.end = year_end()

    def code(self, i: int) -> str:
        return f"{self.town.code[-3:]}T{START.year % 100:02d}{i + 1:05d}"

    def run(self) -> None:
        known = set(Dispute.objects.filter(town=self.town).values_list("code", flat=True))
        span = (LAST_DAY - START).days - 10
        for i in range(COUNT):
            if self.code(i) not in known:
                day = START + dt.timedelta(days=i * span // COUNT)
                self.one(i, day)
        self.hearings()

    # --- one dispute ---------------------------------------------------------------------------------
    def one(self, i: int, day: dt.date) -> None:
        rng = self.rng
        major = i % 12 == 5
        kind = Kind.LAND if major else KIND_CYCLE[i % len(KIND_CYCLE)]
        summary, description, amount = rng.choice(STORIES[kind])
        cell = self.cells[(i * 7) % len(self.cells)]
        place = self.rooms.get(cell.pk, self.centre)
        mediator = self.mediators[i % 3 == 2]
        petition = i % 5 == 2
        parties = [
            {"side": "applicant", "name": self.names(rng.choice([Gender.MALE, Gender.FEMALE])),
             "phone": _phone(rng), "id_number": f"410724{1950 + i % 45}{(i % 12) + 1:02d}{(i % 27) + 1:02d}{rng.randrange(1000, 9999)}"},
            {"side": "respondent", "name": self.names(rng.choice([Gender.MALE, Gender.FEMALE])), "phone": _phone(rng)},
        ]  # fmt: skip
        moment = _at(day, 9, 30)
        with clock.at(moment):
            if i % 14 == 3 and (demand := self._demand_for(cell, moment)) is not None:
                d = services.dispute_from_demand(
                    demand=demand, actor=mediator, kind=kind, parties=[], amount=amount, code=self.code(i)
                )
            else:
                d = services.dispute_register(
                    town=self.town, actor=mediator, kind=kind,
                    source=[Source.WALK_IN, Source.WALK_IN, Source.OBSERVER, Source.DEPUTY_VISIT, Source.REFERRAL][i % 5],
                    summary=summary, description=description, parties=parties, cell=cell, station=place.station,
                    amount=amount + (40000 if major else 0), repeat_contacts=3 if petition else i % 2,
                    code=self.code(i),
                )  # fmt: skip
        self.stats.created += 1
        steps = self._steps(i, petition=d.petition_risk)
        when = moment
        for offset, action in steps:
            when = moment + dt.timedelta(days=offset, hours=1)
            if when > self.end:
                return  # the rest lies after the demo year: the dispute stays where it is
            with clock.at(when):
                self._do(action, d, mediator, place, cell, kind, when)
            d.refresh_from_db()

    def _steps(self, i: int, *, petition: bool) -> list[tuple[int, str]]:
        if i >= COUNT - 2:
            return []  # registered in the last days: waiting to be accepted
        path = [(0, "accept"), (1, "start"), (2, "session")]
        if i >= COUNT - 5:
            return path  # still being mediated when the year ends
        if i % 3 == 0:
            path.append((4, "session"))
        if i % 14 == 10:
            path.append((4, "raise_demand"))
        if i % 10 == 7:  # mediation fails: referred onward, and followed up
            done = [(6, "fail"), (7, "refer"), (40, "follow_up")]
        else:
            done = [(6, "agree"), (36, "follow_up")]
        if petition:  # a petition risk: removed once the matter is settled, before closing
            done.append((done[-1][0] + 1, "clear_petition"))
        return path + done + [(done[-1][0] + 2, "close")]

    def _do(
        self, action: str, d: Dispute, mediator: Any, place: Place, cell: Any, kind: str, when: dt.datetime
    ) -> None:
        if action == "accept":
            services.dispute_accept(dispute=d, actor=mediator)
        elif action == "start":
            services.dispute_start(dispute=d, actor=mediator)
        elif action == "session":
            seat = self._seat(d, place, cell)
            services.session_record(
                dispute=d, actor=mediator, held_at=when, place=place.station.name, station=place.station,
                supervisor=seat, supervisor_remarks="调解程序合法，双方意见已充分表达，建议尽快形成协议。" if seat else "",
                minutes="双方分别陈述事实和诉求，调解员释法明理，提出调解方案。", outcome="continue",
            )  # fmt: skip
        elif action == "raise_demand" and self.categories:
            category = self.categories[d.pk % len(self.categories)]
            services.dispute_raise_demand(
                dispute=d, actor=mediator, category=category, title=f"{d.summary}暴露的问题需部门处理",
                description="调解中发现需由职能部门解决的问题，转入民意诉求台账交办。",
                code=f"{self.town.code[-3:]}{START.year % 100:02d}9{d.code[-5:]}",
            )  # fmt: skip
        elif action == "agree":
            services.dispute_agree(
                dispute=d, actor=mediator, terms=TERMS.format(SETTLEMENTS[kind]),
                follow_up_due=when.date() + dt.timedelta(days=30), accepted=d.parties.all(),
            )  # fmt: skip
        elif action == "fail":
            services.dispute_fail(dispute=d, actor=mediator, reason="双方分歧较大，经多次调解未能达成一致。")
        elif action == "refer":
            services.dispute_refer(dispute=d, actor=mediator, to=["court", "arbitration", "centre"][d.pk % 3],
                                   note="已告知当事人诉讼和仲裁途径。")  # fmt: skip
        elif action == "follow_up":
            services.dispute_follow_up(
                dispute=d, actor=mediator, result="电话回访，协议已履行，双方无新的矛盾。"
            )
        elif action == "clear_petition":
            services.dispute_clear_petition(
                dispute=d, actor=mediator, reason="协议履行到位，当事人表示不再上访，信访隐患已化解。"
            )
        elif action == "close":
            services.dispute_close(dispute=d, actor=mediator, note="回访无异议，结案归档。")

    def _seat(self, d: Dispute, place: Place, cell: Any) -> Deputy | None:
        """The deputy on the supervision seat: for the major disputes and every other one."""
        if d.risk == "general" and d.pk % 2:
            return None
        choices = place.seats or self.cell_deputies.get(cell.pk, [])
        return choices[d.pk % len(choices)] if choices else None

    def _demand_for(self, cell: Any, moment: dt.datetime) -> Demand | None:
        taken = DisputeDemand.objects.filter(direction="origin").values("demand")
        # only a demand that reads as a dispute becomes one (not 课后延时服务, issue 26 point 22)
        return (
            Demand.objects.filter(
                town=self.town, cell=cell, created_at__lt=moment, title__regex=DISPUTE_WORDS
            )
            .exclude(pk__in=taken)
            .order_by("-created_at")
            .first()
        )

    def task_done(self, item: Any, moment: dt.datetime) -> None:
        """The department reports the hearing's task done before its deadline and the presidium accepts it
        (a task of a hearing held months ago is not left overdue all year)."""
        staff = DepartmentStaff.objects.filter(department=item.department_id).select_related("user").first()
        if staff is None or moment > self.end:
            return
        with clock.at(moment):
            tracked_item_report(item=item, actor=staff.user, result=f"{item.title}：已按听证意见办结。")
        with clock.at(moment + dt.timedelta(days=1)):
            tracked_item_accept(item=item, actor=self.presidium, note="核实属实")

    # --- hearings ----------------------------------------------------------------------------------------
    def hearings(self) -> None:
        """The first two proposed hearings are held (each with a follow-up task), the latest two wait for the
        presidium, the others are dismissed (the disputes were settled by mediation)."""
        proposed = list(Hearing.objects.filter(town=self.town, basis="dispute").order_by("proposed_at", "pk"))
        for n, hearing in enumerate(proposed[:-2]):
            if hearing.status != Hearing.Status.PROPOSED:
                continue
            moment = hearing.proposed_at + dt.timedelta(days=2)
            with clock.at(moment):
                if n < 2:
                    seats = list(
                        Deputy.objects.filter(town=self.town, cell_links__cell=hearing.cell).order_by("pk")[
                            :2
                        ]
                    )
                    who, positions, conclusion, task, short = hearing_minutes(
                        hearing.dispute.kind if hearing.dispute else ""
                    )
                    services.hearing_hold(
                        hearing=hearing, actor=self.presidium, held_at=moment, place="城关镇矛盾纠纷调解中心",
                        participants=f"双方当事人及亲属、{who}、人大代表", positions=positions,
                        conclusion=conclusion, deputies=seats,
                    )  # fmt: skip
                    department = next((d for d in self.departments if d.short_name == short), None)
                    if department is not None or self.departments:
                        item = services.hearing_add_task(
                            hearing=hearing, actor=self.presidium, title=task,
                            due_at=moment + dt.timedelta(days=15), department=department or self.departments[0],
                            supervisor=seats[0] if seats else None,
                        )  # fmt: skip
                        self.task_done(item, moment + dt.timedelta(days=12))
                else:
                    services.hearing_dismiss(
                        hearing=hearing, actor=self.presidium, reason="经调解双方已达成协议，无需召开听证会。"
                    )
            self.stats.created += 1
