"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) plus the ``servicerequestupdates`` extension.

Services are the town's demand categories, requests are demands (``service_request_id`` is the tracking
code), ``status`` is open or closed with our detailed state in ``status_notes``, and
``agency_responsible`` is the department the demand was assigned to. The jurisdiction is the town
(``jurisdiction_id`` = town code; an ``api_key`` implies its town).

Who sees what: anyone may read the services and the public view of the requests published on the public
board (the board's redacted text, location only to the grid cell); a tracking code opens the citizen's
page, so others are never listed without a key. An ``api_key`` reads its town's requests in full and
files new ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from rest_framework import status as http
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.accounts.services import clean_mobile
from lianxin.board.scopes import PUBLIC
from lianxin.core import clock, limits
from lianxin.core.ids import parse_id
from lianxin.core.models import Town
from lianxin.core.routers import reads_from_replica
from lianxin.core.validators import validate_person_name
from lianxin.demands import codes
from lianxin.demands import services as demand_services
from lianxin.demands.models import Category, Demand, DemandEvent, Urgency
from lianxin.demands.states import TERMINAL, Status
from lianxin.demands.workflow import INTERNAL
from lianxin.territory.models import GridCell

from .idempotency import idempotent
from .models import ApiKey
from .renderers import Open311JSONRenderer, Open311XMLRenderer
from .scopes import STATUS_BY_ID
from .services import api_key_authenticate

SPEC = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000


class Open311Error(APIException):
    def __init__(self, status_code: int, description: str) -> None:
        self.status_code = status_code
        super().__init__(description)


def _field(d: Any, key: str, limit: int) -> str:
    """A text field of the request, trimmed; longer than ``limit`` is a 400 (never cut and stored)."""
    value = str(d.get(key) or "").strip()
    if len(value) > limit:
        raise Open311Error(
            400, _("%(field)s is longer than %(limit)d characters.") % {"field": key, "limit": limit}
        )
    return value


# --- mapping --------------------------------------------------------------------------------------
def request_status(demand: Demand) -> str:
    return "closed" if demand.status in TERMINAL else "open"


def status_notes(demand: Demand, *, full: bool = True) -> str:
    notes = str(Status(demand.status).label)
    if demand.outcome:
        notes += f" · {demand.get_outcome_display()}"
    if full and demand.closing_note:
        notes += f" · {demand.closing_note}"
    return notes


def w3c(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).replace(microsecond=0).isoformat() if moment else None


ATTRIBUTES: list[dict[str, Any]] = [
    {
        "code": "urgency",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "How urgent the matter is (sets the department's time limit).",
        "values": [(u.value, u.label) for u in Urgency],
    },
    {
        "code": "title",
        "datatype": "string",
        "required": False,
        "description": "A one-line summary, up to 80 characters (default: the start of the description).",
        "values": [],
    },
]


def service_dict(category: Category) -> dict[str, Any]:
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": f"{category.get_domain_display()} · {category.name}",
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords.replace("，", ",").replace(" ", ","),
        "group": str(category.get_domain_display()),
    }


def service_definition(category: Category) -> dict[str, Any]:
    return {
        "service_code": str(category.pk),
        "attributes": [
            {
                "variable": True,
                "code": a["code"],
                "datatype": a["datatype"],
                "required": a["required"],
                "datatype_description": "",
                "order": i + 1,
                "description": a["description"],
                "values": [{"key": k, "name": str(n)} for k, n in a["values"]],
            }
            for i, a in enumerate(ATTRIBUTES)
        ],
    }


