"""Personal data: people's phones encrypted at rest (and migrated), key rotation, anonymising finished demands
after the retention period (worker task and command), and a citizen's own data page and JSON download."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from lianxin.accounts.models import User
from lianxin.audit.models import AuditEntry, Kind
from lianxin.core import fields
from lianxin.demands.models import Demand
from lianxin.people.models import Agent, Deputy, Observer
from lianxin.privacy import services, tasks
from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


@pytest.fixture
def keys(settings):
    """Two fresh keys; the field's cached Fernet is rebuilt for each change and after the test."""

    def use(*k: str) -> None:
        settings.FIELD_ENCRYPTION_KEYS = list(k)
        fields._fernet.cache_clear()

    yield use
    fields._fernet.cache_clear()


# --- encrypted at rest ------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", [Deputy, Observer, Agent])
def test_peoples_phones_are_encrypted_at_rest(model):
    assert isinstance(model._meta.get_field("phone"), fields.EncryptedTextField)


def test_a_deputys_phone_is_ciphertext_in_the_table_and_plain_in_python(town):
    deputy = DeputyFactory(town=town, phone="13712345678")
    stored = raw("people_deputy", "phone", deputy.pk)
    assert stored.startswith("gAAAA") and "13712345678" not in stored
    assert Deputy.objects.get(pk=deputy.pk).phone == "13712345678"


def test_the_data_migration_encrypts_plain_phones_and_can_undo_it(town):
    deputy = DeputyFactory(town=town, phone="")
    with connection.cursor() as cursor:  # a row as the old plain column held it
        cursor.execute("UPDATE people_deputy SET phone = %s WHERE id = %s", ["13787654321", deputy.pk])
    assert fields.encrypt_plain_columns(connection, "people_deputy", "phone") == 1
    assert raw("people_deputy", "phone", deputy.pk).startswith("gAAAA")
    assert Deputy.objects.get(pk=deputy.pk).phone == "13787654321"
    assert fields.encrypt_plain_columns(connection, "people_deputy", "phone") == 0  # idempotent
    assert fields.decrypt_columns(connection, "people_deputy", "phone") >= 1
    assert raw("people_deputy", "phone", deputy.pk) == "13787654321"


def test_an_accounts_phone_is_ciphertext_and_the_sign_in_finds_it_by_its_hash(town):
    from lianxin.accounts.services import citizen_for_phone

    user = UserFactory(town=town, role="citizen", phone="13755556666")
    stored = raw("accounts_user", "phone", user.pk)
    assert stored.startswith("gAAAA") and "13755556666" not in stored
    assert raw("accounts_user", "phone_hash", user.pk) == fields.lookup_hash("13755556666")
    assert citizen_for_phone(town=town, phone="13755556666") == user
    user.phone = "13755557777"
    user.save(update_fields=["phone"])
    assert citizen_for_phone(town=town, phone="13755557777") == user
    assert User.objects.count() == 1


def test_the_account_phone_migration_runs_forwards_and_backwards_on_rows(town, transactional_db):
    """accounts/0007_encrypt_user_phone on a table with a plain phone: hashed and encrypted, and back."""
    user = UserFactory(town=town, role="citizen", phone="13712340000")
    call_command("migrate", "accounts", "0006", verbosity=0)
    assert raw("accounts_user", "phone", user.pk) == "13712340000"
    call_command("migrate", verbosity=0)
    assert raw("accounts_user", "phone", user.pk).startswith("gAAAA")
    assert raw("accounts_user", "phone_hash", user.pk) == fields.lookup_hash("13712340000")
    assert User.objects.get(pk=user.pk).phone == "13712340000"


