from __future__ import annotations

import os
import time

import pytest
from django.db import transaction
from django.test import override_settings

from .world import World


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both towns, built once for the module inside a transaction that is rolled back after it (each test
    nests its own savepoint in it, as with the demo town)."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media, SENDFILE_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started = time.process_time()
            built = World.build()
            if os.environ.get("MATRIX_DUMP"):
                print(f"world built in {time.process_time() - started:.1f}s CPU")
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
