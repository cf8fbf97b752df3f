"""The second factor (TOTP, django-otp) for the administrators and the presidium: enrol once with an
authenticator app (a QR code from segno), then give a six-digit code after each password sign-in.

Enrolment is offered only while the account has no confirmed device: replacing a device is the security
administrator's (delete it in the admin), so a stolen password alone never enrols a new one.
"""

from __future__ import annotations

import base64
import textwrap
from typing import Any

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import signals


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target or "/"


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{request.path}verify/?next={_next(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            signals.second_factor_enrolled.send(sender=TOTPDevice, request=request, user=user)
            return redirect(_next(request))
        form.add_error("token", _("The code is not right. Check the time on your phone and try again."))
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        "secret": " ".join(textwrap.wrap(base64.b32encode(device.bin_key).decode(), 4)),  # apps accept spaces
        "next": _next(request),
    }
    return render(request, "accounts/second_factor_enrol.html", context, status=status)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{request.path.removesuffix('verify/')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        device = match_token(user, form.cleaned_data["token"].strip()) if form.is_valid() else None
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        signals.second_factor_refused.send(sender=TOTPDevice, request=request, user=None)
        form.add_error("token", _("The code is not right. Check the time on your phone and try again."))
    return render(
        request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request)}, status=status
    )
