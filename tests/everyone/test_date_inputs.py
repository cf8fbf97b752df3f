"""Every date and date-time input renders its value in ISO form (issue 26, point 16).

``<input type=date>`` reads only YYYY-MM-DD (and ``datetime-local`` YYYY-MM-DDTHH:MM): the Chinese date
format, 2026/12/08, makes the browser show an empty field.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

import lianxin

from ..duty.conftest import duty  # noqa: F401  (the rota's town)

DAY = dt.date(2026, 12, 8)
MOMENT = dt.datetime(2026, 12, 8, 9, 30)


def _form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for module in pkgutil.walk_packages(lianxin.__path__, "lianxin."):
        if module.name.rsplit(".", 1)[-1] not in ("forms", "filters"):
            continue
        for _name, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__.startswith("lianxin."):
                found[f"{cls.__module__}.{cls.__name__}"] = cls
    return [found[k] for k in sorted(found)]


def _date_fields() -> list[tuple[str, forms.Field]]:
    fields = []
    for cls in _form_classes():
        for name, field in getattr(cls, "base_fields", {}).items():
            # a hidden one is filled by a script, not typed (the phone's own time of an offline form)
            if isinstance(field, forms.DateField | forms.DateTimeField) and not field.widget.is_hidden:
                fields.append((f"{cls.__module__}.{cls.__name__}.{name}", field))
    return fields


def test_the_sweep_finds_the_date_fields_of_every_app():
    names = [n for n, _f in _date_fields()]
    for app in ("duty", "supervision", "disputes", "demands", "insight", "tracking"):
        assert any(n.startswith(f"lianxin.{app}.") for n in names), app
    assert "lianxin.duty.forms.RotaForm.first_day" in names or any(n.endswith(".first_day") for n in names)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("name", "field"), _date_fields(), ids=[n for n, _f in _date_fields()])
def test_every_date_input_renders_an_iso_value(name, field, language):
    widget = field.widget
    kind = getattr(widget, "input_type", "") if widget.attrs.get("type") is None else widget.attrs["type"]
    assert kind in ("date", "datetime-local"), f"{name} is a {kind!r} input, not a date input"
    value = DAY if kind == "date" else MOMENT
    with translation.override(language):
        html = widget.render(name.rsplit(".", 1)[-1], value)
    expected = "2026-12-08" if kind == "date" else "2026-12-08T09:30"
    assert f'value="{expected}"' in html, html


@pytest.mark.django_db
def test_the_rota_form_opens_with_an_iso_start_date(duty, client):  # noqa: F811
    client.force_login(duty.loop.presidium)
    page = client.get(reverse("duty:rota"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    field = re.search(r'<input[^>]*name="[^"]*first_day"[^>]*>', html)
    assert field, "the rota form is on the page"
    value = re.search(r'value="([^"]*)"', field.group(0))
    assert value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.group(1)), field.group(0)
