"""The town's mobile page (the case's mini-program): submit, track, sign in by SMS, evaluate.

A visitor follows a demand only after proving it: by the code and the last four digits of its phone
(remembered in the session), or by an account that raised it. Evaluation needs an account, because the
service asks ``user.has_perm("demands.evaluate", demand)``: an anonymous tracker confirms the demand's
phone with an SMS code, which signs them in as that phone's citizen and makes them its requester.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin import audit
from lianxin.accounts import services as accounts
from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.fields import lookup_hash
from lianxin.core.ids import query_id
from lianxin.core.masking import mask_name, mask_phone
from lianxin.core.media import file_response, thumbnail_response
from lianxin.core.models import Town
from lianxin.demands import codes
from lianxin.demands import services as demands
from lianxin.demands.models import Attachment, Channel, Demand, Verdict
from lianxin.demands.selectors import citizen_voices_left, loop_of
from lianxin.demands.states import Status
from lianxin.people.models import Deputy
from lianxin.territory.models import Station
from lianxin.territory.selectors import cell_at

from . import limits, offline, qr, selectors, services
from .forms import CitizenDemandForm, CodeForm, EvaluateForm, PhoneForm, TrackForm

TRACKED = "portal_tracked"
PENDING_LOGIN = "portal_login"
PINS = "portal_pins"
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _town(code: str) -> Town:
    return get_object_or_404(Town, code=code)


def _remember(request: HttpRequest, demand: Demand) -> None:
    tracked = [pk for pk in request.session.get(TRACKED, []) if pk != demand.pk][-19:]
    request.session[TRACKED] = [*tracked, demand.pk]


def _tracked(request: HttpRequest, town: Town, code: str) -> Demand:
    demand = selectors.tracked_demand(
        town=town, code=code, user=request.user, tracked=request.session.get(TRACKED, [])
    )
    if demand is None:
        raise Http404
    return demand


def too_many(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/limited.html", {"message": message}, status=429)


def mobile_index(request: HttpRequest) -> HttpResponse:
    """The only town's page, or a list of towns to choose from."""
    if town := selectors.only_town():
        return redirect("portal:submit", town.code)
    return render(
        request, "portal/towns.html", {"towns": selectors.public_towns(), "target": "portal:submit"}
    )


def _preset(town: Town, data: Any) -> tuple[Station | None, Deputy | None]:
    """The station or deputy a QR code named, if it is of this town."""

    def pick(model: Any, key: str) -> Any:
        pk = query_id(data.get(key))
        return model.objects.filter(town=town, pk=pk).first() if pk is not None else None

    return pick(Station, "station"), pick(Deputy, "deputy")


def submit(request: HttpRequest, town_code: str) -> HttpResponse:
    town = _town(town_code)
    station, deputy = _preset(town, request.POST if request.method == "POST" else request.GET)
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        form = CitizenDemandForm(request.POST, request.FILES, town=town)
        if form.is_valid():
            return _record(request, town, form, station, deputy, user)
        if offline.queued(request):
            return offline.refused(form)
        status = 400
    else:
        initial: dict[str, Any] = {
            "station": station.pk if station else None,
            "deputy": deputy.pk if deputy else None,
        }
        if station and station.cell_id:
            initial["cell"] = station.cell_id
        elif deputy and (link := deputy.cell_links.order_by("-is_primary").first()):
            initial["cell"] = link.cell_id
        if user is not None and can(user, Capability.SIGN_IN_BY_PHONE):
            initial["phone"] = user.phone
        form = CitizenDemandForm(town=town, initial=initial)
        status = 200
    context = {"town": town, "form": form, "station": station, "deputy": deputy}
    return render(request, "portal/submit.html", context, status=status)