def request_dict(demand: Demand, *, full: bool) -> dict[str, Any]:
    """One request. ``full`` (a key of the town): description and exact location; else the public view,
    which only a published demand has (see ``_demands``): the board's redacted words, the cell."""
    assignment = getattr(demand, "assignment", None)
    cell = demand.cell
    if full:
        lat, lng, address = demand.lat, demand.lng, demand.address or (cell.name if cell else "")
    else:
        lat = cell.centroid_lat if cell else None
        lng = cell.centroid_lng if cell else None
        address = cell.name if cell else ""
    updated = getattr(demand, "updated_at", None) or demand.closed_at or demand.created_at
    return {
        "service_request_id": demand.code,
        "status": request_status(demand),
        "status_notes": status_notes(demand, full=full),
        "service_name": demand.category.name,
        "service_code": str(demand.category_id),
        "description": demand.description if full else _public_text(demand),
        "agency_responsible": str(assignment.department) if assignment else "",
        "service_notice": "",
        "requested_datetime": w3c(demand.created_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(assignment.due_at) if assignment else None,
        "address": address,
        "address_id": cell.code if cell else "",
        "zipcode": "",
        "lat": lat,
        "long": lng,
        "media_url": "",
    }


def status_dict(demand: Demand) -> dict[str, Any]:
    """What anyone holding a request's id may poll (the GeoReport flow: file, then ask for the status by
    id): the status, the service, the dates and the agency, with a generic note. No description, address,
    location, media or personal data: those need a key, or the board's publication."""
    assignment = getattr(demand, "assignment", None)
    return {
        "service_request_id": demand.code,
        "status": request_status(demand),
        "status_notes": str(Status(demand.status).label),
        "service_name": demand.category.name,
        "service_code": str(demand.category_id),
        "agency_responsible": str(assignment.department) if assignment else "",
        "service_notice": "",
        "requested_datetime": w3c(demand.created_at),
        "updated_datetime": w3c(demand.closed_at or demand.created_at),
        "expected_datetime": w3c(assignment.due_at) if assignment else None,
    }


def _public_text(demand: Demand) -> str:
    publication = getattr(demand, "publication", None)
    if publication is None or not publication.published:
        return ""
    return publication.text or publication.title


# --- base view ------------------------------------------------------------------------------------
class Open311View(APIView):
    """Suffix formats (.json/.xml), the spec's error list, ``api_key`` in the query or the form."""

    renderer_classes = [Open311XMLRenderer, Open311JSONRenderer]
    parser_classes = [FormParser, MultiPartParser]
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    xml_root = "root"

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Open311Error):
            code, text = exc.status_code, str(exc.detail)
        elif isinstance(exc, Http404):
            code, text = 404, str(exc) or _("Not found.")
        elif isinstance(exc, PermissionDenied):
            code, text = 403, str(exc) or _("Not allowed.")
        elif isinstance(exc, ValidationError):
            code, text = 400, " ".join(str(m) for m in exc.messages)
        elif isinstance(exc, APIException):
            code, text = exc.status_code, str(exc.detail)
        else:
            return super().handle_exception(exc)
        return Response([{"code": code, "description": text}], status=code)

    def _key(self, request: Request, *, required: bool = False) -> ApiKey | None:
        data: Any = request.data
        raw = request.query_params.get("api_key") or (
            data.get("api_key") if request.method == "POST" else None
        )
        if not raw:
            if required:
                raise Open311Error(403, _("An api_key is required."))
            return None
        key = api_key_authenticate(str(raw))
        if key is None:
            raise Open311Error(403, _("Invalid api_key."))
        return key

    def _town(self, request: Request, key: ApiKey | None) -> Town:
        data: Any = request.data
        jurisdiction = request.query_params.get("jurisdiction_id") or (
            data.get("jurisdiction_id") if request.method == "POST" else None
        )
        if key is not None:
            if jurisdiction and jurisdiction != key.town.code:
                raise Open311Error(403, _("This api_key is not valid for this jurisdiction_id."))
            return key.town
        if jurisdiction:
            town = Town.objects.filter(code=jurisdiction).first()
            if town is None:
                raise Open311Error(404, _("Unknown jurisdiction_id."))
            return town
        towns = list(Town.objects.all()[:2])
        if len(towns) != 1:
            raise Open311Error(400, _("jurisdiction_id is required: this endpoint serves several towns."))
        return towns[0]

    def _category(self, town: Town, code: str) -> Category:
        pk = parse_id(code)
        category = Category.objects.filter(town=town, active=True, pk=pk).first() if pk else None
        if category is None:
            raise Open311Error(404, _("Unknown service_code."))
        return category


def _visible(town: Town, key: ApiKey | None) -> QuerySet[Demand]:
    """A key reads its town's demands (its system account's scope); a client without one, what the public
    board shows."""
    if key is not None:
        return Demand.objects.restrict(key.account).filter(town=town)
    return Demand.objects.restrict(AnonymousUser(), PUBLIC).filter(town=town)


def _demands(town: Town, key: ApiKey | None) -> QuerySet[Demand]:
    qs = _visible(town, key)
    if key is None:
        qs = qs.select_related("publication")
    # ``updated_at`` is kept on the row by the workflow core (the time of the demand's latest event).
    return qs.select_related("category", "cell", "assignment__department")


def _moment(value: str, name: str) -> dt.datetime:
    """A W3C date-time (or a date), in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO allows."""
    try:
        moment = parse_datetime(value.replace(" ", "+"))  # an unescaped "+" in a query string is a space
        if moment is None and (day := parse_date(value)) is not None:
            moment = dt.datetime.combine(day, dt.time())
        if moment is not None:
            return (timezone.make_aware(moment) if timezone.is_naive(moment) else moment).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        pass
    raise Open311Error(400, _("%(name)s is not a W3C date-time.") % {"name": name})


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


