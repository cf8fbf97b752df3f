"""An in-app message to a group is one outbox row, delivered as one notification to each member."""

from __future__ import annotations

import pytest

from lianxin.notify.models import Notification, OutboxMessage
from lianxin.notify.services import notify, outbox_deliver

pytestmark = pytest.mark.django_db


def test_a_group_is_one_row_and_each_member_gets_the_notification(persona, town):
    deputies = [persona("deputy", phone=f"1390000000{i}") for i in range(3)]
    notify(town_id=town.pk, users=[*deputies, deputies[0]], subject="新诉求", body="路灯", sms=True)
    inapp = OutboxMessage.objects.get(channel="inapp")
    assert sorted(inapp.recipient_ids) == sorted(d.pk for d in deputies)  # each once
    assert OutboxMessage.objects.filter(channel="sms").count() == 3  # a text has its own address each
    outbox_deliver()
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(d.pk for d in deputies)
