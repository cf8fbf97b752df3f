"""Deputies' supervision in the demo year, replayed through the real services under ``clock.at``.

1. Livelihood projects (民生实事): 21 candidates proposed in December, the town congress's vote in January
   (every township deputy's paper ballot recorded by the presidium; more than half of all deputies adopts):
   18 adopted, 3 not. Each adopted project starts with its department, budget and three supervising
   deputies, plans three milestones and reports them, is inspected on site; 11 are completed, rated by
   deputies and concluded done; 7 are still underway at the end of the year.
2. Suggestions upward: the demands the replay transferred upward became drafts (the supervision app's
   subscriber); here they are submitted, replied to, handled and rated, as far as the year allows.
3. Departments in the station: 10 inquiry sessions (一府一委两院 and departments answer deputies'
   questions; commitments become tracked items, reported and accepted when due within the year), one
   on-site office day at a problem housing estate (147 households, 415 certificates) and three job fairs
   (two 春风行动 and one special at the industry station: 2,070 vacancies).
4. One themed supervision of the environment: three days in June with 城管, 住建 and two neighbouring
   towns, the year's environmental demands linked, an inspection each day, 23.5 tonnes of refuse cleared
   and a standing mechanism agreed.
5. The industry station: 32 enterprises, the demands they raised on the industry channel linked to them,
   4 department talks, an exchange trip, 3 school-enterprise agreements, and the entrepreneur deputies'
   jobs (320) and donations (330,000 yuan).
6. The year's supervision plan (年度监督计划), adopted by the presidium in January: the environment's
   themed supervision (linked to the theme above), three reports heard and deliberated, three inspections;
   by the end of the year 5 items are done, one report is still to be heard and one inspection was dropped.

Deterministic and idempotent: a town whose vote exists is skipped; a suggestion moves only from where it is.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from typing import Any

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.demands.models import Demand
from lianxin.people.models import Department, DepartmentStaff, Deputy, DeputyLevel
from lianxin.supervision import services
from lianxin.supervision.models import (
    Enterprise,
    InquirySession,
    PlanItemStatus,
    Project,
    Suggestion,
    SuggestionStatus,
    SupervisionPlan,
    Theme,
    ThemeStatus,
    VoteSession,
)
from lianxin.territory.models import Station, StationKind
from lianxin.tracking import services as tracking

from . import demand_texts as texts
from .demands import Actors, _local, year_end
from .generator import Stats

YEAR = 2026

# (title, department's short name, budget in 10,000 yuan, source, done by the end of the year)
PROJECTS: list[tuple[str, str, int, str, bool | None]] = [
    ("问题楼盘不动产证集中办理", "住建", 30, "demands", True),
    ("老旧小区雨污分流改造", "住建", 260, "demands", True),
    ("城区背街小巷路面硬化", "住建", 180, "deputies", True),
    ("农村户厕改造提升", "农业农村", 120, "citizens", True),
    ("农村生活垃圾日产日清", "城管", 90, "demands", True),
    ("学校周边交通安全设施", "公安", 45, "demands", True),
    ("社区老年助餐点建设", "民政", 60, "citizens", True),
    ("农田灌溉机井维修", "水利", 75, "demands", True),
    ("村卫生室标准化建设", "卫健", 80, "deputies", True),
    ("城区路灯亮化补缺", "城管", 55, "demands", True),
    ("农贸市场规范提升", "市场监管", 40, "disputes", True),
    ("产业园区公交接驳站点", "镇政府", 35, "demands", False),
    ("幼儿园学位扩容", "教育", 300, "deputies", False),
    ("沿街商户油烟治理", "生态环境", 50, "demands", False),
    ("村级文化广场建设", "镇政府", 110, "citizens", False),
    ("防汛排涝沟渠清淤", "水利", 95, "disputes", False),
    ("农村道路安全防护栏", "农业农村", 70, "deputies", False),
    ("公共场所消防设施更新", "应急", 65, "demands", False),
    # not adopted by the vote
    ("城区地下停车场建设", "住建", 900, "citizens", None),
    ("镇区健身步道二期", "镇政府", 150, "deputies", None),
    ("农村污水管网全覆盖", "生态环境", 1200, "demands", None),
]

MILESTONES = [
    ("方案设计与招标", dt.date(YEAR, 3, 31)),
    ("主体施工", dt.date(YEAR, 6, 30)),
    ("完工验收", dt.date(YEAR, 9, 30)),
]
FINDINGS = [
    "施工现场围挡规范，进度与计划基本一致；提醒施工单位注意夜间噪音。",
    "部分材料堆放占道，已要求当场整改；群众反映良好。",
    "工程质量抽查合格，建议加快收尾，按期交付使用。",
    "现场查看已完成部分，群众代表表示满意；提出增加警示标识的建议。",
]


def _presidium(town: Town, index: int) -> User:
    name = "presidium" if index == 0 else f"t{index + 1:03d}-presidium"
    return User.objects.get(username=name, role=Role.PRESIDIUM)


def _staff(department: Department, presidium: User) -> User:
    staff = DepartmentStaff.objects.filter(department=department).select_related("user").first()
    return staff.user if staff is not None else presidium


def build_supervision(
    *, town: Town, index: int, departments: dict[str, Department], deputies: list[Deputy]
) -> Stats:
    stats = Stats()
    presidium = _presidium(town, index)
    if not VoteSession.objects.filter(town=town, year=YEAR).exists():
        _projects(town, index, departments, deputies, presidium, stats)
    _suggestions(town, presidium)
    if not InquirySession.objects.filter(town=town).exists():
        _inquiries(town, index, departments, deputies, presidium, stats)
    if not Theme.objects.filter(town=town).exists():
        _theme(town, index, departments, deputies, presidium, stats)
    if not Enterprise.objects.filter(town=town).exists():
        _industry(town, departments, deputies, presidium)
    if not SupervisionPlan.objects.filter(town=town, year=YEAR).exists():
        _plan(town, departments, deputies, presidium)
    return stats


def _projects(
    town: Town,
    index: int,
    departments: dict[str, Department],
    deputies: list[Deputy],
    presidium: User,
    stats: Stats,
) -> None:
    rng = random.Random(f"lianxin-supervision-{index}")
    actors = Actors(town, index, stats)
    order = {d.pk: i for i, d in enumerate(deputies)}
    electors = [d for d in deputies if d.level == DeputyLevel.TOWNSHIP]

    def user_of(dep: Deputy) -> User:
        return actors.link(dep, f"deputy-{order[dep.pk] + 1:02d}", Role.DEPUTY, f"{dep.name}代表")

    # 1. candidates, proposed in December
    candidates = []
    for i, (title, short, budget, source, _done) in enumerate(PROJECTS):
        with clock.at(_local(dt.date(2025, 12, 10 + i // 8), 9, i)):
            candidates.append(
                services.project_propose(
                    town=town,
                    actor=presidium,
                    year=YEAR,
                    title=title,
                    description=f"{title}：由人大代表收集群众意见后提出，经主席团审议列为{YEAR}年民生实事候选项目。",
                    source=source,
                    department=departments[short],
                    budget=budget,
                )
            )

    # 2. the vote at the congress's sitting: every elector's paper ballot
    with clock.at(_local(dt.date(2026, 1, 8), 9)):
        session = services.vote_open(
            town=town,
            actor=presidium,
            year=YEAR,
            title=f"{town.name}第十八届人民代表大会第五次会议民生实事项目票决",
            rule="majority_of_all",
            projects=candidates,
        )
    for n, deputy in enumerate(electors):
        choices = {}
        for project, spec in zip(candidates, PROJECTS, strict=True):
            adopt = spec[4] is not None
            roll = rng.random()
            if adopt:
                choices[project.pk] = "for" if roll < 0.9 else ("abstain" if roll < 0.96 else "against")
            else:
                choices[project.pk] = "for" if roll < 0.3 else ("against" if roll < 0.8 else "abstain")
        with clock.at(_local(dt.date(2026, 1, 8), 9, 30) + dt.timedelta(seconds=20 * n)):
            services.vote_cast(session=session, actor=presidium, choices=choices, deputy=deputy)
    with clock.at(_local(dt.date(2026, 1, 8), 11)):
        services.vote_count(session=VoteSession.objects.get(pk=session.pk), actor=presidium)

    # 3. the adopted projects, carried out under the deputies' supervision
    adopted = [
        (Project.objects.get(pk=p.pk), spec)
        for p, spec in zip(candidates, PROJECTS, strict=True)
        if spec[4] is not None
    ]
    for k, (project, (title, short, budget, _source, done)) in enumerate(adopted):
        supervisors = [electors[(3 * k + j) % len(electors)] for j in range(3)]
        department = departments[short]
        staff = _staff(department, presidium)
        day = dt.date(2026, 1, 20)
        with clock.at(_local(day, 10, k)):
            project = services.project_start(
                project=project,
                actor=presidium,
                department=department,
                budget=budget,
                supervisors=supervisors,
            )
            for name, due in MILESTONES:
                services.project_add_milestone(project=project, actor=staff, title=name, due_on=due)
        reached = 3 if done else 1 + k % 2
        for m, milestone in enumerate(project.milestones.order_by("due_on")[:reached]):
            finished = milestone.due_on - dt.timedelta(days=3 + k % 5)
            with clock.at(_local(finished, 16)):
                project = services.project_report_milestone(
                    project=Project.objects.get(pk=project.pk),
                    actor=staff,
                    milestone=milestone,
                    done_on=finished,
                    evidence=f"{milestone.title}已完成，资料已归档。",
                    progress=(m + 1) * 30 if m < 2 else 95,
                )
            if m < 2:  # the deputies inspect after each of the first two milestones
                with clock.at(_local(finished + dt.timedelta(days=7), 15)):
                    services.inspection_record(
                        project=Project.objects.get(pk=project.pk),
                        actor=user_of(supervisors[m % 3]),
                        on=finished + dt.timedelta(days=7),
                        findings=FINDINGS[(k + m) % len(FINDINGS)],
                        deputies=supervisors,
                    )
        if not done:
            continue
        finished = dt.date(2026, 10, 10) + dt.timedelta(days=k)
        with clock.at(_local(finished, 17)):
            project = services.project_complete(
                project=Project.objects.get(pk=project.pk),
                actor=staff,
                result=f"{title}已全部完成并投入使用。",
            )
        raters = [*supervisors, *rng.sample(electors, 4)]
        for r, deputy in enumerate(dict.fromkeys(raters)):
            verdict = "satisfied" if rng.random() < 0.8 else "basically"
            with clock.at(_local(finished + dt.timedelta(days=5), 9, r)):
                services.project_rate(
                    project=Project.objects.get(pk=project.pk), actor=user_of(deputy), verdict=verdict
                )
        with clock.at(_local(finished + dt.timedelta(days=8), 10)):
            services.project_conclude(
                project=Project.objects.get(pk=project.pk),
                actor=presidium,
                note="代表满意度测评通过，同意销号。",
            )


# Each step of a suggestion upward: the status it starts from and the share of the 45 days it takes.
REPLY = ("县交通运输局", "已将该线路纳入明年城乡公交线网优化方案，先行开通早晚高峰通勤专线。")
REPLY_CITY = ("市民政局", "高龄津贴标准调整已列入市政府明年民生实事，拟提高八十岁以上老人补贴。")
STEPS = [(2, SuggestionStatus.DRAFT), (20, SuggestionStatus.SUBMITTED), (40, SuggestionStatus.REPLIED),
         (45, SuggestionStatus.HANDLED)]  # fmt: skip


def _step(s: Suggestion, deputy: User, presidium: User) -> None:
    reply_from, reply = REPLY_CITY if s.to_level == "city" else REPLY
    if s.status == SuggestionStatus.DRAFT:
        body = f"{s.body}\n建议上级统筹研究解决。".strip()
        services.suggestion_submit(suggestion=s, actor=deputy, title=s.title, body=body)
    elif s.status == SuggestionStatus.SUBMITTED:
        services.suggestion_reply(
            suggestion=s, actor=presidium, reply_from=reply_from, reply=reply, reference=f"{YEAR}-{s.pk:03d}"
        )
    elif s.status == SuggestionStatus.REPLIED:
        services.suggestion_handle(
            suggestion=s, actor=presidium, handling="承办单位已落实，首批措施已于本月实施。"
        )
    else:
        services.suggestion_evaluate(
            suggestion=s, actor=deputy, verdict="satisfied", comment="答复及时，措施具体。"
        )


def _suggestions(town: Town, presidium: User) -> None:
    end = year_end()
    for suggestion in (
        Suggestion.objects.filter(town=town).exclude(status=SuggestionStatus.CLOSED).order_by("pk")
    ):
        drafted = suggestion.events.order_by("at").first()
        if drafted is None:
            continue
        author = suggestion.deputy
        deputy: User = author.user if author is not None and author.user is not None else presidium
        # A suggestion drafted late in the year moves faster, so the demo shows replies for each.
        span = min(dt.timedelta(days=45), end - drafted.at - dt.timedelta(hours=1)) / 45
        for days, status in STEPS:
            suggestion = Suggestion.objects.get(pk=suggestion.pk)
            if suggestion.status != status:
                continue
            with clock.at(drafted.at + span * days):
                _step(suggestion, deputy, presidium)


# (date, departments, [(question, department, commitment or "")]) of the ten inquiry sessions (问政)
INQUIRIES: list[tuple[dt.date, list[str], list[tuple[str, str, str]]]] = [
    (dt.date(2026, 1, 22), ["镇政府", "住建"], [
        ("问题楼盘办证难，群众反映多年，何时能解决？", "住建", "协调开发商与不动产登记部门，上半年集中办证"),
        ("镇区主干道破损严重，维修计划如何安排？", "镇政府", "")]),
    (dt.date(2026, 2, 26), ["城管", "生态环境"], [
        ("沿街商户油烟扰民，怎样长效治理？", "生态环境", "三个月内完成沿街餐饮油烟净化设备安装"),
        ("农贸市场周边占道经营屡禁不止怎么办？", "城管", "")]),
    (dt.date(2026, 3, 19), ["人社"], [
        ("返乡务工人员就业技能培训如何开展？", "人社", "组织两期电工、焊工技能培训"),
        ("企业拖欠农民工工资如何维权？", "人社", "")]),
    (dt.date(2026, 4, 16), ["监察", "镇政府"], [
        ("村级工程项目资金使用如何公开监督？", "监察", "每季度公开村级工程项目资金使用情况")]),
    (dt.date(2026, 5, 21), ["法庭", "检察"], [
        ("邻里纠纷诉前调解怎样更方便群众？", "法庭", "在矛调中心设立巡回审判点"),
        ("农村饮水安全能否开展公益诉讼监督？", "检察", "")]),
    (dt.date(2026, 6, 18), ["教育", "公安"], [
        ("学校周边交通拥堵，接送孩子不安全", "公安", "上下学高峰增派警力，设置临时停车区"),
        ("幼儿园学位紧张，入园难怎么解决？", "教育", "")]),
    (dt.date(2026, 7, 16), ["卫健", "民政"], [
        ("村卫生室缺医少药，看病不方便", "卫健", "乡镇卫生院医生每周到村坐诊两次"),
        ("高龄老人助餐服务能否覆盖到村？", "民政", "")]),
    (dt.date(2026, 8, 20), ["农业农村", "水利"], [
        ("机井老化，秋季灌溉用水困难", "水利", "秋灌前完成十眼机井维修"),
        ("农机补贴申请流程复杂", "农业农村", "")]),
    (dt.date(2026, 9, 17), ["市场监管", "应急"], [
        ("校园周边食品安全如何保障？", "市场监管", "开展校园周边食品安全专项检查"),
        ("小作坊消防隐患多", "应急", "")]),
    (dt.date(2026, 10, 22), ["镇政府", "住建", "城管"], [
        ("冬季供暖管网改造进度如何？", "住建", "供暖季前完成老旧管网改造"),
        ("背街小巷路灯不亮", "城管", "")]),
]  # fmt: skip
OFFICE_DAY = (dt.date(2026, 4, 28), "问题楼盘不动产证集中办理现场办公", ["住建", "自然资源"], 147, 415)
# (date, title, at the industry station, employers, vacancies, people attending)
JOB_FAIRS = [
    (dt.date(2026, 2, 24), "春风行动专场招聘会（第一场）", False, 46, 820, 1350),
    (dt.date(2026, 3, 10), "春风行动专场招聘会（第二场）", False, 38, 690, 1120),
    (dt.date(2026, 5, 12), "产业园区企业专场招聘会", True, 30, 560, 860),
]


def _inquiries(
    town: Town,
    index: int,
    departments: dict[str, Department],
    deputies: list[Deputy],
    presidium: User,
    stats: Stats,
) -> None:
    actors = Actors(town, index, stats)
    order = {d.pk: i for i, d in enumerate(deputies)}
    electors = [d for d in deputies if d.level == DeputyLevel.TOWNSHIP]
    centre = Station.objects.filter(town=town, kind=StationKind.PARTY_SERVICE_CENTRE).order_by("pk").first()
    industry = Station.objects.filter(town=town, kind=StationKind.INDUSTRY).first()
    end = year_end()

    def user_of(dep: Deputy) -> User:
        return actors.link(dep, f"deputy-{order[dep.pk] + 1:02d}", Role.DEPUTY, f"{dep.name}代表")

    def held(day: dt.date, session: InquirySession, present: list[Deputy], summary: str) -> InquirySession:
        with clock.at(_local(day, 11)):
            return services.inquiry_hold(
                session=session, actor=presidium, held_on=day, deputies=present, summary=summary
            )

    for k, (day, shorts, questions) in enumerate(INQUIRIES):
        present = [electors[(5 * k + j) % len(electors)] for j in range(4)]
        names = "、".join(shorts)
        with clock.at(_local(day - dt.timedelta(days=10), 9)):
            session = services.inquiry_plan(
                town=town,
                actor=presidium,
                kind="inquiry",
                title=f"{names}进站接受代表问政",
                planned_on=day,
                departments=[departments[s] for s in shorts],
                station=centre,
            )
        asked = []
        for q, (text, short, _commitment) in enumerate(questions):
            with clock.at(_local(day - dt.timedelta(days=7 - q), 10)):
                asked.append(
                    services.inquiry_ask(
                        session=session,
                        actor=user_of(present[q % 4]),
                        text=text,
                        department=departments[short],
                    )
                )
        session = held(day, session, present, f"{names}负责人到联络站面对面回答代表和群众提问。")
        for q, (question, (_text, short, commitment)) in enumerate(zip(asked, questions, strict=True)):
            staff = _staff(departments[short], presidium)
            due = _local(day + dt.timedelta(days=60), 18)
            with clock.at(_local(day, 11, 10 + q)):
                services.inquiry_answer(
                    session=InquirySession.objects.get(pk=session.pk),
                    actor=staff,
                    question=question,
                    answer=f"{departments[short].short_name}现场答复：情况已掌握，正在研究解决。",
                    commitment=commitment,
                    due_at=due if commitment else None,
                )
            if not commitment or day + dt.timedelta(days=42) > end.date():
                continue
            item = question_item(question)
            with clock.at(_local(day + dt.timedelta(days=40), 16)):
                tracking.tracked_item_report(item=item, actor=staff, result=f"已完成：{commitment}。")
            with clock.at(_local(day + dt.timedelta(days=42), 10)):
                tracking.tracked_item_accept(
                    item=question_item(question), actor=presidium, note="经代表核实，同意销号。"
                )
        with clock.at(_local(day, 17)):
            services.inquiry_close(session=InquirySession.objects.get(pk=session.pk), actor=presidium)

    day, title, shorts, households, certificates = OFFICE_DAY
    with clock.at(_local(day - dt.timedelta(days=7), 9)):
        session = services.inquiry_plan(
            town=town, actor=presidium, kind="office_day", title=title, planned_on=day,
            departments=[departments[s] for s in shorts], station=centre,
        )  # fmt: skip
    session = held(day, session, electors[:3], "住建、自然资源部门在联络站现场受理、审核、发证。")
    with clock.at(_local(day, 17)):
        services.inquiry_record_figures(
            session=session, actor=presidium, households=households, certificates=certificates
        )
        services.inquiry_close(session=InquirySession.objects.get(pk=session.pk), actor=presidium)

    for k, (day, title, at_industry, employers, vacancies, attendees) in enumerate(JOB_FAIRS):
        with clock.at(_local(day - dt.timedelta(days=14), 9)):
            session = services.inquiry_plan(
                town=town, actor=presidium, kind="job_fair", title=title, planned_on=day,
                departments=[departments["人社"]], station=industry if at_industry else centre,
            )  # fmt: skip
        session = held(
            day, session, electors[3 + 2 * k : 5 + 2 * k], "人社部门组织企业进站招聘，代表现场推介。"
        )
        with clock.at(_local(day, 16)):
            services.inquiry_record_figures(
                session=session,
                actor=presidium,
                employers=employers,
                vacancies=vacancies,
                attendees=attendees,
            )
            services.inquiry_close(session=InquirySession.objects.get(pk=session.pk), actor=presidium)


THEME_DAYS = [
    "卫河沿岸及城乡结合部垃圾乱堆乱放点位排查，发现积存垃圾点12处。",
    "城管、住建联合清运队现场清运，邻镇同步清理交界地带。",
    "代表回访清理点位，群众反映环境明显改善；商定交界地带联合巡查。",
]


def _theme(
    town: Town,
    index: int,
    departments: dict[str, Department],
    deputies: list[Deputy],
    presidium: User,
    stats: Stats,
) -> None:
    actors = Actors(town, index, stats)
    order = {d.pk: i for i, d in enumerate(deputies)}
    electors = [d for d in deputies if d.level == DeputyLevel.TOWNSHIP]
    team = electors[10:15]
    start = dt.date(2026, 6, 2)
    with clock.at(_local(start - dt.timedelta(days=5), 9)):
        theme = services.theme_launch(
            town=town,
            actor=presidium,
            title="群众反映集中的环境卫生问题专题督导",
            topic="生态环境",
            starts_on=start,
            ends_on=start + dt.timedelta(days=2),
            departments=[departments["城管"], departments["住建"], departments["生态环境"]],
            neighbours="太山镇、位庄乡",
        )
        linked = Demand.objects.filter(town=town, category__name__in=["环境卫生", "生态环境"]).order_by(
            "created_at"
        )
        if linked.exists():
            services.theme_link_demands(theme=theme, actor=presidium, demands=list(linked[:12]))
        theme = services.theme_begin(theme=Theme.objects.get(pk=theme.pk), actor=presidium, deputies=team)
    for k, findings in enumerate(THEME_DAYS):
        day = start + dt.timedelta(days=k)
        lead = team[k % len(team)]
        user = actors.link(lead, f"deputy-{order[lead.pk] + 1:02d}", Role.DEPUTY, f"{lead.name}代表")
        with clock.at(_local(day, 16)):
            services.inspection_record(theme=theme, actor=user, on=day, findings=findings, deputies=team)
    with clock.at(_local(start + dt.timedelta(days=2), 18)):
        services.theme_finish(
            theme=Theme.objects.get(pk=theme.pk),
            actor=presidium,
            outcome="三天内清理积存垃圾点12处，群众反映的环境问题全部解决。",
            mechanism="城管、住建与太山镇、位庄乡建立交界地带环境卫生联合巡查和定期清运的长效机制，每月联合巡查一次。",
            tonnes_cleared=decimal.Decimal("23.5"),
            problems_solved=12,
        )


MORE_COMPANIES = [
    ("获嘉县永信纸业有限公司", "造纸"), ("新乡市康达医疗器械有限公司", "医疗器械"), ("获嘉县同盛化工有限公司", "化工"),
    ("河南豫北粮油有限公司", "食品加工"), ("获嘉县光华电缆有限公司", "电线电缆"), ("新乡市绿源农产品有限公司", "农产品"),
    ("获嘉县利民服装有限公司", "纺织服装"), ("河南信达钢结构有限公司", "建材"), ("获嘉县明远印务有限公司", "印刷包装"),
    ("新乡市安泰消防器材有限公司", "消防器材"), ("获嘉县福源养殖专业合作社", "养殖"), ("河南晨光新能源有限公司", "新能源"),
    ("获嘉县鸿运家具有限公司", "家具"), ("新乡市长城电器有限公司", "电器"), ("获嘉县丰收农机有限公司", "农机"),
    ("河南华瑞生物科技有限公司", "生物科技"), ("获嘉县宏达塑料制品有限公司", "塑料制品"), ("新乡市联创精密铸造有限公司", "铸造"),
    ("获嘉县顺通运输有限公司", "物流"), ("河南益康食品有限公司", "食品加工"), ("获嘉县金鼎建筑工程有限公司", "建筑"),
]  # fmt: skip
FIRST_SECTORS = [
    "装备制造",
    "食品加工",
    "纺织服装",
    "物流",
    "食品加工",
    "建材",
    "农业科技",
    "电子",
    "印刷包装",
    "环保设备",
    "汽车配件",
]
# (kind, title, date, departments, outcome, jobs added, donations in yuan)
STATION_EVENTS = [
    ("department_talk", "人社部门进站讲解稳岗补贴政策", dt.date(2026, 3, 5), ["人社"], "32家企业参加，现场受理稳岗补贴申请。", 0, 0),
    ("department_talk", "市场监管部门讲解质量提升政策", dt.date(2026, 4, 9), ["市场监管"], "解答企业标准化认证问题8个。", 0, 0),
    ("department_talk", "镇政府讲解项目用地与用电服务", dt.date(2026, 5, 14), ["镇政府"], "协调解决企业用电增容问题3个。", 0, 0),
    ("department_talk", "生态环境部门讲解环保合规", dt.date(2026, 6, 11), ["生态环境"], "指导企业完成排污许可变更5家。", 0, 0),
    ("exchange_trip", "赴先进园区考察交流", dt.date(2026, 7, 8), [], "学习产业链招商和园区服务经验。", 0, 0),
    ("school_agreement", "与县职业中专签订校企合作协议", dt.date(2026, 4, 22), [], "订单式培养机电专业学生60名。", 0, 0),
    ("school_agreement", "与新乡职业技术学院签订校企合作协议", dt.date(2026, 6, 24), [], "共建实训基地一处。", 0, 0),
    ("school_agreement", "与县技工学校签订校企合作协议", dt.date(2026, 9, 16), [], "开设焊工定向培训班。", 0, 0),
    ("donation", "企业家代表扩产稳岗", dt.date(2026, 8, 18), [], "企业家代表所在企业扩产，新增就业岗位。", 180, 180000),
    ("donation", "企业家代表捐资助学助老", dt.date(2026, 10, 20), [], "捐资助学助老，吸纳困难群众就业。", 140, 150000),
]  # fmt: skip


def _industry(
    town: Town, departments: dict[str, Department], deputies: list[Deputy], presidium: User
) -> None:
    park = services.industry_station(town)
    if park is None:
        return
    cell = park.cell
    names = [
        (n, FIRST_SECTORS[i % len(FIRST_SECTORS)]) for i, n in enumerate(texts.COMPANIES)
    ] + MORE_COMPANIES
    companies = []
    with clock.at(_local(dt.date(2025, 12, 5), 9)):
        for i, (name, sector) in enumerate(names):
            companies.append(
                services.enterprise_register(
                    town=town,
                    actor=presidium,
                    name=name,
                    sector=sector,
                    cell=cell,
                    contact_name=f"{'王李张刘陈杨赵黄周吴'[i % 10]}经理",
                    contact_phone=f"1390373{i:04d}",
                )
            )
        by_name = {c.name: c for c in companies}
        for demand in Demand.objects.filter(town=town, channel="enterprise"):
            company = next((c for n, c in by_name.items() if demand.description.startswith(n)), None)
            if company is not None:
                services.enterprise_link_demand(enterprise=company, actor=presidium, demand=demand)
    entrepreneurs = [d for d in deputies if d.is_entrepreneur] or deputies[:3]
    on_duty = list(park.deputies.all()[:4]) or deputies[:4]
    for k, (kind, title, day, shorts, outcome, jobs, yuan) in enumerate(STATION_EVENTS):
        present = entrepreneurs[:3] if kind == "donation" else on_duty
        with clock.at(_local(day, 10)):
            event = services.station_event_record(
                town=town, actor=presidium, kind=kind, title=title, held_on=day,
                departments=[departments[s] for s in shorts], enterprises=companies[k : k + 8], deputies=present,
            )  # fmt: skip
        with clock.at(_local(day, 17)):
            services.station_event_outcome(
                event=event, actor=presidium, outcome=outcome, jobs_added=jobs, donation_yuan=yuan
            )


def question_item(question: Any) -> Any:
    from django.contrib.contenttypes.models import ContentType

    from lianxin.tracking.models import TrackedItem

    return TrackedItem.objects.get(
        source_type=ContentType.objects.get_for_model(question),
        source_id=question.pk,
    )


# (kind, subject, department's short name, month, planned date, how it ended: (date, text) done,
#  ("dropped", reason), or None still planned). Reports carry the deputies' deliberation opinions.
PLAN_ITEMS: list[tuple[str, str, str, int, dt.date | None, tuple[Any, str] | None]] = [
    ("report", "听取和审议住建办关于问题楼盘不动产证办理工作的报告", "住建", 4, dt.date(YEAR, 4, 24),
     (dt.date(YEAR, 4, 24), "代表认为办证工作成效明显；建议建立问题楼盘台账，剩余户数限期办结，并向群众公开进度。")),
    ("inspection", "视察农村户厕改造提升工作", "农业农村", 5, None,
     (dt.date(YEAR, 5, 20), "视察5个村，改厕质量总体较好；督促对2处渗漏问题限期整改，已整改到位。")),
    ("theme", "群众反映集中的环境卫生问题专题督导", "城管", 6, dt.date(YEAR, 6, 2), None),
    ("report", "听取和审议镇政府关于民生实事项目进展情况的报告", "镇政府", 7, dt.date(YEAR, 7, 16),
     (dt.date(YEAR, 7, 16), "代表对已完工项目表示满意；建议加快幼儿园学位扩容和文化广场建设，年底前完成主体工程。")),
    ("inspection", "调研农田灌溉机井维修和防汛排涝工作", "水利", 8, None,
     (dt.date(YEAR, 8, 12), "实地查看机井和排涝沟渠，提出汛后清淤和机井管护责任到村的建议，水利站已落实。")),
    ("inspection", "视察学校周边交通安全设施建设", "公安", 10, None,
     ("dropped", "该项目已纳入民生实事项目，由监督代表小组随项目视察，不再单列。")),
    ("report", "听取和审议镇政府关于优化营商环境工作的报告", "镇政府", 12, dt.date(YEAR, 12, 18), None),
]  # fmt: skip


def _plan(town: Town, departments: dict[str, Department], deputies: list[Deputy], presidium: User) -> None:
    electors = [d for d in deputies if d.level == DeputyLevel.TOWNSHIP]
    theme = Theme.objects.filter(town=town).order_by("starts_on").first()
    with clock.at(_local(dt.date(YEAR - 1, 12, 20), 10)):
        plan = services.plan_draft(
            town=town, actor=presidium, year=YEAR, title=f"{YEAR}年镇人大主席团监督工作计划"
        )
        items = [
            services.plan_add_item(
                plan=plan,
                actor=presidium,
                kind=kind,
                subject=subject,
                month=month,
                planned_on=on,
                department=departments.get(short),
                theme=theme if kind == "theme" else None,
            )
            for kind, subject, short, month, on, _end in PLAN_ITEMS
        ]
    with clock.at(_local(dt.date(YEAR, 1, 8), 15)):
        services.plan_adopt(plan=plan, actor=presidium, adopted_on=dt.date(YEAR, 1, 8))
    for item, (kind, _s, _d, _m, _on, end) in zip(items, PLAN_ITEMS, strict=True):
        if end is None:
            continue
        when, text = end
        day = dt.date(YEAR, item.month, 28) if when == "dropped" else when
        with clock.at(_local(day, 17)):
            item.refresh_from_db()
            if when == "dropped":
                services.plan_item_drop(item=item, actor=presidium, reason=text)
            elif kind == "report":
                services.plan_item_hear_report(
                    item=item, actor=presidium, heard_on=when, opinions=text, deputies=electors[:12]
                )
            else:
                services.plan_item_mark_done(item=item, actor=presidium, done_on=when, outcome=text)
    if theme is not None and theme.status == ThemeStatus.CONCLUDED:
        # The theme concluded before this plan was replayed: its item is done with the theme's outcome.
        item = items[2]
        item.refresh_from_db()
        if item.status == PlanItemStatus.PLANNED:
            with clock.at(_local(theme.ends_on, 18)):
                services.plan_item_mark_done(
                    item=item, actor=presidium, done_on=theme.ends_on, outcome=theme.outcome
                )
