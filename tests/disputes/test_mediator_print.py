"""Issue 26, point 1: the dispute's mediator prints the agreement the parties sign with their names and
phones in full (each print on the audit trail), reveals the phones for the follow-up call with a reason, and
ticks the parties who accept by side and name, never by a database id. Everyone else reads them masked."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lianxin.audit.models import AuditEntry
from lianxin.disputes.models import Status

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_its_mediator_prints_the_signing_copy_and_each_print_is_recorded(client, ledger):
    dispute = ledger.at(Status.AGREED)
    client.force_login(ledger.mediator)
    page = client.get(reverse("disputes:detail", args=[dispute.code])).content.decode()
    assert "打印协议书供当事人签字" in page or "Print the agreement for signing" in page
    response = client.get(reverse("disputes:agreement", args=[dispute.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "张建国" in text and "13812345678" in text and "李红梅" in text and "13987654321" in text
    (entry,) = AuditEntry.objects.filter(kind="reveal")
    assert (entry.user_id, entry.action, entry.object_id) == (
        ledger.mediator.pk,
        "agreement_printed",
        str(dispute.pk),
    )
    assert entry.reason, "the print says why it showed the parties"
    client.get(reverse("disputes:agreement", args=[dispute.code]))
    assert AuditEntry.objects.filter(kind="reveal").count() == 2


@pytest.mark.parametrize("who", ["other_mediator", "presidium", "deputy_user", "county"])
def test_everyone_else_prints_the_parties_masked(client, ledger, who):
    dispute = ledger.at(Status.AGREED)
    client.force_login(getattr(ledger, who))
    response = client.get(reverse("disputes:agreement", args=[dispute.code]))
    if response.status_code == 404:  # outside what this reader reads at all
        return
    text = pdf_text(response)
    assert "张**" in text and "张建国" not in text and "13812345678" not in text
    assert not AuditEntry.objects.filter(kind="reveal").exists()


def test_its_mediator_reveals_the_phones_for_the_follow_up_call_with_a_reason(client, ledger):
    dispute = ledger.at(Status.AGREED)
    client.force_login(ledger.mediator)
    page = client.get(reverse("disputes:detail", args=[dispute.code])).content.decode()
    assert "13812345678" not in page and "data-reveal" in page
    shown = client.post(reverse("disputes:reveal", args=[dispute.code]), {"reason": "回访履行情况"})
    assert shown.status_code == 200
    assert 'href="tel:13812345678"' in shown.content.decode()
    (entry,) = AuditEntry.objects.filter(kind="reveal")
    assert (entry.user_id, entry.reason) == (ledger.mediator.pk, "回访履行情况")
    # another mediator of the town may not
    client.force_login(ledger.other_mediator)
    assert client.post(reverse("disputes:reveal", args=[dispute.code]), {"reason": "x"}).status_code == 403


def test_the_agreement_form_names_the_parties_by_side_and_name(client, ledger):
    dispute = ledger.at(Status.MEDIATING)
    ids = [str(p.pk) for p in dispute.parties.all()]
    for who in ("mediator", "presidium"):
        client.force_login(getattr(ledger, who))
        html = client.get(reverse("disputes:detail", args=[dispute.code])).content.decode()
        labels = re.findall(r'<label for="id_agree-accepted_\d+">.*?</label>', html, re.S)
        text = " ".join(" ".join(re.sub(r"<[^>]+>", " ", label).split()) for label in labels)
        assert "申请人 张** 138****5678" in text and "被申请人 李** 139****4321" in text, text
        assert not any(re.search(rf"申请人 {i}\b", text) for i in ids), text
        assert "张建国" not in html, "names stay masked on the page until revealed"
