"""How long each kind of free text may be: one table, read by the models, the forms, the API and the importers.

The database keeps ``text`` columns unbounded (PostgreSQL has no cost for that); these limits are checked
where input arrives, so a 200,000-character paste is refused with a message rather than stored. They are
generous for what people write here: a long demand in Chinese runs to a few hundred characters.
"""

from __future__ import annotations

NAME = 50  # a person's name: a requester, a party, a deputy, a contact person
PHONE = 20  # a phone number as typed (spaces, dashes, +86 before they are folded)
ID_NUMBER = 18  # a resident identity card number (GB 11643): 17 digits and a digit or X
ADDRESS = 200  # an address or a place
REASON = 2000  # a reason, a remark, a note on a move, a comment
TEXT = 5000  # a description, minutes, terms, findings, a result report, a public text

# The table docs/security.md lists, by name.
ALL = {
    "NAME": NAME,
    "PHONE": PHONE,
    "ID_NUMBER": ID_NUMBER,
    "ADDRESS": ADDRESS,
    "REASON": REASON,
    "TEXT": TEXT,
}
