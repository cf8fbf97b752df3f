"""A toy workflow assembled from the core's pieces only, in this one module, walked through the page and the
API action the core generates from its table.

The toy: an item is ``new``, its owner starts it (``working``) and finishes it with a result (``done``), or
drops it with a reason (``dropped``) at any point before it is done. Its models live under the app label
``toy``, which is not installed: no other test sees them, and the tables exist only while this module runs.
"""

from __future__ import annotations

from typing import Any

import pytest
import rules
from django import forms
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection, models, transaction
from django.urls import include, path
from rest_framework import mixins, routers, viewsets
from rest_framework import serializers as drf
from rest_framework.test import APIClient

from lianxin.accounts.roles import Role
from lianxin.api.moves import add_move_actions
from lianxin.core import clock, scopes
from lianxin.core.forms import ActionForm, ConfirmForm
from lianxin.core.models import EventRow, TownOwned
from lianxin.core.views import act, act_urls, scoped
from lianxin.core.workflow import Move, Workflow, workflow_of


# --- the workflow: models, kinds, services, forms, the table -------------------------------------------
class ToyStatus(models.TextChoices):
    NEW = "new", "new"
    WORKING = "working", "working"
    DONE = "done", "done"
    DROPPED = "dropped", "dropped"


class ToyKind(models.TextChoices):
    START = "start", "start"
    FINISH = "finish", "finish"
    DROP = "drop", "drop"


class ToyItem(TownOwned):
    title = models.CharField(max_length=80)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ToyStatus.choices, default=ToyStatus.NEW)
    result = models.TextField(blank=True)

    class Meta:
        app_label = "toy"

    def __str__(self) -> str:
        return self.title


class ToyEvent(EventRow):
    """The toy's event table: core's event row, its subject and its kinds (nothing else to write)."""

    item = models.ForeignKey(ToyItem, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(ToyKind)

    class Meta:
        app_label = "toy"


scopes.rule(ToyItem)(scopes.town_wide)
scopes.rule(ToyEvent)(scopes.town_wide)


@rules.predicate
def owns(user: Any, item: Any) -> bool:
    return item is not None and item.owner_id == user.pk


@transaction.atomic
def toy_start(*, item: ToyItem, actor: Any) -> ToyItem:
    return workflow_of(ToyItem).transition(item, ToyKind.START, actor)


@transaction.atomic
def toy_finish(*, item: ToyItem, actor: Any, result: str) -> ToyItem:
    flow = workflow_of(ToyItem)
    flow.check(actor, ToyKind.FINISH, item)
    if "later" in result:  # a refusal only the service knows: a 400 on the field it names
        raise forms.ValidationError({"result": "A result says what was done, not what will be."})
    return flow.transition(item, ToyKind.FINISH, actor, checked=True, note=result, result=result)


@transaction.atomic
def toy_drop(*, item: ToyItem, actor: Any, reason: str) -> ToyItem:
    # no "say why" here: the table's requires_reason refuses a blank reason
    return workflow_of(ToyItem).transition(item, ToyKind.DROP, actor, note=reason.strip())


class FinishForm(ActionForm):
    result = forms.CharField(widget=forms.Textarea)


class EmptyIn(drf.Serializer[Any]):
    pass


class FinishIn(drf.Serializer[Any]):
    result = drf.CharField()


class DropIn(drf.Serializer[Any]):
    reason = drf.CharField(allow_blank=True)  # blank passes the serializer: the core must refuse it


TOY = Workflow(
    model=ToyItem,
    events=ToyEvent,
    subject="item",
    kinds=ToyKind,
    moves=[
        Move(ToyKind.START, (ToyStatus.NEW,), ToyStatus.WORKING, owns, toy_start, ConfirmForm, EmptyIn,
             "start", "Started"),
        Move(ToyKind.FINISH, (ToyStatus.WORKING,), ToyStatus.DONE, owns, toy_finish, FinishForm, FinishIn,
             "finish", "Finished"),
        # no reason field in its form: the core adds a required one
        Move(ToyKind.DROP, (ToyStatus.NEW, ToyStatus.WORKING), ToyStatus.DROPPED, owns, toy_drop, ConfirmForm,
             DropIn, "drop", "Dropped", requires_reason=True, why="Say why it is dropped."),
    ],
)  # fmt: skip


# --- the generated page and API, mounted for this module -----------------------------------------------
class ToyOut(drf.ModelSerializer[ToyItem]):
    class Meta:
        model = ToyItem
        fields = ["id", "title", "status", "result"]


class ToyViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[ToyItem]):
    serializer_class = ToyOut

    def get_queryset(self) -> models.QuerySet[ToyItem]:
        return ToyItem.objects.restrict(self.request.user)  # type: ignore[attr-defined,no-any-return]


