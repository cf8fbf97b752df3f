"""Which towns a principal may read. Every scope (``Model.objects.restrict``) starts here.

The answer is core's (``core/access.py``: tenancy is core's), named here for the apps that ask it of accounts.
"""

from __future__ import annotations

from lianxin.core.access import towns_visible_to as towns_visible_to
