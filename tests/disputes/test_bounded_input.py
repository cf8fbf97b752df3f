"""Unbounded and disguised input at the dispute ledger (security issue 23, item 7): a 200,000-character
description, a right-to-left override in a party's name, ID and phone numbers typed in full width."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lianxin.disputes.models import Dispute, Party
from lianxin.disputes.serializers import RaiseDemandIn

pytestmark = pytest.mark.django_db
RLO = "\u202e"
HUGE = "争" * 200_000


def register(client, ledger, **kw):
    client.force_login(ledger.mediator)
    data = {"kind": "land", "source": "walk_in", "summary": "宅基地边界争议", "amount": "0",
            "repeat_contacts": "0", "description": "两家争地", "applicant_name": "赵大"} | kw  # fmt: skip
    return client.post(reverse("disputes:register"), data)


def test_a_200000_character_description_is_refused_and_kept_in_the_form(client, ledger):
    r = register(client, ledger, description=HUGE)
    assert r.status_code == 400
    page = r.content.decode()
    assert "不超过 5000 字符 (目前字符数 200000)" in page  # Django's own message, in the user's language
    assert HUGE in page and 'maxlength="5000"' in page
    assert not Dispute.objects.exists()


def test_a_right_to_left_override_in_a_party_name_is_refused(client, ledger):
    r = register(client, ledger, applicant_name=f"赵{RLO}大", respondent_name=f"{RLO}钱二")
    assert r.status_code == 400
    page = r.content.decode()
    assert page.count("姓名中不能含有不可见的控制字符（发现 U+202E）") == 2
    assert "宅基地边界争议" in page
    assert not Party.objects.exists()


def test_the_model_refuses_it_too(ledger):
    dispute = ledger.registered()
    party = Party(town=ledger.town, dispute=dispute, side=Party.Side.RESPONDENT, name=f"李{RLO}四")
    with pytest.raises(ValidationError) as e:
        party.full_clean()
    assert "name" in e.value.message_dict


def test_a_full_width_id_number_and_phone_are_taken_and_stored_in_ascii(client, ledger):
    r = register(
        client,
        ledger,
        applicant_id_number="４１０７２４１９８０ ０１０１ １２３ｘ",
        applicant_phone="１３７００００１１１１",
    )
    assert r.status_code == 302
    party = Party.objects.get()
    assert party.id_number == "41072419800101123X" and party.phone == "13700001111"
    party.refresh_from_db()
    assert party.id_number == "41072419800101123X" and party.phone == "13700001111"


def test_a_wrong_full_width_id_number_is_told_what_is_wrong(client, ledger):
    r = register(client, ledger, applicant_id_number="４１０７２４１９８００１０１１２３")  # 17 characters
    assert r.status_code == 400
    assert "身份证号应为 18 位，现在是 17 位。" in r.content.decode()


def test_the_model_folds_a_full_width_id_number_when_it_is_cleaned(ledger):
    dispute = ledger.registered()
    party = Party(town=ledger.town, dispute=dispute, side=Party.Side.RESPONDENT, name="李四",
                  id_number="４１０７２４１９８００１０１１２３ｘ", phone="１３７００００１１１１")  # fmt: skip
    party.full_clean()
    assert (party.id_number, party.phone) == ("41072419800101123X", "13700001111")


def test_the_api_input_of_a_move_refuses_a_200000_character_description():
    data = RaiseDemandIn(data={"category": 1, "title": "排水沟", "description": HUGE})
    assert not data.is_valid()
    assert "description" in data.errors
