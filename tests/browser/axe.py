"""An accessibility check for the browser tests: axe-core (npm, installed by ``./dev setup`` into
``node_modules``) run in the page, failing on any WCAG 2.1 A or AA violation.

Call ``axe_clean(page)`` once a page has loaded (and after anything that changes it a lot: an error shown,
a section opened). The script is evaluated through the DevTools protocol, so the site's CSP, which rightly
allows no inline script, does not stop it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules axe-core ships as experimental, which the WCAG tags alone leave out: a visible label that is not
# part of the accessible name (WCAG 2.5.3, "label in name") is what speech-input users stumble on.
EXTRA_RULES = {"label-content-name-mismatch": {"enabled": True}}

RUN = """([tags, rules]) => axe.run(document, {
    runOnly: {type: 'tag', values: tags}, rules: rules, resultTypes: ['violations'],
}).then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary),
})))"""


@cache
def _source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run ./dev setup (it installs the npm packages)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    return page.evaluate(RUN, [WCAG_21_AA, EXTRA_RULES])


def axe_clean(page: Any) -> None:
    """Fail with a readable list if axe-core finds a WCAG 2.1 AA violation on the page."""
    found = violations(page)
    if found:
        lines = [f"{page.url}: {len(found)} WCAG 2.1 AA violation(s)"]
        for v in found:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    {n}" for n in v["nodes"][:8])
        raise AssertionError("\n".join(lines))
