"""The machinery of the access matrix: the principals, a row of the table, and how an answer is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- principals ----------------------------------------------------------------------------------------------
# Everyone of town A (the admins have no town), in the order the failures are printed.
PRINCIPALS = (
    "anon",
    "citizen",
    "observer",
    "agent",
    "deputy",
    "staff",  # department staff of the department the demand is assigned to
    "other_staff",  # department staff of another department of the town
    "mediator",
    "presidium",
    "county",  # county viewer of town A's county (town B is in another county)
    "apikey",  # the town's API key, as `Authorization: Bearer <key>`
    "system_admin",
    "security_admin",
    "audit_admin",
)
ADMINS = frozenset({"system_admin", "security_admin", "audit_admin"})
FIELD = frozenset({"citizen", "observer", "agent"})
STAFF = frozenset({"deputy", "staff", "other_staff", "mediator", "presidium", "county"})  # VIEW_TOWN
EVERYONE = frozenset(PRINCIPALS)
SIGNED_IN = EVERYONE - {"anon", "apikey"}

# --- outcomes ------------------------------------------------------------------------------------------------
OK = "ok"  # 2xx, or a redirect that is not to a sign-in page
LOGIN = "login"  # a redirect to the sign-in page (the site's or the admin's)
BAD = "400"  # allowed through, the (empty) input refused
DENIED = "403"
HIDDEN = "404"
NO_METHOD = "405"
UNAUTHENTICATED = "401"


def outcome(response: Any) -> str:
    code = response.status_code
    if 300 <= code < 400:
        where = response.get("Location", "")
        return LOGIN if "/login/" in where else OK
    if 200 <= code < 300:
        return OK
    return str(code)


@dataclass(frozen=True)
class Ref:
    """A URL argument taken from one of the town's objects (``world.Place.objects``)."""

    key: str
    attr: str = "pk"


@dataclass(frozen=True)
class Row:
    """What each principal gets from one URL (by its name) and method.

    ``allow`` get ``ok`` (default: a 2xx or a redirect to the page's own next step); everyone else is denied:
    ``anon`` gets ``anon`` (default: the sign-in page), the API key ``key`` (default: the same as ``anon``, a
    page ignores the header), the others ``deny`` (default 403); ``special`` names exceptions. With another
    town's objects in the URL, those allowed get ``other`` (default 404) and the rest stay denied.
    """

    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    allow: frozenset[str] = frozenset()
    method: str = "GET"
    query: str = ""
    ok: str = OK
    anon: str = LOGIN
    key: str | None = None
    deny: str = DENIED
    special: dict[str, str] = field(default_factory=dict)
    other: str | None = HIDDEN  # None: the URL names no town's object (or the object is public)
    api: bool = False  # a DRF view: send JSON
    # A page the same for everyone and about no one (the API's own documentation): asked anonymously only.
    once: bool = False
    across: frozenset[str] = (
        frozenset()
    )  # allowed who read every town's (the system administrator's reference data)

    def expected(self, principal: str) -> str:
        if principal in self.special:
            return self.special[principal]
        if principal in self.allow:
            return self.ok
        if principal == "anon":
            return self.anon
        if principal == "apikey":
            return self.key or self.anon
        return self.deny

    @property
    def refs(self) -> bool:
        return self.other is not None and any(isinstance(v, Ref) for v in self.kwargs.values())


def row(name: str, allow: frozenset[str] | set[str] = frozenset(), **kw: Any) -> Row:
    """``row("demands:detail", STAFF, code=Ref("demand", "code"))``: kwargs that are not Row fields are the
    URL's arguments."""
    fields = set(Row.__dataclass_fields__)
    url_kwargs = {k: v for k, v in kw.items() if k not in fields}
    own = {k: v for k, v in kw.items() if k in fields}
    if "across" in own:
        own["across"] = frozenset(own["across"])
    return Row(name=name, kwargs=url_kwargs, allow=frozenset(allow), **own)
