"""Schemathesis over the REST API (its generated OpenAPI schema) and over Open311 (a hand-written OpenAPI
document of GeoReport v2, ``open311_schema``): no answer is a 5xx. Figures: cases sent, 5xx answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from lianxin.api.services import api_key_create

from . import figures
from .open311_schema import SCHEMA as OPEN311

EXAMPLES = 12  # per operation

rest = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
)
rest.app = application
open311 = schemathesis.openapi.from_dict(OPEN311)
open311.app = application


@dataclass
class Target:
    raw: str  # the API key
    town: str  # its town's code (Open311's jurisdiction_id)
    category: str  # a service_code
    cell: str  # an address_id
    demand: str  # a service_request_id


@pytest.fixture
def target(db) -> Iterator[Target]:
    """A town with the loop wired and a demand in each list, and the real WSGI app minus its per-request
    connection closing (as Django's test client does): the test's transaction must survive each call."""
    from tests.loop import Loop

    loop = Loop.build()
    loop.recorded()
    loop.assigned()
    demand = loop.completed()
    _key, raw = api_key_create(town=loop.town, name="fuzz")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield Target(raw, loop.town.code, str(loop.category.pk), loop.cell.code, demand.code)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _count(name: str, status: int) -> None:
    figures.record(name, cases=1, ok=int(200 <= status < 300), server_errors=int(status >= 500))


@pytest.mark.slow
@rest.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_rest_api_never_answers_5xx(case, target):
    response = case.call(headers={"Authorization": f"Bearer {target.raw}"})
    _count("fuzz_rest", response.status_code)
    case.validate_response(
        response, checks=[not_a_server_error]
    )  # full conformance: tests/api/test_schema.py


def _aim(values: dict[str, Any] | None, target: Target) -> None:
    """Point some generated values at real rows, so the cases reach past "unknown id": a value of even
    length is replaced by the real one, one of odd length is kept (random, usually refused)."""
    if not isinstance(values, dict):
        return
    real = {
        "api_key": target.raw,
        "jurisdiction_id": target.town,
        "service_code": target.category,
        "address_id": target.cell,
        "service_request_id": target.demand,
        "token": target.demand,
    }
    for name, value in list(values.items()):
        if name in real and isinstance(value, str) and len(value) % 2 == 0:
            values[name] = real[name]


@pytest.mark.slow
@open311.parametrize()
@settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_open311_never_answers_5xx(case, target):
    _aim(case.query, target)
    _aim(case.path_parameters, target)
    _aim(case.body, target)
    response = case.call()
    _count("fuzz_open311", response.status_code)
    case.validate_response(response, checks=[not_a_server_error])
