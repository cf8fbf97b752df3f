"""Print the proof's figures and keep them in docs/reliability.md: ``python -m tests.proof.report
[--seconds N] [--database NAME]``. The table goes between the two markers, so a rerun replaces it."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from typing import Any

from .figures import ROOT, read_all

DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- proof-figures:start -->", "<!-- proof-figures:end -->"


def _get(f: dict[str, dict[str, Any]], name: str, key: str) -> Any:
    return f.get(name, {}).get(key, "not run")


def rows(f: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(what, figure, must be)."""
    up = f.get("uploads", {})
    scan = f.get("scan", {})
    kill = f.get("kill", {})
    return [
        (
            "REST API fuzzed (schemathesis cases, 5xx)",
            f"{_get(f, 'fuzz_rest', 'cases')} cases, {_get(f, 'fuzz_rest', 'server_errors')} 5xx",
            "0 5xx",
        ),
        (
            "Open311 fuzzed (schemathesis cases, 2xx, 5xx)",
            f"{_get(f, 'fuzz_open311', 'cases')} cases, {_get(f, 'fuzz_open311', 'ok')} 2xx, "
            f"{_get(f, 'fuzz_open311', 'server_errors')} 5xx",
            "0 5xx",
        ),
        (
            "Retried submissions (REST, Open311, mobile form, staff form)",
            f"{_get(f, 'retries', 'submissions')} submissions sent {_get(f, 'retries', 'requests')} times → "
            f"{_get(f, 'retries', 'demands')} demands, {_get(f, 'retries', 'duplicates')} duplicates",
            "0 duplicates",
        ),
        (
            "Concurrent claimants on PostgreSQL",
            f"{_get(f, 'claims', 'rounds')} rounds × {_get(f, 'claims', 'claimants')} claimants, "
            f"{_get(f, 'claims', 'double_claims')} double claims",
            "0 double claims",
        ),
        (
            "PostgreSQL killed (kill -9) during a burst of submissions",
            (
                f"{kill['kills']} kills, {kill['acknowledged']} acknowledged of {kill['sent']} sent, "
                f"{kill['lost']} lost, {kill['duplicated']} duplicated, {kill['half_written']} half-written"
            )
            if kill
            else "not run (./dev proof --kill-db)",
            "0 lost, 0 half-written",
        ),
        (
            "Hostile uploads on every upload path",
            (
                f"{up['refused']}/{up['hostile']} refused with a 4xx and a message on {up['paths']} paths "
                f"({up.get('audio_hostile', 0)} hostile audio files on {up.get('audio_paths', 0)} voice-note "
                f"paths), {up['stored']} stored; {up['cleaned']}/{up['cleaned_total']} harmless-content files "
                "kept only as cleaned copies"
            )
            if up
            else "not run",
            "all refused, 0 stored",
        ),
        (
            "Responses scanned for names, phones and ID numbers shown in full without a recorded reveal",
            (
                f"{scan['responses']} responses and {scan.get('reveals', 0)} reveals for {scan['roles']} "
                f"principals, {scan['leaks']} leaks"
            )
            if scan
            else "not run",
            "0 leaks",
        ),
    ]


def table(f: dict[str, dict[str, Any]]) -> str:
    lines = ["| Proof | Last run | Must be |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows(f)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--database", default="")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    f = read_all()
    text = table(f)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    about = f"Last run: {when}" + (f", {args.database}" if args.database else "")
    if args.seconds is not None:
        about += f", {args.seconds:.0f} s"
    print(f"\n{about}\n\n{text}\n")
    leaks = f.get("scan", {}).get("leak_list") or []
    for leak in leaks:
        print(f"LEAK {leak}")
    if not args.no_write and DOC.exists():
        doc = DOC.read_text()
        block = f"{START}\n{about}.\n\n{text}\n{END}"
        doc = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, doc, flags=re.S)
        DOC.write_text(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
