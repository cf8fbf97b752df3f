"""Django's database cache with an ``incr`` that cannot lose a count.

The rate limits (``lianxin/portal/limits.py``) count in the default cache, and under ``lianxin serve``
without Redis that is a database table shared by every gunicorn worker. Django's own ``incr`` reads the
value and writes it back: two workers counting at the same moment both write the same number and one try
goes uncounted. Here the read and the write run in one transaction that holds the row first
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the transaction's IMMEDIATE begin already takes the
database's write lock), so concurrent increments queue and each sees the one before it.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction

DJANGO_BACKEND = "django.core.cache.backends.db.DatabaseCache"
BACKEND = "lianxin.core.cache.DatabaseCache"


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]  # set by Django, untyped
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        stored_key = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                # The table's name comes from the settings, never from a request.
                cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key = %s{lock}", [stored_key])  # noqa: S608
            return int(super().incr(key, delta, version))
