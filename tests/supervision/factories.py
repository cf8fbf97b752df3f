"""A town wired for supervision (the closed loop's town, see tests/loop.py), and steps that walk a project
and a suggestion through their workflows with the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lianxin.supervision import services
from lianxin.supervision.models import InquirySession, Project, Suggestion, Theme, VoteSession

from ..loop import Loop

YEAR = 2026


@dataclass
class Sup:
    loop: Loop

    @property
    def town(self) -> Any:
        return self.loop.town

    def candidate(self, title: str = "老旧小区雨污分流改造", **kw: Any) -> Project:
        values = {
            "town": self.town,
            "actor": self.loop.presidium,
            "year": YEAR,
            "title": title,
            "description": "三个小区雨污合流,雨天倒灌",
            "source": "demands",
            "department": self.loop.department,
            "budget": 120,
        } | kw
        return services.project_propose(**values)

    def session(self, *projects: Project, rule: str = "majority_of_all") -> VoteSession:
        return services.vote_open(
            town=self.town,
            actor=self.loop.presidium,
            year=YEAR,
            title="2026年民生实事票决",
            rule=rule,
            projects=projects or [self.candidate()],
        )

    def voting(self, **kw: Any) -> Project:
        project = self.candidate(**kw)
        self.session(project)
        return Project.objects.get(pk=project.pk)

    def adopted(self, **kw: Any) -> Project:
        project = self.voting(**kw)
        session = project.session
        for user in (self.loop.deputy, self.loop.other_deputy):
            services.vote_cast(session=session, actor=user, choices={project.pk: "for"})
        services.vote_count(session=VoteSession.objects.get(pk=session.pk), actor=self.loop.presidium)
        return Project.objects.get(pk=project.pk)

    def underway(self, **kw: Any) -> Project:
        return services.project_start(
            project=self.adopted(**kw),
            actor=self.loop.presidium,
            department=self.loop.department,
            budget=150,
            supervisors=[self.loop.deputy.deputy],
        )

    def with_milestone(self, **kw: Any) -> Project:
        project = self.underway(**kw)
        services.project_add_milestone(
            project=project, actor=self.loop.staff, title="管网开挖", due_on=dt.date(2026, 6, 1)
        )
        return Project.objects.get(pk=project.pk)

    def completed(self, **kw: Any) -> Project:
        return services.project_complete(
            project=self.underway(**kw), actor=self.loop.staff, result="管网完工"
        )

    def rated(self, **kw: Any) -> Project:
        project = self.completed(**kw)
        services.project_rate(project=project, actor=self.loop.deputy, verdict="satisfied")
        return Project.objects.get(pk=project.pk)

    # --- suggestions ---------------------------------------------------------------------------------------
    def draft(self) -> Suggestion:
        from lianxin.demands import services as demands

        demand = demands.demand_transfer(
            demand=self.loop.claimed(), actor=self.loop.deputy, to_level="county", note="县道拓宽需县级统筹"
        )
        return Suggestion.objects.get(links__demand=demand)

    def submitted(self) -> Suggestion:
        s = self.draft()
        return services.suggestion_submit(suggestion=s, actor=self.loop.deputy, title=s.title, body=s.body)

    def replied(self) -> Suggestion:
        return services.suggestion_reply(
            suggestion=self.submitted(),
            actor=self.loop.presidium,
            reply_from="县交通运输局",
            reply="已列入明年计划",
        )

    def handled(self) -> Suggestion:
        return services.suggestion_handle(
            suggestion=self.replied(), actor=self.loop.presidium, handling="县道拓宽工程已立项"
        )

    # --- inquiry sessions ----------------------------------------------------------------------------------
    def planned(self) -> InquirySession:
        return services.inquiry_plan(
            town=self.town,
            actor=self.loop.presidium,
            kind="inquiry",
            title="机关进站问政:住建",
            planned_on=dt.date(2026, 4, 10),
            departments=[self.loop.department],
        )

    def asked(self) -> InquirySession:
        session = self.planned()
        services.inquiry_ask(
            session=session, actor=self.loop.deputy, text="老旧小区何时改造?", department=self.loop.department
        )
        return InquirySession.objects.get(pk=session.pk)

    def held(self) -> InquirySession:
        return services.inquiry_hold(
            session=self.asked(),
            actor=self.loop.presidium,
            held_on=dt.date(2026, 4, 10),
            deputies=[self.loop.deputy.deputy, self.loop.other_deputy.deputy],
            summary="住建办到站接受问政",
        )

    def answered(self) -> InquirySession:
        session = self.held()
        services.inquiry_answer(
            session=session, actor=self.loop.staff, question=session.questions.get(), answer="已列入今年计划"
        )
        return InquirySession.objects.get(pk=session.pk)

    # --- themed supervision --------------------------------------------------------------------------------
    def launched(self) -> Theme:
        return services.theme_launch(
            town=self.town,
            actor=self.loop.presidium,
            title="环境卫生专题督导",
            topic="环境",
            starts_on=dt.date(2026, 6, 2),
            ends_on=dt.date(2026, 6, 4),
            departments=[self.loop.department],
            neighbours="太山镇、位庄乡",
        )

    def begun(self) -> Theme:
        return services.theme_begin(
            theme=self.launched(),
            actor=self.loop.presidium,
            deputies=[self.loop.deputy.deputy, self.loop.other_deputy.deputy],
        )
