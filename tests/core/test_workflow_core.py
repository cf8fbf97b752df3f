"""The shared core: move tables, typed events and their subscribers, scopes, and rules at start-up."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from lianxin.accounts.principals import WORKER
from lianxin.accounts.roles import Role
from lianxin.board.scopes import PUBLIC
from lianxin.board.services import publication_save
from lianxin.core import events, scopes
from lianxin.core.models import TownOwned
from lianxin.core.workflow import workflow_of
from lianxin.demands import services
from lianxin.demands.events import Event
from lianxin.demands.models import Demand, DemandEvent
from lianxin.demands.workflow import MOVES
from lianxin.territory.models import GridCell

from ..factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


# --- the table -----------------------------------------------------------------------------------------
def test_every_event_kind_has_a_staff_and_a_citizen_label_in_both_languages():
    flow = workflow_of(Demand)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for kind in Event:
                staff, citizen = str(flow.staff_label(kind)), str(flow.citizen_label(kind))
                for label in (staff, citizen):  # never a raw key; in Chinese, never the English value
                    assert label and "_" not in label, (language, kind, label)
                    assert language == "en" or not label.isascii(), (language, kind, label)


def test_each_move_names_its_form_its_serializer_and_a_service_taking_their_fields():
    import inspect

    for action, move in MOVES.items():
        params = set(inspect.signature(move.service).parameters)
        assert {"demand", "actor"} <= params, action
        fields = set(move.form.base_fields) | set(move.serializer().fields)
        assert fields <= params, (action, fields - params)


@pytest.mark.django_db
def test_every_move_has_a_page_and_an_api_action(client, loop):
    demand = loop.recorded()
    viewer = UserFactory(role=Role.COUNTY_VIEWER, town=None, county=loop.town.county)
    client.force_login(viewer)  # reads the demand, may make none of the moves: each URL exists and refuses
    for action in MOVES:
        assert client.post(reverse("demands:act", args=[demand.code, action])).status_code == 403, action
        url = f"/api/v1/demands/{demand.code}/{action}/"
        assert client.post(url, {}, content_type="application/json").status_code == 403, action


@pytest.mark.django_db
def test_the_api_asks_for_the_right_before_it_reads_the_input(client, loop):
    """A deputy posting a completion with no body is refused (403), not told what the body lacks (400)."""
    demand = loop.accepted()
    client.force_login(loop.deputy)
    url = f"/api/v1/demands/{demand.code}/complete/"
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 403
    client.force_login(loop.staff)
    assert client.post(url, {}, content_type="application/json").status_code == 400


# --- events and subscribers ------------------------------------------------------------------------------
@pytest.fixture
def heard():
    """A subscriber to every demand event in each phase, removed afterwards."""
    got: dict[str, list[events.DomainEvent]] = {events.TRANSACTION: [], events.COMMIT: []}

    def in_transaction(event):
        assert transaction.get_connection().in_atomic_block
        got[events.TRANSACTION].append(event)

    def after_commit(event):
        got[events.COMMIT].append(event)

    events.subscribe(Event, phase=events.TRANSACTION)(in_transaction)
    events.subscribe(Event.CLAIM, phase=events.COMMIT)(after_commit)
    yield got
    events.unsubscribe(in_transaction)
    events.unsubscribe(after_commit)


@pytest.mark.django_db
def test_a_move_publishes_one_typed_event_and_commit_subscribers_wait_for_the_commit(
    loop, heard, django_capture_on_commit_callbacks
):
    demand = loop.recorded()
    heard[events.TRANSACTION].clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_claim(demand=demand, actor=loop.deputy)
        assert heard[events.COMMIT] == []
    [event] = heard[events.TRANSACTION]
    assert event.kind is Event.CLAIM and event.subject.pk == demand.pk and event.actor == loop.deputy
    assert (event.before, event.after) == ("recorded", "claimed")
    assert event.row == DemandEvent.objects.filter(demand=demand).last()
    assert [e.kind for e in heard[events.COMMIT]] == [Event.CLAIM]


@pytest.mark.django_db
def test_a_refused_or_rolled_back_move_publishes_nothing_after_commit(loop, heard):
    demand = loop.recorded()
    with pytest.raises(services.TransitionError), transaction.atomic():
        services.demand_claim(demand=demand, actor=loop.deputy)
        raise services.TransitionError("roll back")
    assert heard[events.COMMIT] == []
    assert Demand.objects.get(pk=demand.pk).status == "recorded"


# Who is told of each move, read from the people involved, not from the table under test.
TOLD = {
    "claim": {"citizen"},
    "assign": {"staff", "citizen"},
    "bounce": {"deputy"},
    "accept": set(),
    "complete": {"presidium", "deputy", "citizen"},
    "evaluate": set(),
    "check": set(),
    "return": {"staff", "presidium"},  # the office hears of a rejection too (the deputy made it)
    "close": {"citizen"},
    "decline": {"citizen"},
    "transfer": {"citizen"},
    "request_extension": {"presidium"},
    "remind": {"staff"},
    "note": set(),  # internal: nobody is messaged, least of all the citizen
    "progress": {"citizen", "deputy"},
    "relocate": {"deputy", "citizen"},
    "appoint": {"deputy", "citizen"},  # the deputy who held it; the new one is not a loop persona
    "reassign": {"staff", "deputy", "citizen"},  # staff: the department it leaves
    "extend": {"staff", "deputy"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(TOLD))
def test_notices_reach_exactly_who_the_step_concerns(loop, action):
    from lianxin.notify.models import OutboxMessage

    from ..demands.test_workflow import CASES, _do

    state, _after, allowed = CASES[action]
    demand = getattr(loop, state)()
    actor = getattr(loop, sorted(allowed)[0])
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    _do(action, loop, demand, actor)
    rows = OutboxMessage.objects.exclude(pk__in=before).filter(channel="inapp")
    users = {pk for row in rows for pk in row.recipient_ids}  # a group's row names all its members
    names = {n for n in ("citizen", "deputy", "staff", "presidium") if getattr(loop, n).pk in users}
    assert names == TOLD[action]


# --- scopes ----------------------------------------------------------------------------------------------
def test_every_town_owned_model_has_a_registered_scope():
    owned = [m for m in apps.get_models() if issubclass(m, TownOwned)]
    assert len(owned) >= 20
    missing = [m.__name__ for m in owned if not scopes.has_rule(m)]
    assert missing == [], f"register a scope rule in the app's scopes.py for {missing}"


def test_an_unregistered_action_reads_nothing(db, loop):
    loop.recorded()
    assert Demand.objects.restrict(loop.presidium, "no-such-action").count() == 0


@pytest.mark.django_db
def test_each_principal_reads_its_own_reach(loop, outsider):
    mine = loop.recorded()
    recorded_by_mediator = UserFactory(role=Role.MEDIATOR, town=loop.town)
    theirs = services.demand_record(
        town=loop.town,
        recorded_by=recorded_by_mediator,
        channel="walk_in",
        category=loop.category,
        title="邻里纠纷",
        description="两家因排水沟争执",
        cell=loop.cell,
    )
    everything = {mine.pk, theirs.pk}
    assert set(Demand.objects.restrict(loop.presidium).values_list("pk", flat=True)) == everything
    assert set(Demand.objects.restrict(WORKER).values_list("pk", flat=True)) >= everything
    assert set(Demand.objects.restrict(recorded_by_mediator).values_list("pk", flat=True)) == {theirs.pk}
    assert not Demand.objects.restrict(outsider).exists()
    assert not Demand.objects.restrict(AnonymousUser()).exists()
    assert not Demand.objects.restrict(UserFactory(role=Role.SYSTEM_ADMIN, town=None)).exists()
    disabled = UserFactory(role=Role.PRESIDIUM, town=loop.town, is_active=False)
    assert not Demand.objects.restrict(disabled).exists()
    assert not GridCell.objects.restrict(disabled).exists(), "a disabled account is not the public"
    assert GridCell.objects.restrict(AnonymousUser()).filter(town=loop.town).exists()


@pytest.mark.django_db
def test_a_system_key_reads_its_town_and_the_public_reads_what_the_board_publishes(loop, outsider):
    from lianxin.api.services import api_key_create

    demand = loop.claimed()
    key, _raw = api_key_create(town=loop.town, name="12345")
    assert key.account.role == Role.SYSTEM
    assert list(Demand.objects.restrict(key.account)) == [demand]
    anonymous = AnonymousUser()
    assert not Demand.objects.restrict(anonymous, PUBLIC).exists()
    publication_save(demand=demand, actor=loop.presidium, title="路灯不亮", text="已派单", published=True)
    assert list(Demand.objects.restrict(anonymous, PUBLIC)) == [demand]


# --- rules at start-up, and role names in one place -------------------------------------------------------
def test_a_process_that_imports_only_the_services_has_every_rule():
    code = (
        "import django, json, rules; django.setup(); "
        "import lianxin.demands.services; "
        "print(json.dumps({a: rules.perm_exists('demands.' + a) for a in "
        "lianxin.demands.services.workflow_of(lianxin.demands.models.Demand).moves}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(found) == set(MOVES) and all(found.values()), found


def test_role_names_appear_only_in_the_accounts_app():
    """Apps ask capabilities; the demo generator (which makes one login per role) is data, not product."""
    pattern = re.compile(r"\bRole\.[A-Z_]+|\.role\s*(==|!=|in)\b")
    offenders = []
    for path in (ROOT / "lianxin").rglob("*.py"):
        rel = path.relative_to(ROOT / "lianxin")
        if rel.parts[0] in ("accounts", "demo") or "migrations" in rel.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == []
