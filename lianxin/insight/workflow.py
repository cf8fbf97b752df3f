"""The moves of an early warning, as one table (see ``core.workflow``).

open ──dismiss──▶ dismissed
  ├──make_proactive──▶ proactive   (未诉先办: a tracked item of lianxin/tracking, under the lights)
  ├──make_topic──▶ topic            (每月一题: the effect is the volume before and after)
  (detect, redetect: steps written by the scan)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianxin.core.workflow import Move, Step, Workflow

from . import forms as f
from . import permissions as p
from . import serializers as s
from . import services
from .events import WarningEventKind as E
from .models import EarlyWarning, EarlyWarningEvent
from .models import WarningStatus as S

# fmt: off
WORKFLOW = Workflow(
    model=EarlyWarning,
    events=EarlyWarningEvent,
    subject="warning",
    kinds=E,
    moves=[
        Move(E.DISMISS, (S.OPEN,), S.DISMISSED, p.acts_on_insight, services.warning_dismiss,
             f.DismissForm, s.DismissIn, _("dismiss"), _("Dismissed"),
             requires_reason=True, why=_("Say why this warning is dismissed.")),
        Move(E.MAKE_PROACTIVE, (S.OPEN,), S.PROACTIVE, p.acts_on_insight, services.warning_make_proactive,
             f.ProactiveForm, s.ProactiveIn, _("turn into a proactive item"), _("Turned into a proactive item")),
        Move(E.MAKE_TOPIC, (S.OPEN,), S.TOPIC, p.acts_on_insight, services.warning_make_topic,
             f.TopicForm, s.TopicIn, _("make a monthly topic"), _("Made a monthly topic")),
    ],
    steps=[Step(E.DETECT, _("Detected")), Step(E.REDETECT, _("Detected again")), Step(E.END, _("Rise ended"))],
)
# fmt: on
