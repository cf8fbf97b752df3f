"""The one view that makes a move of any workflow's table, and the pages' side of the moves.

Every app's detail page offers the moves its reader may make (``move_forms``, rendered by
``core/_moves.html``) and posts each to ``act``: 403 if the role may not make the move, 400 with the form
shown again and the input kept, 409 if the state forbids it (or changed under the reader), else a message
and back to the page.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import ActionForm, form_errors, move_form
from .workflow import TransitionError, Workflow, workflow_of

# render(request, obj, *, bound=None, problem="", status=200): the subject's page with its moves
Page = Callable[..., HttpResponse]


def move_forms(
    request: HttpRequest, obj: Any, bound: Form | None = None, *, hidden: Collection[str] = ()
) -> list[tuple[Any, Form]]:
    """The moves the reader may make on ``obj`` now, each with its form (the posted one with its errors)."""
    user: Any = request.user
    return [
        (
            move,
            bound
            if bound is not None and bound.prefix == move.action
            else move_form(move, obj=obj, user=user),
        )
        for move in workflow_of(type(obj)).allowed(user, obj)
        if move.action not in hidden
    ]


def problem_of(error: ValidationError) -> str:
    """What a refused move (409) tells the reader."""
    return _("Not done: %(reason)s") % {"reason": " ".join(error.messages)}


def act(
    request: HttpRequest,
    obj: Any,
    action: str,
    *,
    page: Page,
    refetch: Callable[[], Any],
    done: Callable[[], HttpResponse],
    hidden: Collection[str] = (),
    on_conflict: Literal["page", "redirect"] = "page",
) -> HttpResponse:
    """Make one move of ``obj``'s table, posted from its page.

    1. An action that is not a move of the table (or is ``hidden`` from pages) is a 404.
    2. The right comes first (403): a reader who may not act learns nothing of the state or the input.
    3. The move's form parses the input; bad input (a blank reason of a move that requires one too) is a
       400 with the form shown again, before the service runs.
    4. The service makes the move: a ``TransitionError`` is a 409 with the page as it is now (``refetch``),
       any other ``ValidationError`` a 400 with its messages on the form.
    5. Done: a message, then ``done()`` (usually back to the page).

    ``on_conflict="redirect"``: a refused move (409) is a message and ``done()`` instead of the page again,
    for pages that list many subjects (or whose page is costly to draw), where the reader is better served
    by the fresh page than by a 409 of the old one.
    """
    if on_conflict not in ("page", "redirect"):
        raise ValueError(f"on_conflict: {on_conflict!r} is neither 'page' nor 'redirect'")
    flow = workflow_of(type(obj))
    move = flow.moves.get(action)
    if move is None or action in hidden:
        raise Http404
    user: Any = request.user
    if not user.has_perm(flow.permission(action), obj):
        raise PermissionDenied
    form = move_form(move, obj=obj, user=user, data=request.POST, files=request.FILES)
    if not form.is_valid():
        return page(request, obj, bound=form, status=400)
    try:
        move.service(**{flow.subject: obj}, actor=user, **form.cleaned_data)
    except TransitionError as error:
        if on_conflict == "redirect":
            messages.error(request, problem_of(error))
            return done()
        return page(request, refetch(), problem=problem_of(error), status=409)
    except ValidationError as error:
        form_errors(form, error)
        return page(request, refetch(), bound=form, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": move.label})
    return done()


def act_view(
    *,
    fetch: Callable[[HttpRequest, Any], Any],
    page: Page,
    done: str,
    key: str = "pk",
    hidden: Collection[str] = (),
    on_conflict: Literal["page", "redirect"] = "page",
) -> Callable[..., HttpResponse]:
    """A view making any move of one kind of subject, posted to ``…/<key>/<action>/``: ``fetch(request,
    <key>)`` reads the subject in the reader's scope (a 404 outside it), ``page`` draws it again on a 400 or
    409, and a move made goes back to the URL named ``done`` (given ``<key>``). The caller adds the sign-in
    or capability and POST decorators its app uses."""

    def view(request: HttpRequest, action: str, **url: Any) -> HttpResponse:
        value = url[key]
        return act(
            request,
            fetch(request, value),
            action,
            page=page,
            refetch=lambda: fetch(request, value),
            done=lambda: redirect(done, **{key: value}),
            hidden=hidden,
            on_conflict=on_conflict,
        )

    return view


def act_urls(
    flow: Workflow,
    *,
    prefix: str,
    fetch: Callable[[HttpRequest, int], Any],
    name: str,
    page: Page | None = None,
    on_conflict: Literal["page", "redirect"] = "page",
) -> list[URLPattern]:
    """The pages of a workflow generated from its table: ``<prefix><pk>/`` (the subject with its moves,
    named ``name``) and ``<prefix><pk>/<action>/`` (``act``, named ``name + "_act"``), both for signed-in
    users. ``fetch(request, pk)`` reads the subject in the reader's scope (404 outside it); ``page`` renders
    it (by default ``moves_page``); ``on_conflict`` is ``act``'s."""
    shown: Page = page or moves_page(act_url=f"{name}_act")

    @login_required
    def detail(request: HttpRequest, pk: int) -> HttpResponse:
        return shown(request, fetch(request, pk))

    make = login_required(require_POST(act_view(fetch=fetch, page=shown, done=name, on_conflict=on_conflict)))

    return [
        path(f"{prefix}<int:pk>/", detail, name=name),
        path(f"{prefix}<int:pk>/<slug:action>/", make, name=f"{name}_act"),
    ]


def moves_page(*, act_url: str, template: str = "core/moves_page.html") -> Page:
    """A plain page of a subject and its moves (posted to the URL named ``act_url``), for a workflow with
    no page of its own yet."""

    def render_page(
        request: HttpRequest,
        obj: Any,
        *,
        bound: ActionForm | None = None,
        problem: str = "",
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "obj": obj,
            "action_forms": move_forms(request, obj, bound),
            "open_action": bound.prefix if bound is not None else "",
            "problem": problem,
            "act_url": act_url,
        }
        return render(request, template, context, status=status)

    return render_page


def scoped(model: type[models.Model], action: str = "view") -> Callable[[HttpRequest, int], Any]:
    """``fetch`` for ``act_urls``: the row through ``restrict`` (404 outside the reader's scope)."""

    def fetch(request: HttpRequest, pk: int) -> Any:
        return get_object_or_404(model.objects.restrict(request.user, action=action), pk=pk)  # type: ignore[attr-defined]

    return fetch