# --- key rotation -----------------------------------------------------------------------------------------
def test_rotating_keys_reencrypts_everything_with_the_new_key(town, loop, keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    deputy = DeputyFactory(town=town, phone="13711112222")
    citizen = UserFactory(town=town, role="citizen", phone="13900005555")
    demand = loop.recorded(requester_phone="13933334444")
    keys(new, old)  # the new key first: it encrypts; the old one still reads
    assert Deputy.objects.get(pk=deputy.pk).phone == "13711112222"
    out = []
    call_command("rotate_field_keys", stdout=type("W", (), {"write": lambda self, s: out.append(s)})())
    assert "re-encrypted" in out[0]
    keys(new)  # the old key dropped: everything still reads
    assert Deputy.objects.get(pk=deputy.pk).phone == "13711112222"
    assert Demand.objects.get(pk=demand.pk).requester_phone == "13933334444"
    assert User.objects.get(pk=citizen.pk).phone == "13900005555"  # accounts' phones too
    keys(old)  # and the old key alone no longer reads it: it really was rewritten
    assert Deputy.objects.get(pk=deputy.pk).phone == ""
    assert User.objects.get(pk=citizen.pk).phone == ""


# --- anonymising after the retention period --------------------------------------------------------------
def test_finished_demands_lose_their_personal_data_after_the_retention_period(loop, settings):
    settings.DEMAND_RETENTION_DAYS = 365
    closed = loop.closed()
    recent = loop.closed()
    open_demand = loop.recorded()
    Demand.objects.filter(pk=closed.pk).update(closed_at=closed.closed_at - dt.timedelta(days=400))
    Demand.objects.filter(pk=open_demand.pk).update(
        created_at=open_demand.created_at - dt.timedelta(days=900)
    )
    assert tasks.anonymise_closed_demands.call_local() == 1
    closed = Demand.objects.get(pk=closed.pk)
    assert (closed.requester_name, closed.requester_phone, closed.requester_phone_hash) == ("", "", "")
    assert closed.requester_id is None and closed.title and closed.status == "closed"
    assert Demand.objects.get(pk=recent.pk).requester_phone == "13900001234"
    assert Demand.objects.get(pk=open_demand.pk).requester_phone == "13900001234"
    [entry] = AuditEntry.objects.filter(kind=Kind.RETENTION)
    assert entry.details["demands"] == 1 and entry.user_label == "worker"
    assert services.personal_data_anonymise() == 0  # nothing left to do


def test_the_command_counts_then_anonymises(loop, settings, capsys):
    settings.DEMAND_RETENTION_DAYS = 30
    closed = loop.closed()
    Demand.objects.filter(pk=closed.pk).update(closed_at=closed.closed_at - dt.timedelta(days=31))
    call_command("anonymise_demands", "--dry-run")
    assert "1 demands due" in capsys.readouterr().out
    assert Demand.objects.get(pk=closed.pk).requester_phone
    call_command("anonymise_demands")
    assert "1 demands anonymised" in capsys.readouterr().out
    assert Demand.objects.get(pk=closed.pk).requester_phone == ""


# --- the citizen's own data -------------------------------------------------------------------------------
def test_a_citizen_sees_and_downloads_what_the_town_holds(client, loop):
    demand = loop.recorded()
    other = loop.recorded(requester=None, recorded_by=loop.presidium, requester_phone="13955556666")
    client.force_login(loop.citizen)
    url = reverse("privacy:my_data", args=[loop.town.code])
    page = client.get(url)
    assert page.status_code == 200 and demand.code in page.content.decode()
    assert other.code not in page.content.decode()
    assert url in client.get(reverse("portal:mine", args=[loop.town.code])).content.decode()
    download = client.get(url, {"format": "json"})
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    data = json.loads(download.content)
    assert data["account"]["phone"] == "13900001234"
    assert [d["code"] for d in data["demands"]] == [demand.code]
    assert data["demands"][0]["requester_phone"] == "13900001234"
    assert AuditEntry.objects.filter(kind=Kind.EXPORT, action="my_data", user_id=loop.citizen.pk).exists()


def test_another_towns_page_or_no_account_shows_nothing(client, loop, other_town):
    url = reverse("privacy:my_data", args=[other_town.code])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(loop.citizen)
    assert client.get(url).status_code == 404


def test_the_phone_migration_runs_forwards_and_backwards_on_rows(town, transactional_db):
    """people/0004 on a table with rows, both ways (SQLite rebuilds the tables: the same-town triggers that
    read them are dropped first and installed again by post_migrate)."""
    from django.core.management import call_command

    deputy = DeputyFactory(town=town, phone="13712345678")
    call_command("migrate", "people", "0003", verbosity=0)
    assert raw("people_deputy", "phone", deputy.pk) == "13712345678"
    call_command("migrate", verbosity=0)
    assert raw("people_deputy", "phone", deputy.pk).startswith("gAAAA")
    assert Deputy.objects.get(pk=deputy.pk).phone == "13712345678"


def test_anonymising_removes_the_citizens_photos_and_keeps_the_evidence(
    loop, settings, tmp_path, django_capture_on_commit_callbacks
):
    import io

    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from lianxin.core.uploads import clean_photo
    from lianxin.demands.models import Attachment

    def photo() -> object:
        out = io.BytesIO()
        Image.new("RGB", (8, 8), (0, 128, 0)).save(out, format="PNG")
        return clean_photo(SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png"))

    settings.MEDIA_ROOT = tmp_path
    settings.DEMAND_RETENTION_DAYS = 365
    closed = loop.closed(attachments=[photo()])
    Attachment.objects.create(
        town=loop.town, demand=closed, kind=Attachment.Kind.EVIDENCE, file=photo(), name="e"
    )
    sent, evidence = closed.attachments.get(kind="submitted"), closed.attachments.get(kind="evidence")
    assert default_storage.exists(sent.file.name)
    Demand.objects.filter(pk=closed.pk).update(closed_at=closed.closed_at - dt.timedelta(days=400))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.personal_data_anonymise() == 1
    assert list(closed.attachments.values_list("kind", flat=True)) == ["evidence"]
    assert not default_storage.exists(sent.file.name) and default_storage.exists(evidence.file.name)
    assert AuditEntry.objects.get(kind=Kind.RETENTION).details["attachments"] == 1
    assert services.personal_data_anonymise() == 0


def test_the_presidium_sees_personal_data_in_full_only_through_an_audited_reveal(client, loop):
    demand = loop.claimed()
    client.force_login(loop.presidium)
    r = client.get(reverse("demands:detail", args=[demand.code]))
    assert "13900001234" not in r.content.decode(), "masked by default, for the presidium too"
    assert not AuditEntry.objects.filter(kind=Kind.REVEAL).exists()
    r = client.post(reverse("demands:reveal_phone", args=[demand.code]), {"reason": "核实诉求"})
    assert "13900001234" in r.content.decode()
    [entry] = AuditEntry.objects.filter(kind=Kind.REVEAL)
    assert (entry.action, entry.object_id, entry.user_id, entry.reason) == (
        "reveal",
        str(demand.pk),
        loop.presidium.pk,
        "核实诉求",
    )
