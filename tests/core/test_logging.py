"""A refusal (403, 404, 400) is one line in the log, not a traceback; a server error keeps its traceback."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from lianxin.accounts.roles import Role

pytestmark = pytest.mark.django_db


class Console:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def read(self) -> str:
        text = self.stream.getvalue()
        self.stream.seek(0)
        self.stream.truncate()
        return text


@pytest.fixture
def console(monkeypatch, settings):
    """Django's logging set up as a server sets it up, every console handler writing into ``Console``."""
    from django.utils.log import configure_logging

    out = Console()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stderr", out.stream)  # StreamHandler() takes sys.stderr when it is made
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    yield out
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@pytest.mark.parametrize("debug", [False, True])
def test_a_403_is_one_line_without_a_traceback(client, persona, console, settings, debug):
    settings.DEBUG = debug  # the demo runs with DEBUG on, where Django's own console handler also writes
    client.force_login(persona(Role.CITIZEN))
    console.read()
    assert client.get(reverse("demands:overview")).status_code == 403
    err = console.read()
    assert err.count("Forbidden") == 1, err
    assert "Traceback" not in err


def test_a_server_error_keeps_its_traceback(console):
    logger = logging.getLogger("django.request")
    request = RequestFactory().get("/x/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error(
            "Internal Server Error: /x/", exc_info=True, extra={"status_code": 500, "request": request}
        )
    err = console.read()
    assert "Traceback" in err and "boom" in err


def test_a_refusal_logged_with_its_exception_loses_only_the_traceback(console):
    logger = logging.getLogger("django.request")
    try:
        raise PermissionDenied
    except PermissionDenied:
        logger.warning("Forbidden (Permission denied): /y/", exc_info=True, extra={"status_code": 403})
    err = console.read()
    assert "Forbidden (Permission denied): /y/" in err and "Traceback" not in err