# --- endpoints ------------------------------------------------------------------------------------
class DiscoveryView(Open311View):
    xml_root = "discovery"

    def get(self, request: Request, format: str | None = None) -> Response:
        base = request.build_absolute_uri("/open311/v2/")
        return Response(
            {
                "changeset": "2025-01-01T00:00:00+08:00",
                "contact": _("The town's people's congress office (人大办)."),
                "key_service": _(
                    "Ask the town's congress office for an api_key (lianxin manage create_api_key)."
                ),
                "endpoints": [
                    {
                        "specification": SPEC,
                        "url": base,
                        "changeset": "2025-01-01T00:00:00+08:00",
                        "type": "production",
                        "formats": ["text/xml", "application/json"],
                    }
                ],
            }
        )


@method_decorator(reads_from_replica, name="get")
class ServiceListView(Open311View):
    xml_root = "services"

    def get(self, request: Request, format: str | None = None) -> Response:
        town = self._town(request, self._key(request))
        categories = Category.objects.filter(town=town, active=True).order_by("domain", "name")
        return Response([service_dict(c) for c in categories])


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    def get(self, request: Request, service_code: str, format: str | None = None) -> Response:
        town = self._town(request, self._key(request))
        return Response(service_definition(self._category(town, service_code)))


@method_decorator(reads_from_replica, name="get")
class RequestListView(Open311View):
    xml_root = "service_requests"

    def get(self, request: Request, format: str | None = None) -> Response:
        key = self._key(request)
        town = self._town(request, key)
        qs = _demands(town, key)
        p = request.query_params
        if ids := _csv(p.get("service_request_id")):
            qs = qs.filter(code__in=ids)  # the spec: other parameters are then ignored
        else:
            if codes := _csv(p.get("service_code")):
                pks = [pk for c in codes if (pk := parse_id(c)) is not None]
                if len(pks) != len(codes):
                    raise Open311Error(400, _("service_code must be a list of service codes."))
                qs = qs.filter(category_id__in=pks)
            end = _moment(p["end_date"], "end_date") if p.get("end_date") else None
            start = _moment(p["start_date"], "start_date") if p.get("start_date") else None
            if start is None and end is None:
                start = clock.now() - dt.timedelta(days=DEFAULT_DAYS)
            if start is not None:
                qs = qs.filter(created_at__gte=start)
            if end is not None:
                qs = qs.filter(created_at__lte=end)
            if statuses := _csv(p.get("status")):
                if any(s not in ("open", "closed") for s in statuses):
                    raise Open311Error(400, _("status must be open or closed."))
                if statuses == ["open"]:
                    qs = qs.exclude(status__in=TERMINAL)
                elif statuses == ["closed"]:
                    qs = qs.filter(status__in=TERMINAL)
        rows = qs.order_by("-created_at", "-pk")[:MAX_REQUESTS]
        return Response([request_dict(d, full=key is not None) for d in rows])

    @idempotent
    def post(self, request: Request, format: str | None = None) -> Response:
        key = self._key(request, required=True)
        assert key is not None
        town = self._town(request, key)
        d: Any = request.data
        code = str(d.get("service_code") or "").strip()
        if not code:
            raise Open311Error(400, _("service_code is required."))
        category = self._category(town, code)
        lat, lng, cell = self._location(town, d)
        attrs = {
            k[len("attribute[") : -1]: v
            for k, v in d.items()
            if k.startswith("attribute[") and k.endswith("]")
        }
        urgency = str(attrs.get("urgency") or Urgency.GENERAL)
        if urgency not in Urgency.values:
            raise Open311Error(
                400,
                _("attribute[urgency] must be one of %(values)s.") % {"values": ", ".join(Urgency.values)},
            )
        description = _field(d, "description", limits.TEXT) or category.name
        if media := str(d.get("media_url") or "").strip():
            description = f"{description}\nmedia_url: {media[:300]}"[: limits.TEXT]
        title = str(attrs.get("title") or "").strip() or description.splitlines()[0]
        phone = str(d.get("phone") or "").strip()
        phone = clean_mobile(phone) if phone else ""  # a mainland mobile, as the citizen page takes it
        name = _field(d, "last_name", limits.NAME) + _field(d, "first_name", limits.NAME)
        if len(name) > limits.NAME:
            raise Open311Error(
                400, _("The name is longer than %(limit)d characters.") % {"limit": limits.NAME}
            )
        validate_person_name(name)  # a ValidationError: 400 with its message
        demand = demand_services.demand_record(
            town=town,
            recorded_by=key.account,
            channel=key.channel,
            category=category,
            title=title[:80],
            description=description,
            urgency=urgency,
            cell=cell,
            lat=lat,
            lng=lng,
            address=_field(d, "address_string", 120),
            requester_name=name,
            requester_phone=phone,
            intake_key=getattr(request, "intake_key", ""),
        )
        notice = _("Recorded as %(code)s; a deputy of the grid cell takes it up.") % {"code": demand.code}
        return Response(
            [{"service_request_id": demand.code, "service_notice": notice, "account_id": None}],
            status=http.HTTP_201_CREATED,  # also when the intake key found the first attempt's demand
        )

    def _location(self, town: Town, d: Any) -> tuple[float | None, float | None, GridCell | None]:
        lat_s, lng_s = str(d.get("lat") or "").strip(), str(d.get("long") or "").strip()
        address_id = str(d.get("address_id") or "").strip()
        cell = None
        lat = lng = None
        if lat_s or lng_s:
            try:
                lat, lng = float(lat_s), float(lng_s)
            except ValueError as exc:
                raise Open311Error(400, _("lat and long must both be decimal degrees.")) from exc
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise Open311Error(400, _("lat and long must both be decimal degrees."))
        if address_id:
            cell = GridCell.objects.filter(town=town, code=address_id).first()
            if cell is None:
                raise Open311Error(400, _("Unknown address_id (a grid-cell code of the town)."))
        if lat is None and cell is None and not str(d.get("address_string") or "").strip():
            raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
        return lat, lng, cell


class RequestDetailView(Open311View):
    xml_root = "service_requests"

    def get(self, request: Request, service_request_id: str, format: str | None = None) -> Response:
        key = self._key(request)
        town = self._town(request, key)
        code = codes.normalise(service_request_id)
        demand = _demands(town, key).filter(code=code).first()
        if demand is None and key is None:
            # Not published: an anonymous client that knows the id polls its status, and nothing more.
            found = (
                Demand.objects.restrict(AnonymousUser(), STATUS_BY_ID)
                .filter(town=town, code=code)
                .select_related("category", "assignment__department")
                .first()
            )
            if found is not None:
                return Response([status_dict(found)])
        if demand is None:
            raise Open311Error(404, _("Unknown service_request_id."))
        return Response([request_dict(demand, full=key is not None)])


class TokenView(Open311View):
    """Requests are created at once, so a POST already answers with the id. A token is that id, or the
    ``Idempotency-Key`` the key's POST carried (to find out what a lost answer said)."""

    xml_root = "service_requests"

    def get(self, request: Request, token: str, format: str | None = None) -> Response:
        from .idempotency import intake_key_for

        key = self._key(request)
        town = self._town(request, key)
        demands = _visible(town, key)
        demand = demands.filter(code=token).first()
        if demand is None and key is not None:
            demand = demands.filter(intake_key=intake_key_for(f"key:{key.pk}", token)).first()
        if demand is None:
            raise Open311Error(404, _("Unknown token."))
        return Response([{"service_request_id": demand.code, "token": token}])


@method_decorator(reads_from_replica, name="get")
class RequestUpdatesView(Open311View):
    """The widely used extension (FixMyStreet, Mark-a-Spot): each change of a request, by time."""

    xml_root = "service_request_updates"

    def get(self, request: Request, format: str | None = None) -> Response:
        key = self._key(request)
        town = self._town(request, key)
        p = request.query_params
        end = _moment(p["end_date"], "end_date") if p.get("end_date") else clock.now()
        start = _moment(p["start_date"], "start_date") if p.get("start_date") else end - dt.timedelta(days=1)
        if start > end:
            raise Open311Error(400, _("start_date must not be after end_date."))
        events = (
            DemandEvent.objects.filter(demand__in=_visible(town, key), at__gte=start, at__lte=end)
            .exclude(action__in=INTERNAL)  # staff's internal notes never leave the workbench
            .select_related("demand")
            .order_by("at", "pk")
        )
        if ids := _csv(p.get("service_request_id")):
            events = events.filter(demand__code__in=ids)
        rows = []
        for ev in events[:MAX_REQUESTS]:
            closed = ev.to_status in TERMINAL if ev.to_status else ev.demand.status in TERMINAL
            label = str(Status(ev.to_status).label) if ev.to_status in Status.values else ev.action
            rows.append(
                {
                    "update_id": str(ev.pk),
                    "service_request_id": ev.demand.code,
                    "status": "closed" if closed else "open",
                    "updated_datetime": w3c(ev.at),
                    "description": f"{label} · {ev.note}".strip(" ·") if key is not None else label,
                    "media_url": "",
                }
            )
        return Response(rows)


def bad_input_response(request: HttpRequest, message: str) -> HttpResponse:
    """The spec's error list, in the format the path's suffix asks for, for input refused before any view
    ran (``core.middleware``)."""
    errors = [{"code": 400, "description": message}]
    if request.path_info.endswith(".xml"):
        xml = Open311XMLRenderer().render(errors, renderer_context={"response": HttpResponse(status=400)})
        return HttpResponse(xml, status=400, content_type="text/xml; charset=utf-8")
    return HttpResponse(Open311JSONRenderer().render(errors), status=400, content_type="application/json")