add_move_actions(ToyViewSet, TOY, out=ToyOut, operation="toys")
router = routers.SimpleRouter()
router.register("toys", ToyViewSet, basename="toy")

urlpatterns = [
    *act_urls(TOY, prefix="toys/", fetch=scoped(ToyItem), name="toy"),
    # the same pages, a refused move answered with a message on the fresh page (on_conflict="redirect")
    *act_urls(TOY, prefix="listed/", fetch=scoped(ToyItem), name="toy_listed", on_conflict="redirect"),
    path("api/toy/", include(router.urls)),
    *__import__("config.urls", fromlist=["urlpatterns"]).urlpatterns,  # base.html's links
]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(scope="module")
def toy_tables(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The toy's tables, made in the test database for this module and dropped after it."""
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(ToyItem)
            editor.create_model(ToyEvent)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(ToyEvent)
            editor.delete_model(ToyItem)


@pytest.fixture
def cast(toy_tables: Any, db: Any, persona: Any, town: Any) -> dict[str, Any]:
    owner, other = persona(Role.DEPUTY), persona(Role.DEPUTY)
    return {
        "owner": owner,
        "other": other,
        "item": ToyItem.objects.create(town=town, title="路灯", owner=owner),
    }


def _events(item: ToyItem) -> list[tuple[str, str, str, Any, str]]:
    return [
        (e.action, e.from_status, e.to_status, e.actor_id, e.note)
        for e in ToyEvent.objects.filter(item=item).order_by("pk")
    ]


# --- the page ------------------------------------------------------------------------------------------
def test_the_page_offers_the_owner_its_moves_and_the_others_none(client, cast):
    item = cast["item"]
    client.force_login(cast["owner"])
    response = client.get(f"/toys/{item.pk}/")
    assert response.status_code == 200
    offered = {m.action for m, _form in response.context["action_forms"]}
    assert offered == {"start", "drop"}
    assert f'action="/toys/{item.pk}/drop/"' in response.content.decode()
    client.force_login(cast["other"])
    assert client.get(f"/toys/{item.pk}/").context["action_forms"] == []


def test_the_page_walks_the_toy_through_its_moves(client, cast):
    item, owner = cast["item"], cast["owner"]
    client.force_login(owner)
    response = client.post(f"/toys/{item.pk}/start/")
    assert response.status_code == 302 and response["Location"] == f"/toys/{item.pk}/"
    # the same move again: the state forbids it now
    response = client.post(f"/toys/{item.pk}/start/")
    assert (
        response.status_code == 409
    )  # said in the reader's language (Chinese first): the state and the move
    assert "working" in response.context["problem"] and "start" in response.context["problem"]
    # the service's own refusal: a 400, the form shown again with the input kept
    response = client.post(f"/toys/{item.pk}/finish/", {"finish-result": "done later"})
    assert response.status_code == 400
    assert response.context["open_action"] == "finish"
    assert "done later</textarea>" in response.content.decode()
    response = client.post(f"/toys/{item.pk}/finish/", {"finish-result": "换了灯泡"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.result) == (ToyStatus.DONE, "换了灯泡")
    assert _events(item) == [
        ("start", "new", "working", owner.pk, ""),
        ("finish", "working", "done", owner.pk, "换了灯泡"),
    ]


def test_a_page_that_redirects_on_conflict_says_the_refusal_on_the_fresh_page(client, cast):
    item, owner = cast["item"], cast["owner"]
    client.force_login(owner)
    assert client.post(f"/listed/{item.pk}/start/").status_code == 302
    response = client.post(f"/listed/{item.pk}/start/")  # the state forbids it now
    assert response.status_code == 302 and response["Location"] == f"/listed/{item.pk}/"
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert said[-1][0] == "error" and "working" in said[-1][1] and "start" in said[-1][1]
    # bad input is still the page again with the form and its errors, not a redirect
    response = client.post(f"/listed/{item.pk}/drop/", {"drop-reason": " "})
    assert response.status_code == 400 and response.context["open_action"] == "drop"
    item.refresh_from_db()
    assert item.status == ToyStatus.WORKING and [e[0] for e in _events(item)] == ["start"]


def test_act_refuses_an_unknown_conflict_answer(rf, cast):
    request = rf.post("/")
    request.user = cast["owner"]
    with pytest.raises(ValueError, match="on_conflict"):
        act(request, cast["item"], "start", page=None, refetch=None, done=None, on_conflict="shrug")  # type: ignore[arg-type]


def test_the_page_refuses_who_may_not_and_what_is_not_a_move(client, cast, outsider):
    item = cast["item"]
    client.force_login(cast["other"])
    assert client.post(f"/toys/{item.pk}/start/").status_code == 403
    client.force_login(outsider)  # another town: the item is not there at all
    assert client.post(f"/toys/{item.pk}/start/").status_code == 404
    client.force_login(cast["owner"])
    assert client.post(f"/toys/{item.pk}/fly/").status_code == 404
    assert client.get(f"/toys/{item.pk}/start/").status_code == 405
    item.refresh_from_db()
    assert item.status == ToyStatus.NEW and _events(item) == []


def test_a_move_that_requires_a_reason_refuses_a_blank_one_before_its_service(client, cast):
    item, owner = cast["item"], cast["owner"]
    client.force_login(owner)
    form = client.get(f"/toys/{item.pk}/").context["action_forms"][1][1]
    assert form.fields["reason"].required  # added by the core: the toy's form has none
    response = client.post(f"/toys/{item.pk}/drop/", {"drop-reason": "   "})
    assert response.status_code == 400
    assert response.context["open_action"] == "drop"
    assert "Say why it is dropped." in response.content.decode()
    item.refresh_from_db()
    assert item.status == ToyStatus.NEW and _events(item) == []
    response = client.post(f"/toys/{item.pk}/drop/", {"drop-reason": "重复上报"})
    assert response.status_code == 302
    assert _events(item) == [("drop", "new", "dropped", owner.pk, "重复上报")]


def test_the_table_refuses_a_blank_reason_to_a_service_called_directly(cast):
    item = cast["item"]
    with pytest.raises(forms.ValidationError) as refused:
        toy_drop(item=item, actor=cast["owner"], reason="")
    assert refused.value.message_dict == {"reason": ["Say why it is dropped."]}
    assert ToyItem.objects.get(pk=item.pk).status == ToyStatus.NEW and _events(item) == []


# --- the API -------------------------------------------------------------------------------------------
def _api(user: Any) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def test_the_api_makes_the_moves_of_the_table(cast, outsider):
    item, owner = cast["item"], cast["owner"]
    url = f"/api/toy/toys/{item.pk}"
    assert _api(cast["other"]).post(f"{url}/start/").status_code == 403
    assert _api(outsider).post(f"{url}/start/").status_code == 404
    api = _api(owner)
    response = api.post(f"{url}/start/")
    assert response.status_code == 200 and response.json()["status"] == "working"
    assert api.post(f"{url}/start/").status_code == 409
    response = api.post(f"{url}/finish/", {"result": "done later"})
    assert response.status_code == 400 and "result" in response.json()
    response = api.post(f"{url}/drop/", {"reason": " "})
    assert response.status_code == 400 and response.json() == {"reason": ["Say why it is dropped."]}
    response = api.post(f"{url}/drop/", {"reason": "并入另一件"})
    assert response.status_code == 200 and response.json()["status"] == "dropped"
    assert _events(item) == [
        ("start", "new", "working", owner.pk, ""),
        ("drop", "working", "dropped", owner.pk, "并入另一件"),
    ]
    assert ToyEvent.objects.get(item=item, action="drop").at <= clock.now()
