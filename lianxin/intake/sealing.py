"""The seal on a stored intake model: an HMAC-SHA256 over the pickled pipeline, keyed by a secret that is not
in the database (``INTAKE_MODEL_KEY``, or one derived from ``SECRET_KEY``).

Unpickling runs code, so a model row's bytes are unpickled only after its seal is checked: someone who can
write the database but not read the settings cannot plant a pickle that runs. The seal also names the
town and the version, so one town's model cannot be copied into another's row.

Stored form: ``MAGIC`` + the 32-byte tag + the pickle (joblib) bytes.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac

MAGIC = b"LXIM1\n"
TAG_BYTES = 32
_SALT = "lianxin.intake.model"


class Refused(ValueError):
    """The bytes carry no seal, or a seal this installation's key did not make."""


def _secret() -> str:
    return getattr(settings, "INTAKE_MODEL_KEY", "") or settings.SECRET_KEY


def _tag(payload: bytes, *, town_id: int, version: int) -> bytes:
    mac = salted_hmac(_SALT, b"", secret=_secret(), algorithm="sha256")
    mac.update(f"{town_id}:{version}\n".encode())
    mac.update(payload)
    return mac.digest()


def seal(payload: bytes, *, town_id: int, version: int) -> bytes:
    return MAGIC + _tag(payload, town_id=town_id, version=version) + payload


def unseal(stored: bytes, *, town_id: int, version: int) -> bytes:
    """The payload, once its seal is confirmed; ``Refused`` otherwise (nothing of the payload is read)."""
    if not stored.startswith(MAGIC) or len(stored) < len(MAGIC) + TAG_BYTES:
        raise Refused("not signed")
    tag, payload = stored[len(MAGIC) : len(MAGIC) + TAG_BYTES], stored[len(MAGIC) + TAG_BYTES :]
    if not hmac.compare_digest(tag, _tag(payload, town_id=town_id, version=version)):
        raise Refused("wrong signature")
    return payload
