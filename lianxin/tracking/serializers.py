"""The API's input for each move of a tracked item (field names are the services' keyword arguments)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ResultIn(serializers.Serializer[Any]):
    result = serializers.CharField(max_length=4000)


class NoteIn(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ProgressIn(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=4000)


class ReasonIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=4000)


class DeadlineIn(serializers.Serializer[Any]):
    due_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=4000)


class ReturnIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=4000)
    due_at = serializers.DateTimeField()