def _record(
    request: HttpRequest, town: Town, form: CitizenDemandForm, station: Any, deputy: Any, user: Any
) -> HttpResponse:
    data = form.cleaned_data
    key = str(data["intake_key"])
    if not selectors.intake_seen(town=town, intake_key=key) and limits.submission_limited(
        request, phone=data["phone"]
    ):
        message = _(
            "Too many submissions from this phone or network. Please try again in an hour, or call the station."
        )
        return offline.limited(message) if offline.queued(request) else too_many(request, message)
    requester = (
        user
        if user is not None and can(user, Capability.SIGN_IN_BY_PHONE) and user.phone == data["phone"]
        else None
    )
    demand = demands.demand_record(
        town=town,
        recorded_by=requester,
        channel=Channel.MOBILE,
        category=data["category"],
        title=form.title,
        description=data["description"],
        addressed_to=deputy,
        cell=data["cell"],
        station=station,
        lat=data["lat"],
        lng=data["lng"],
        address=data["address"],
        requester_name=data["name"],
        requester_phone=data["phone"],
        requester=requester,
        attachments=data["photos"],
        voice=data["voice"],
        intake_key=key,
        filed_at=data["filed_at"],
    )
    # A replayed key grants the demand only to the same phone: the key alone must not open someone's case.
    if not getattr(demand, "replayed", False) or demand.requester_phone_hash == lookup_hash(data["phone"]):
        _remember(request, demand)
    if offline.queued(request):
        return offline.accepted(request, town, demand)
    return redirect("portal:done", town.code, demand.code)


def remember_pin(request: HttpRequest, demand: Demand) -> None:
    """Keep a new demand's PIN for its slip, in this session only (the database keeps its hash)."""
    if pin := getattr(demand, "tracking_pin", ""):
        request.session[PINS] = {**request.session.get(PINS, {}), demand.code: pin}


def done(request: HttpRequest, town_code: str, code: str) -> HttpResponse:
    """The receipt: the code to copy or screenshot, the place, and for a person without a phone the slip."""
    town = _town(town_code)
    demand = _tracked(request, town, code)
    context = {
        "town": town,
        "demand": demand,
        "phone": mask_phone(demand.requester_phone),
        "pin": request.session.get(PINS, {}).get(demand.code, ""),
        "track_url": request.build_absolute_uri(reverse("portal:track", args=[town.code])),
    }
    return render(request, "portal/done.html", context)


def place(request: HttpRequest, town_code: str) -> JsonResponse:
    """The village or community at a point, so the form can show what the phone's location picked."""
    town = _town(town_code)
    try:
        lat, lng = float(request.GET.get("lat", "")), float(request.GET.get("lng", ""))
    except ValueError:
        return JsonResponse({"error": _("Give a latitude and a longitude.")}, status=400)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return JsonResponse({"error": _("Give a latitude and a longitude.")}, status=400)
    cell = cell_at(town_id=town.pk, lat=lat, lng=lng)
    return JsonResponse({"cell": cell.pk if cell else None, "name": cell.name if cell else ""})


def photo(request: HttpRequest, town_code: str, code: str, pk: int) -> HttpResponse:
    """A photo of a demand this visitor follows (or the department's evidence): checked like the demand."""
    town = _town(town_code)
    demand = _tracked(request, town, code)
    attachment = get_object_or_404(demand.attachments.filter(file__iregex=selectors.PHOTO_NAME), pk=pk)
    if request.GET.get("size") == "thumb":
        return thumbnail_response(request, attachment.file)
    return file_response(request, attachment.file, attachment.name)


