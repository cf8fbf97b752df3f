"""The stored model is unpickled only under a good seal (security issue 23, item 8): a row written unsigned,
one with a byte changed, or one sealed with another key or for another town is refused before any of its
bytes are unpickled, and the town's suggestions come from the keyword rules."""

from __future__ import annotations

import io
import logging

import joblib
import pytest

from lianxin.accounts.principals import WORKER
from lianxin.intake import sealing
from lianxin.intake.models import IntakeModel
from lianxin.intake.selectors import suggest
from lianxin.intake.services import model_train

from .conftest import _shipped_model

pytestmark = pytest.mark.django_db

TEXT = "俺家宅基地被邻居多占了半米，地界说不清"


class Planted:
    """A pickle whose loading leaves a visible trace: it creates the file at ``path``."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def planted(path) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(Planted(path), buffer)
    return buffer.getvalue()


def store(itown, pipeline: bytes, version: int = 1) -> IntakeModel:
    return IntakeModel.objects.create(town=itown.town, version=version, pipeline=pipeline, active=True)


def by_rules(itown) -> bool:
    s = suggest(principal=WORKER, town_id=itown.town.pk, text=TEXT)
    return s.method == "rules" and s.model_version is None and s.category is not None


def test_an_unsigned_row_is_refused_without_unpickling_it(itown, tmp_path, caplog):
    trace = tmp_path / "ran"
    raw = planted(trace)
    store(itown, raw)
    with caplog.at_level(logging.WARNING, logger="lianxin.intake.selectors"):
        assert by_rules(itown)
    assert not trace.exists()
    assert "refused" in caplog.text and "v1" in caplog.text
    joblib.load(io.BytesIO(raw))  # the test's own proof that these bytes would have run
    assert trace.exists()


def test_a_row_sealed_with_another_key_is_refused_without_unpickling_it(itown, tmp_path, settings):
    trace = tmp_path / "ran"
    settings.INTAKE_MODEL_KEY = "someone-elses-key"
    forged = sealing.seal(planted(trace), town_id=itown.town.pk, version=1)
    settings.INTAKE_MODEL_KEY = ""
    store(itown, forged)
    assert by_rules(itown)
    assert not trace.exists()


@pytest.mark.parametrize("where", ["payload", "tag", "magic"])
def test_a_signed_model_with_one_byte_flipped_is_refused(itown, where):
    sealed = bytearray(sealing.seal(_shipped_model()[0], town_id=itown.town.pk, version=1))
    at = {"magic": 0, "tag": len(sealing.MAGIC) + 5, "payload": len(sealed) - 100}[where]
    sealed[at] ^= 0x01
    store(itown, bytes(sealed))
    assert by_rules(itown)


def test_a_model_sealed_for_another_town_or_version_is_refused(itown):
    store(itown, sealing.seal(_shipped_model()[0], town_id=itown.town.pk + 1, version=1))
    assert by_rules(itown)
    IntakeModel.objects.update(active=False)
    store(itown, sealing.seal(_shipped_model()[0], town_id=itown.town.pk, version=1), version=2)
    assert by_rules(itown)


def test_a_properly_sealed_model_loads_and_classifies(itown, trained):
    assert bytes(trained.pipeline).startswith(sealing.MAGIC)
    s = suggest(principal=WORKER, town_id=itown.town.pk, text=TEXT)
    assert s.method == "model" and s.model_version == 1
    assert s.category.name == "宅基地与土地"


def test_training_seals_what_it_stores(itown):
    model = model_train(town=itown.town, per_category=3)
    stored = bytes(IntakeModel.objects.values_list("pipeline", flat=True).get(pk=model.pk))
    assert sealing.unseal(stored, town_id=itown.town.pk, version=model.version)
    s = suggest(principal=WORKER, town_id=itown.town.pk, text=TEXT)
    assert s.method == "model" and s.model_version == model.version


def test_the_demo_trains_again_when_its_model_is_refused(itown, tmp_path):
    from lianxin.demo.intake import build_intake

    store(itown, planted(tmp_path / "ran"))  # a demo town kept in var/ from before models were sealed
    build_intake(town=itown.town, index=0, cells={})
    model = IntakeModel.objects.get(town=itown.town, active=True)
    assert model.version == 2
    assert suggest(principal=WORKER, town_id=itown.town.pk, text=TEXT).method == "model"
    assert not (tmp_path / "ran").exists()
