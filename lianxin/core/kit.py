"""One registry per app: what an app adds to the shared kit, filled in its ``AppConfig.ready()``.

Each app owns one ``AppKit`` (``kit("demands")``). Its slots are plain lists of what the app contributes:
move tables, notice tables, the kinds that name deputies, panels it shows on another app's page, API routes, exports,
retention rules, jobs. The readers (the notice engine, the duty record, the demand page, the API router,
privacy, the job app) iterate ``everywhere(slot)`` and never import the contributing app, so the import
graph runs from the domain apps down to ``core`` and the engines, never back up.

    def ready(self) -> None:
        from lianxin.core.kit import kit
        from . import notices, panels
        k = kit(self.label)
        k.notices.extend(notices.TABLE)
        k.panels.append(panels.SUGGESTION)

A slot that no reader knows is refused, so a typo fails at start-up, not silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any

SLOTS = (
    "workflows",  # core.workflow.Workflow tables
    "scopes",  # (model, action) pairs whose core.scopes rule this app registered
    "notices",  # notify's notice tables (event kind → audience → words)
    "deputy_kinds",  # event kinds whose data["deputies"] names deputies (each needs a duty source)
    "panels",  # core.kit.Panel: a fragment this app shows on another app's detail page
    "suggesters",  # what a host's forms ask of an adviser app (intake: the recording form, the department)
    "api_routes",  # (prefix, viewset, basename) for the REST router
    "exports",  # exports.registry.Export
    "retention",  # privacy: callables that anonymise this app's personal data past its term
    "jobs",  # job kinds this app runs in the worker
    "lights",  # models with a deadline the one sweep recolours
    "channels",  # notify's delivery channels (in-app, SMS, e-mail, webhook; later gateways and group robots)
    "links",  # core.notices.CitizenLink: how a citizen reaches an object (the app owning their page adds it)
    "waiting",  # callables (user, at) → [core.notices.Waiting]: what waits for a person (the daily digest)
    "desk",  # callables (user, at) → [core.kit.DeskLine]: what needs the office now (the presidium's home)
    "figures",  # callables (towns, start, end) → {key: value}: an app's figures for the office's reports
)


@dataclass
class AppKit:
    """What one app adds to the kit. Every slot is a list; order is registration order."""

    label: str
    workflows: list[Any] = field(default_factory=list)
    scopes: list[Any] = field(default_factory=list)
    notices: list[Any] = field(default_factory=list)
    deputy_kinds: list[Any] = field(default_factory=list)
    panels: list[Any] = field(default_factory=list)
    suggesters: list[Any] = field(default_factory=list)
    api_routes: list[Any] = field(default_factory=list)
    exports: list[Any] = field(default_factory=list)
    retention: list[Any] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)
    lights: list[Any] = field(default_factory=list)
    channels: list[Any] = field(default_factory=list)
    links: list[Any] = field(default_factory=list)
    waiting: list[Any] = field(default_factory=list)
    desk: list[Any] = field(default_factory=list)
    figures: list[Any] = field(default_factory=list)

    def add(self, slot: str, *items: Any) -> None:
        """Append items to a slot, keeping one of each (an app's ``ready()`` may run twice in tests)."""
        if slot not in SLOTS:
            raise KeyError(f"{self.label}: no kit slot {slot!r} (known: {', '.join(SLOTS)})")
        held = getattr(self, slot)
        for item in items:
            if item not in held:
                held.append(item)


assert tuple(f.name for f in fields(AppKit) if f.name != "label") == SLOTS

_KITS: dict[str, AppKit] = {}


def kit(label: str) -> AppKit:
    """The registry of the app with this label, made on first use."""
    if label not in _KITS:
        _KITS[label] = AppKit(label)
    return _KITS[label]


def everywhere(slot: str) -> Iterator[tuple[str, Any]]:
    """Every app's entries of one slot, as (app label, entry), in the order the apps registered."""
    if slot not in SLOTS:
        raise KeyError(f"no kit slot {slot!r}")
    for label, app in _KITS.items():
        for item in getattr(app, slot):
            yield label, item


@dataclass(frozen=True)
class Panel:
    """A fragment an app shows on another app's detail page (the demand page shows the dispute link, the
    suggestion, the intake suggestion, the tracked items). ``on`` is the host's ``"app.Model"``; ``render``
    takes (request, obj) and returns HTML (or "" for nothing); ``order`` places it among the host's panels."""

    name: str
    on: str
    render: Any
    order: int = 100


@dataclass(frozen=True)
class DeskLine:
    """One line of the presidium's desk (the portal's home): how many of something need the office now, and
    the list that shows exactly those. ``order`` places it; ``urgent`` paints a non-zero count red. Each
    app's provider answers its lines in one or two queries, scoped to the reader's town."""

    key: str
    label: Any
    count: int
    url: str
    order: int = 100
    urgent: bool = False


def desk_lines(user: Any, at: Any) -> list[DeskLine]:
    """Every app's desk lines for this reader, in order."""
    lines = [line for _, provider in everywhere("desk") for line in provider(user, at)]
    return sorted(lines, key=lambda line: (line.order, line.key))


def panels_for(model_label: str) -> list[Panel]:
    """The panels registered for a host model, in order."""
    found = [p for _, p in everywhere("panels") if p.on == model_label]
    return sorted(found, key=lambda p: (p.order, p.name))