def track(request: HttpRequest, town_code: str) -> HttpResponse:
    """Code + last four digits of the phone (or the PIN on the slip); wrong answers are counted per address
    and per code.

    The try takes its place in both counts before the answer is compared: past the limit at either, right
    and wrong answers get the same refusal until the window passes, and the try that locks a code has its
    owner told. A right answer gives its places back.
    """
    town = _town(town_code)
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            code, last4 = form.cleaned_data["code"], form.cleaned_data["last4"]
            attempt = limits.tracking_try(request, town_code=town.code, code=code)
            if attempt.refused:
                if attempt.locked_now and (owner := selectors.demand_by_code(town=town, code=code)):
                    services.tracking_lock_notify(demand=owner)
                return too_many(request, _("Too many wrong tries. Please wait 15 minutes and try again."))
            demand = selectors.demand_by_code(town=town, code=code)
            # Compare in constant time, and do the same work for an unknown code as for a known one.
            expected = (
                demand.requester_phone[-4:] if demand and demand.requester_phone else ""
            ) or "\x00" * 4
            given = last4
            if demand is not None and not demand.requester_phone and demand.tracking_pin_hash:
                # No phone: the four digits are the PIN on the person's slip.
                expected, given = demand.tracking_pin_hash, codes.pin_hash(demand.code, last4)
            if demand is not None and hmac.compare_digest(expected.encode(), given.encode()):
                limits.tracking_passed(attempt)
                _remember(request, demand)
                return redirect("portal:tracked", town.code, demand.code)
            form.add_error(None, _("No demand matches this code and these digits. Check both and try again."))
    return render(request, "portal/track.html", {"town": town, "form": form}, status=status)


def tracked(request: HttpRequest, town_code: str, code: str) -> HttpResponse:
    town = _town(town_code)
    try:
        demand = _tracked(request, town, code)
    except Http404:
        target = selectors.merged_target(
            town=town, code=code, user=request.user, tracked=request.session.get(TRACKED, [])
        )
        if target is None:
            raise
        return _merged_into_page(request, town, target)
    return _tracked_page(request, town, demand)


def _merged_into_page(request: HttpRequest, town: Town, target: Demand) -> HttpResponse:
    """The demand another one was merged into, for the citizen of that other one: its code, state, place,
    department, progress and result; nothing personal (no name, phone, text or photos of it)."""
    assignment = getattr(target, "assignment", None) if target.status != Status.RECORDED else None
    context = {
        "town": town,
        "target": target,
        "assignment": assignment,
        "timeline": selectors.demand_timeline(demand=target, own=False),  # not "you evaluated"
        "result": selectors.last_result(demand=target),
    }
    return render(request, "portal/tracked_into.html", context)


