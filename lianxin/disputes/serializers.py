"""Shapes of the dispute ledger in the REST API (read-only). Parties leave masked for every reader; the
full values only answer a reveal (``POST …/reveal/``, audited); the move tables name an input serializer per move, for an API that makes moves later."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lianxin.core import limits
from lianxin.core.masking import mask_id_number, mask_name, mask_phone

from . import risk
from .models import Dispute, Party, ReferredTo, Session


class PartyOut(serializers.ModelSerializer[Party]):
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Party
        fields = ["side", "name", "phone", "id_number", "accepts_agreement"]

    def _plain(self, party: Party) -> bool:
        return bool(self.context.get("revealed"))  # set only by the reveal action, after it was recorded

    def get_name(self, party: Party) -> str:
        return party.name if self._plain(party) else mask_name(party.name)

    def get_phone(self, party: Party) -> str:
        return party.phone if self._plain(party) else mask_phone(party.phone)

    def get_id_number(self, party: Party) -> str:
        return party.id_number if self._plain(party) else mask_id_number(party.id_number)


class DisputeOut(serializers.ModelSerializer[Dispute]):
    town = serializers.CharField(source="town.code", read_only=True)
    cell = serializers.CharField(source="cell.code", default=None, read_only=True)
    station = serializers.CharField(source="station.name", default=None, read_only=True)
    parties = PartyOut(many=True, read_only=True)
    risk_reasons = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "code", "town", "status", "kind", "source", "summary", "cell", "station", "amount", "risk",
            "risk_points", "risk_reasons", "petition_risk", "referred_to", "parties", "created_at",
            "resolved_at", "closed_at",
        ]  # fmt: skip

    def get_risk_reasons(self, dispute: Dispute) -> list[str]:
        return [risk.reason_text(r) for r in dispute.risk_reasons]


class SessionOut(serializers.ModelSerializer[Session]):
    dispute = serializers.CharField(source="dispute.code", read_only=True)
    supervisor = serializers.CharField(source="supervisor.name", default=None, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "dispute",
            "held_at",
            "place",
            "supervisor",
            "supervisor_remarks",
            "minutes",
            "outcome",
        ]


# --- inputs named by the move tables ---------------------------------------------------------------
class NoInput(serializers.Serializer[Any]):
    pass


class NoteIn(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=limits.REASON, required=False, allow_blank=True)


class ReasonIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=limits.REASON)


class AcceptIn(NoteIn):
    mediator = serializers.IntegerField(required=False)


class SessionIn(serializers.Serializer[Any]):
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=80)
    supervisor = serializers.IntegerField(required=False)
    supervisor_remarks = serializers.CharField(max_length=limits.TEXT, required=False, allow_blank=True)
    minutes = serializers.CharField(max_length=limits.TEXT)
    outcome = serializers.ChoiceField(choices=Session.Outcome.choices)


class AgreeIn(serializers.Serializer[Any]):
    terms = serializers.CharField(max_length=limits.TEXT)
    follow_up_due = serializers.DateField()
    accepted = serializers.ListField(child=serializers.IntegerField())


class ReferIn(NoteIn):
    to = serializers.ChoiceField(choices=ReferredTo.choices)


class FollowUpIn(serializers.Serializer[Any]):
    result = serializers.CharField(max_length=limits.TEXT)
    kept = serializers.BooleanField(default=True)


class ReassessIn(NoteIn):
    amount = serializers.IntegerField(min_value=0)
    repeat_contacts = serializers.IntegerField(min_value=0)
    threats = serializers.BooleanField(default=False)


class RaiseDemandIn(serializers.Serializer[Any]):
    category = serializers.IntegerField()
    title = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=limits.TEXT)


class HoldIn(serializers.Serializer[Any]):
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=80)
    deputies = serializers.ListField(child=serializers.IntegerField(), required=False)
    participants = serializers.CharField(max_length=limits.TEXT)
    positions = serializers.CharField(max_length=limits.TEXT)
    conclusion = serializers.CharField(max_length=limits.TEXT)


class TaskIn(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    department = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    supervisor = serializers.IntegerField(required=False)
    details = serializers.CharField(max_length=limits.TEXT, required=False, allow_blank=True)
