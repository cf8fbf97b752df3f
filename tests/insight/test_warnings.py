"""Early warning through the database: a rise of one category in one cell and a recurring cluster are
found, flat data of the same volume raises nothing; one warning per episode across daily scans, ended when
the rise ends; no warning without weeks of history; the rising cell named, not its neighbour; a steady busy
pair quiet for months; deputies read their cells' warnings; evidence, decisions, the API and the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from lianxin.accounts.roles import Role
from lianxin.demands.models import Demand
from lianxin.insight import detect, services
from lianxin.insight.models import EarlyWarning, WarningDemand, WarningKind, WarningStatus

from ..factories import CategoryFactory, DemandFactory, GridCellFactory, TownFactory, UserFactory, square
from .factories import local

pytestmark = pytest.mark.django_db

AT = local(11, 21, 0)  # the scan of 20 November, as of its end
SUBJECTS = [
    "路灯不亮", "垃圾清运不及时", "道路坑洼积水", "噪音扰民", "自来水停水", "养老补贴申请", "学校门口拥堵",
    "农田灌溉机井损坏", "集市摊位乱摆", "物业收费纠纷", "医保报销咨询", "污水直排河道", "电梯故障", "宅基地纠纷",
    "公交站牌缺失", "广场舞场地", "野狗伤人", "违章建筑", "燃气管道老化", "快递点设置", "排水沟堵塞",
    "健身器材损坏", "树木遮挡视线", "小区停车难",
]  # fmt: skip


@pytest.fixture
def town():
    town = TownFactory()
    town.cells = [  # type: ignore[attr-defined]
        GridCellFactory(town=town, boundary=square(35.26, 113.66)),
        GridCellFactory(town=town, boundary=square(35.26, 113.67)),  # touches the first
        GridCellFactory(town=town, boundary=square(35.40, 113.90)),  # far away
    ]
    town.categories = [CategoryFactory(town=town) for _ in range(6)]  # type: ignore[attr-defined]
    return town


def demand(town, cell, when, i, category=None, **kw):
    return DemandFactory(
        town=town,
        cell=cell,
        category=category or town.categories[i % len(town.categories)],
        title=SUBJECTS[i % len(SUBJECTS)],
        description=SUBJECTS[i % len(SUBJECTS)],
        created_at=when,
        **kw,
    )


def rising_history(town):
    """Cell 0, category 0: 14 demands in the 56 baseline days (one every four days), then 12 in the last 7."""
    cell, cat = town.cells[0], town.categories[0]
    for i in range(14):
        demand(town, cell, AT - dt.timedelta(days=62 - 4 * i, hours=3), i, category=cat)
    for i in range(12):
        demand(town, cell, AT - dt.timedelta(days=6 - i % 7, hours=5 + i), 14 + i, category=cat)


def flat_history(town):
    """The same 26 demands in cell 0, spread evenly over the same 63 days."""
    cell = town.cells[0]
    for i in range(26):  # (of every subject but the first: the cluster test adds its own)
        demand(town, cell, AT - dt.timedelta(days=62 - 63 * i / 26, hours=3), 1 + i % 23)


def test_the_count_test_as_stated():
    assert detect.nb_upper_tail(0, 2.0, 1e9) == 1.0
    # a huge size is Poisson: P(X ≥ 1) = 1 − e^−2
    assert float(detect.nb_upper_tail(1, 2.0, 1e9)) == pytest.approx(1 - 2.718281828**-2.0, rel=1e-6)
    # overdispersion makes a high count less surprising
    assert detect.nb_upper_tail(8, 1.75, 2.0) > detect.nb_upper_tail(8, 1.75, 1e9)
    t = detect.rising(8, 14, window_days=7, baseline_days=56)  # λ = 14 / 56 × 7 = 1.75
    assert t.expected == 1.75 and t.p_value < detect.TEXT_ALPHA and t.rising
    assert not detect.rising(7, 56, window_days=7).rising  # as many as usual
    assert not detect.rising(2, 0).rising  # below the minimum count


def test_a_generated_rising_trend_is_detected_with_its_evidence(town):
    rising_history(town)
    assert services.warnings_scan(at=AT) == {"created": 1, "updated": 0, "kept": 0, "ended": 0}
    [w] = EarlyWarning.objects.all()
    assert (w.kind, w.cell, w.category) == (WarningKind.RISING, town.cells[0], town.categories[0])
    assert w.p_value < w.evidence["alpha"] and w.observed >= 12 and w.expected < w.observed / 2
    assert w.evidence["test"] == "negative binomial upper tail" and w.evidence["cell_ids"] == [
        town.cells[0].pk
    ]
    assert len(w.demand_ids) == w.observed and sum(w.evidence["daily"].values()) == w.observed
    assert w.events.get().action == "detect" and w.ended_at is None and w.detections == 1
    # a title of words: the category, the cell, the counts
    assert town.categories[0].name in w.title and town.cells[0].name in w.title
    # a later scan finds the same episode: no second warning
    assert services.warnings_scan(at=AT + dt.timedelta(hours=6))["created"] == 0
    assert EarlyWarning.objects.count() == 1


def test_no_warning_on_flat_data_of_the_same_volume(town):
    flat_history(town)
    assert services.warnings_scan(at=AT) == {"created": 0, "updated": 0, "kept": 0, "ended": 0}


def test_a_recurring_cluster_in_neighbouring_cells_is_detected(town):
    flat_history(town)
    a, b, far = town.cells
    cat = town.categories[0]
    texts = [
        "村东头路灯不亮，晚上看不见路",
        "村东头的路灯坏了不亮，晚上看不见",
        "路灯不亮，晚上看不见路很危险",
    ]
    made = [
        DemandFactory(
            town=town, cell=cell, category=cat, title=t, description=t, created_at=AT - dt.timedelta(days=d)
        )
        for cell, t, d in [(a, texts[0], 9), (b, texts[1], 5), (a, texts[2], 2)]
    ]
    DemandFactory(
        town=town,
        cell=far,
        category=cat,
        title=texts[0],
        description=texts[0],
        created_at=AT - dt.timedelta(days=3),
    )
    services.warnings_scan(at=AT)
    [w] = EarlyWarning.objects.filter(evidence__method="text")
    assert w.kind == WarningKind.RECURRING
    assert w.demand_ids == sorted(d.pk for d in made)  # the far cell's twin is not a neighbour
    assert "路灯" in w.evidence["tokens"]
    # the title says the subject in a demand's own words, not fragments of them
    assert w.title.split("（")[0].split(" (")[0] in texts, w.title


def test_dismiss_with_a_reason_and_the_scan_keeps_it_dismissed(client, town):
    rising_history(town)
    services.warnings_scan(at=AT)
    w = EarlyWarning.objects.get()
    presidium = UserFactory(role=Role.PRESIDIUM, town=town)
    client.force_login(presidium)
    url = reverse("insight:warning_act", args=[w.pk, "dismiss"])
    response = client.post(url, {"dismiss-reason": ""})
    assert response.status_code == 400
    assert client.post(url, {"dismiss-reason": "集中整治已安排"}).status_code == 302
    w.refresh_from_db()
    assert (w.status, w.reason) == (WarningStatus.DISMISSED, "集中整治已安排")
    assert services.warnings_scan(at=AT + dt.timedelta(hours=6)) == {
        "created": 0,
        "updated": 0,
        "kept": 1,
        "ended": 0,
    }
    # a county viewer reads it but may not decide
    viewer = UserFactory(role=Role.COUNTY_VIEWER, county=town.county, town=None)
    client.force_login(viewer)
    assert client.get(reverse("insight:warning", args=[w.pk])).status_code == 200
    assert client.post(reverse("insight:warning_act", args=[w.pk, "make_topic"]), {}).status_code == 403


def test_a_warning_decided_meanwhile_is_said_on_its_fresh_page_and_a_blank_reason_in_the_moves_words(
    client, town
):
    rising_history(town)
    services.warnings_scan(at=AT)
    w = EarlyWarning.objects.get()
    client.force_login(UserFactory(role=Role.PRESIDIUM, town=town))
    url = reverse("insight:warning_act", args=[w.pk, "dismiss"])
    blank = client.post(url, {"dismiss-reason": "  "})
    assert blank.status_code == 400 and blank.context["open_action"] == "dismiss"
    assert "请说明排除该预警的理由。" in blank.content.decode()  # the move's own words, translated
    with translation.override("en"):  # the table holds a caller without the page too
        with pytest.raises(ValidationError) as refused:
            services.warning_dismiss(warning=w, actor=blank.wsgi_request.user, reason=" ")
        assert refused.value.message_dict == {"reason": ["Say why this warning is dismissed."]}
    assert client.post(url, {"dismiss-reason": "已整治"}).status_code == 302
    again = client.post(
        reverse("insight:warning_act", args=[w.pk, "make_topic"]), {"make_topic-month": "2026-11-05"}
    )
    assert again.status_code == 302 and again["Location"] == reverse("insight:warning", args=[w.pk])
    said = [(m.level_tag, str(m)) for m in get_messages(again.wsgi_request)]
    assert said[-1][0] == "error", said
    w.refresh_from_db()
    assert (w.status, w.topic_month) == (WarningStatus.DISMISSED, None)


def test_a_monthly_topic_shows_the_volume_before_and_after(client, town):
    rising_history(town)
    services.warnings_scan(at=AT)
    w = EarlyWarning.objects.get()
    presidium = UserFactory(role=Role.PRESIDIUM, town=town)
    client.force_login(presidium)
    response = client.post(
        reverse("insight:warning_act", args=[w.pk, "make_topic"]), {"make_topic-month": "2026-11-05"}
    )
    assert response.status_code == 302
    page = client.get(reverse("insight:warning", args=[w.pk]))
    effect = page.context["effect"]
    # cell 0, category 0: the baseline's demands fall 62, 58, … 10 days before 21 November; those of
    # 19 September to 29 October (11) are before November, those of 2, 6 and 10 November and the 12 of
    # the window (15) are in it
    assert (effect["before"], effect["after"]) == (11, 15)
    assert "data-effect" in page.content.decode()


def test_api_lists_warnings_with_their_evidence_ids(client, town, outsider):
    rising_history(town)
    services.warnings_scan(at=AT)
    w = EarlyWarning.objects.get()
    client.force_login(UserFactory(role=Role.PRESIDIUM, town=town))
    body = client.get("/api/v1/warnings/").json()
    [row] = body["results"]
    assert row["id"] == w.pk and row["kind"] == "rising" and row["cell"] == town.cells[0].name
    assert row["evidence_ids"] == w.demand_ids and row["first_detected_at"]
    client.force_login(outsider)
    assert client.get("/api/v1/warnings/").json()["results"] == []
    client.logout()
    assert client.get("/api/v1/warnings/").status_code in (401, 403)


def test_the_command_scans_a_given_day(town):
    rising_history(town)
    out = io.StringIO()
    call_command("warnings_scan", "--at", "2026-11-20", stdout=out)
    assert "1 new" in out.getvalue()
    with pytest.raises(Exception, match="not a date"):
        call_command("warnings_scan", "--at", "20-11-2026")


def test_one_action_turns_a_warning_into_a_tracked_proactive_item(client, town):
    from lianxin.tracking.models import TrackedItem

    from ..factories import DepartmentFactory

    rising_history(town)
    services.warnings_scan(at=AT)
    w = EarlyWarning.objects.get()
    dept = DepartmentFactory(town=town)
    client.force_login(UserFactory(role=Role.PRESIDIUM, town=town))
    url = reverse("insight:warning_act", args=[w.pk, "make_proactive"])
    form = {
        "make_proactive-title": "路灯集中检修",
        "make_proactive-plan": "一周内排查全村路灯",
        "make_proactive-department": dept.pk,
        "make_proactive-due_at": "2020-01-01T10:00",
    }
    assert client.post(url, form).status_code == 400  # a deadline in the past: said, input kept
    form["make_proactive-due_at"] = "2099-01-01T10:00"
    assert client.post(url, form).status_code == 302
    w.refresh_from_db()
    item = TrackedItem.objects.get()
    assert (w.status, w.tracked_item) == (WarningStatus.PROACTIVE, item)
    assert (item.origin, item.source, item.department, item.light) == ("early_warning", w, dept, "green")
    page = client.get(reverse("insight:warning", args=[w.pk]))
    assert "路灯集中检修" in page.content.decode()
    # the demands behind the warning are the item's: linked, and listed on the item's page
    linked = set(WarningDemand.objects.filter(item=item).values_list("demand_id", flat=True))
    assert linked == set(w.demand_ids) and len(linked) == w.observed
    assert page.context["linked"] == len(linked)
    item_page = client.get(reverse("tracking:detail", args=[item.pk])).content.decode()
    assert "data-item-demands" in item_page
    assert all(d.code in item_page for d in Demand.objects.filter(pk__in=linked))


def _scan_days(first: dt.date, last: dt.date) -> None:
    day = first
    while day <= last:
        call_command("warnings_scan", "--at", day.isoformat(), stdout=io.StringIO())
        day += dt.timedelta(days=1)


def test_a_rise_is_one_warning_across_daily_scans_and_ends_when_the_rise_ends(town):
    cell, cat = town.cells[0], town.categories[0]
    for i in range(20):  # one every four days, for 80 days
        demand(town, cell, AT - dt.timedelta(days=104 - 4 * i, hours=3), i, category=cat)
    for i in range(20):  # then two a day for ten days
        demand(town, cell, AT - dt.timedelta(days=24 - i // 2, hours=2 + 5 * (i % 2)), i, category=cat)
    # scanned every day from the rise's first day to three weeks after its last
    _scan_days((AT - dt.timedelta(days=24)).date(), (AT - dt.timedelta(days=1)).date())
    [w] = EarlyWarning.objects.all()
    assert (w.cell, w.category, w.kind) == (cell, cat, WarningKind.RISING)
    assert w.detections > 3 and w.strength > 2
    assert w.ended_at is not None and w.ended_at == w.last_detected_at
    actions = list(w.events.values_list("action", flat=True))
    assert actions.count("detect") == 1 and actions[-1] == "end"
    assert set(w.demand_ids) >= set(
        Demand.objects.filter(created_at__gte=AT - dt.timedelta(days=24)).values_list("pk", flat=True)
    )


def test_no_trend_warning_on_a_cell_with_two_weeks_of_history(town):
    new = town.cells[2]
    cat = town.categories[1]
    for i in range(3):
        demand(town, new, AT - dt.timedelta(days=13 - i, hours=4), i, category=cat)
    for i in range(12):
        demand(town, new, AT - dt.timedelta(days=6 - i % 7, hours=3 + i), i, category=cat)
    _scan_days((AT - dt.timedelta(days=3)).date(), (AT - dt.timedelta(days=1)).date())
    assert not EarlyWarning.objects.exists()


def test_the_warning_names_the_rising_cell_not_its_neighbour(town):
    a, b, _far = town.cells
    cat = town.categories[0]
    for cell in (a, b):
        for i in range(16):
            demand(town, cell, AT - dt.timedelta(days=70 - 4 * i, hours=3), i, category=cat)
    for i in range(10):
        demand(town, b, AT - dt.timedelta(days=6 - i % 7, hours=4 + i), i, category=cat)
    services.warnings_scan(at=AT)
    warnings = list(EarlyWarning.objects.all())
    assert warnings
    for w in warnings:
        assert w.cell == b and w.evidence["cell_ids"] == [b.pk], w.title
        assert a.name not in w.title


def test_a_steady_busy_pair_does_not_warn_over_months(town):
    import numpy as np

    cell, cat = town.cells[0], town.categories[0]
    rng = np.random.default_rng(7)
    start = AT - dt.timedelta(days=150)
    rows = []
    for d in range(150):
        weekday = (1.3, 1.15, 1.1, 1.05, 1.0, 0.75, 0.6)[(start + dt.timedelta(days=d)).weekday()]
        n = rng.poisson(rng.gamma(5, 3.0 * weekday / 5))  # about three a day, overdispersed
        for j in range(n):
            rows.append(
                DemandFactory.build(
                    town=town,
                    cell=cell,
                    category=cat,
                    title=SUBJECTS[j % len(SUBJECTS)],
                    created_at=start + dt.timedelta(days=d, hours=8 + j % 10),
                )
            )
    Demand.objects.bulk_create(rows)
    for week in range(12, 0, -1):  # a scan a week over the last three months
        services.warnings_scan(at=AT - dt.timedelta(days=7 * week))
    services.warnings_scan(at=AT)
    assert not EarlyWarning.objects.exists(), [(w.title, w.evidence) for w in EarlyWarning.objects.all()]


def test_deputies_read_the_warnings_of_their_cells_only(client, town):
    from ..factories import DeputyCellFactory

    a, _b, far = town.cells
    for cell, cat in ((a, town.categories[0]), (far, town.categories[1])):  # two subjects, two cells
        for i in range(14):
            demand(town, cell, AT - dt.timedelta(days=62 - 4 * i, hours=3), i, category=cat)
        for i in range(12):
            demand(town, cell, AT - dt.timedelta(days=6 - i % 7, hours=5 + i), i, category=cat)
    services.warnings_scan(at=AT)
    mine = EarlyWarning.objects.get(cell=far)
    theirs = EarlyWarning.objects.get(cell=a)
    deputy = UserFactory(role=Role.DEPUTY, town=town)
    DeputyCellFactory(town=town, cell=far, deputy__user=deputy)
    client.force_login(deputy)
    page = client.get(reverse("insight:warnings"))
    assert page.status_code == 200
    assert [w.pk for w in page.context["page"]] == [mine.pk]
    assert client.get(reverse("insight:warning", args=[mine.pk])).status_code == 200
    assert client.get(reverse("insight:warning", args=[theirs.pk])).status_code == 404
    # reading is not deciding
    assert client.post(reverse("insight:warning_act", args=[mine.pk, "dismiss"]), {}).status_code == 403
    # a deputy without cells reads none
    client.force_login(UserFactory(role=Role.DEPUTY, town=town))
    assert list(client.get(reverse("insight:warnings")).context["page"]) == []