def _tracked_page(
    request: HttpRequest, town: Town, demand: Demand, form: EvaluateForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    loop = loop_of(demand)  # a merged demand is answered by the one it was merged into
    may_evaluate = bool(
        user.is_authenticated and user.has_perm("demands.evaluate", loop) and citizen_voices_left(loop, user)
    )
    assignment = getattr(loop, "assignment", None) if loop.status != Status.RECORDED else None
    verdicts = selectors.citizen_evaluations(demand=loop)
    if loop.pk != demand.pk:  # other citizens also judge the loop: show this citizen their own verdicts
        verdicts = verdicts.filter(by=user) if user.is_authenticated else verdicts.none()
    context = {
        "town": town,
        "demand": demand,
        "merged_into": loop if loop.pk != demand.pk else None,
        "name": mask_name(demand.requester_name),
        "phone": mask_phone(demand.requester_phone),
        "timeline": selectors.demand_timeline(demand=demand),
        "assignment": assignment,
        "evaluable": citizen_voices_left(loop, user if user.is_authenticated else None),
        "may_evaluate": may_evaluate,
        "can_confirm": bool(demand.requester_phone) and demand.requester_id is None,
        "form": form or EvaluateForm(),
        "photos": selectors.demand_photos(demand=demand, kind=Attachment.Kind.SUBMITTED),
        # the result, its evidence and the verdicts are the loop's (a merged demand's citizen judges that one)
        "evidence": selectors.demand_photos(demand=loop, kind=Attachment.Kind.EVIDENCE),
        "result": selectors.last_result(demand=loop),
        "verdicts": verdicts,
    }
    if form is not None and form.errors:  # the first field in error gets the focus (the page opens there)
        first = next((n for n in ("verdict", "comment") if n in form.errors), None)
        if first:
            form.fields[first].widget.attrs["autofocus"] = True
    return render(request, "portal/tracked.html", context, status=status)


@require_POST
@login_required
def evaluate(request: HttpRequest, town_code: str, code: str) -> HttpResponse:
    town = _town(town_code)
    demand = _tracked(request, town, code)
    form = EvaluateForm(request.POST)
    if form.is_valid():
        try:
            demands.demand_evaluate(
                demand=loop_of(demand),
                actor=request.user,
                verdict=form.cleaned_data["verdict"],
                comment=form.cleaned_data["comment"],
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            if form.cleaned_data["verdict"] == Verdict.UNSATISFIED:
                messages.success(
                    request,
                    _(
                        "Thank you: your evaluation is recorded. The demand went back to the department for "
                        "rework under supervision; you will get a message when it is done again."
                    ),
                )
            else:
                messages.success(request, _("Thank you: your evaluation is recorded."))
            return redirect("portal:tracked", town.code, demand.code)
    return _tracked_page(request, town, demand, form=form, status=400)


@require_POST
def confirm_phone(request: HttpRequest, town_code: str, code: str) -> HttpResponse:
    """A tracker who wants to evaluate proves the demand's phone: a code goes to it, never shown here."""
    town = _town(town_code)
    demand = _tracked(request, town, code)
    if not demand.requester_phone:
        raise Http404
    if limits.sms_limited(request, phone=demand.requester_phone):
        return too_many(request, _("Too many codes were asked for. Please try again in an hour."))
    accounts.login_code_send(town=town, phone=demand.requester_phone)
    request.session[PENDING_LOGIN] = {
        "town": town.code,
        "phone": demand.requester_phone,
        "next": reverse("portal:tracked", args=[town.code, demand.code]),
    }
    return redirect("portal:verify", town.code)


def sign_in(request: HttpRequest, town_code: str) -> HttpResponse:
    """Sign in with a phone number: step one, the code is sent."""
    town = _town(town_code)
    form = PhoneForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            if limits.sms_limited(request, phone=phone):
                return too_many(request, _("Too many codes were asked for. Please try again in an hour."))
            accounts.login_code_send(town=town, phone=phone)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = ""
            request.session[PENDING_LOGIN] = {"town": town.code, "phone": phone, "next": next_url}
            return redirect("portal:verify", town.code)
    return render(request, "portal/sign_in.html", {"town": town, "form": form}, status=status)


def verify(request: HttpRequest, town_code: str) -> HttpResponse:
    """Step two: the code from the SMS signs in (and on first use makes) the phone's citizen account."""
    town = _town(town_code)
    pending = request.session.get(PENDING_LOGIN) or {}
    if pending.get("town") != town.code:
        return redirect("portal:sign_in", town.code)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = accounts.login_code_verify(
                    town=town, phone=pending["phone"], code=form.cleaned_data["code"]
                )
            except ValidationError as exc:
                form.add_error("code", exc.messages[0])
                audit.record(
                    audit.SIGN_IN_FAILED,
                    request=request,
                    town=town,
                    action="sms",
                    user_text=mask_phone(pending["phone"]),
                )
            else:
                demands.demands_link_requester(user=user)  # the phone's earlier demands become theirs
                request.session.pop(PENDING_LOGIN, None)
                login(request, user, backend=LOGIN_BACKEND)
                return redirect(pending.get("next") or reverse("portal:mine", args=[town.code]))
    context = {"town": town, "form": form, "phone": mask_phone(pending["phone"])}
    return render(request, "portal/verify.html", context, status=status)


@login_required
def mine(request: HttpRequest, town_code: str) -> HttpResponse:
    town = _town(town_code)
    rows = list(selectors.my_demands(user=request.user).filter(town=town))
    awaiting = sum(1 for d in rows if d.status == Status.COMPLETED)
    context = {"town": town, "demands": rows, "awaiting": awaiting}
    return render(request, "portal/mine.html", context)


def qr_code(request: HttpRequest, town_code: str, kind: str, pk: int, fmt: str) -> HttpResponse:
    town = _town(town_code)
    model = {"station": Station, "deputy": Deputy}[kind]
    target = get_object_or_404(model, town=town, pk=pk)
    url = qr.entry_url(request, town_code=town.code, **{kind: target.pk})
    body, content_type = qr.render_qr(url, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{kind}-{target.pk}.{fmt}"'
    return response
