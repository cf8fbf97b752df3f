"""An SMS backend that keeps messages in memory, so tests read the code a citizen would receive."""

from __future__ import annotations

import re

SENT: list[dict[str, str]] = []


class MemorySMSBackend:
    def send(self, *, to: str, subject: str, body: str) -> None:
        SENT.append({"to": to, "subject": subject, "body": body})


def last_code(to: str) -> str:
    for msg in reversed(SENT):
        if msg["to"] == to and (m := re.search(r"\b(\d{6})\b", msg["body"])):
            return m.group(1)
    raise AssertionError(f"no code was sent to {to}")


def last_sms_text(to: str) -> str:
    """Subject and body of every text sent to ``to``, newest last (the receipt, the notices)."""
    return "\n".join(f"{m['subject']} {m['body']}" for m in SENT if m["to"] == to)
