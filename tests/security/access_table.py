"""THE access matrix of Lianxin: for every URL (by its name) and API operation, what each principal gets.

Default deny: a principal not in a row's ``allow`` is refused — anonymous visitors are sent to sign in, the
signed-in get 403 (or 404 where the page hides that the object exists), the API key is anonymous to the
pages. Every URL that names an object is also asked with town B's object: whoever is allowed in town A
gets 404 there (one town never sees another's). ``test_access_matrix.py`` walks every URL pattern and every
OpenAPI operation and fails on one with no row here; then it asks each row of every principal.

Principals and outcomes: ``matrix.py``. Objects: ``world.py``.
"""

from __future__ import annotations

from .matrix import (
    ADMINS,
    BAD,
    DENIED,
    EVERYONE,
    HIDDEN,
    LOGIN,
    NO_METHOD,
    OK,
    SIGNED_IN,
    STAFF,
    UNAUTHENTICATED,
    Ref,
    Row,
    row,
)

DEMAND = Ref("demand", "code")
TOWN = Ref("town_code")

# Roles by what they read.
DEMAND_READERS = frozenset(
    {"citizen", "deputy", "staff", "presidium", "county"}
)  # the requester, the claiming
# deputy, the lead department, the town's office, the county; never another department, a mediator, an admin
DISPUTE_READERS = frozenset({"deputy", "mediator", "presidium", "county"})
INSIGHT = frozenset({"presidium", "county"})
OFFICE = frozenset({"presidium"})
DUTY = frozenset({"deputy", "presidium"})
PUBLIC = EVERYONE
API_ANON = {"anon": UNAUTHENTICATED}


def api(name: str, allow: frozenset[str] | set[str], **kw: object) -> Row:
    """A REST operation: the key and the pages' session both sign in; nobody signed in gets 401; a signed-in
    reader outside the object's scope gets 404 (``deny``)."""
    kw.setdefault("anon", UNAUTHENTICATED)
    kw.setdefault("key", DENIED)
    kw.setdefault("deny", HIDDEN)
    return row(name, allow, api=True, **kw)  # type: ignore[arg-type]


ROWS: list[Row] = [
    # --- sign-in, language, the landing pages --------------------------------------------------------
    row("set_language", PUBLIC, method="POST", other=None),
    row("login", PUBLIC, once=True),
    row("accounts:second_factor", SIGNED_IN),
    row("accounts:second_factor_verify", SIGNED_IN),
    row("portal:home", SIGNED_IN),  # the visitor is sent to sign in
    row("portal:town", SIGNED_IN),  # the town at a glance; others a welcome with their admin tools
    row("portal:favicon", PUBLIC, once=True),
    # the county viewer's towns side by side, and one town opened read only (the picker redirects to it)
    row("portal:county", {"county"}),
    row("portal:county_pick", {"county"}, query="?town=", special={"county": HIDDEN}),
    row("portal:county_town", {"county"}, code=Ref("town_code")),
    # --- health and monitoring (lianxin/ops) ---------------------------------------------------------------
    # Open to everyone, a load balancer included. /readyz: 503 to all in this world, where no worker has beaten
    # (never a sign-in page or a 403); its details need the metrics token, which no principal here holds.
    row("ops:healthz", PUBLIC, other=None),
    row("ops:readyz", PUBLIC, ok="503", other=None),
    # Only for the monitor (METRICS_TOKEN or METRICS_ALLOWED_NETWORKS): every principal gets the site's 404.
    row("ops:metrics", set(), anon=HIDDEN, key=HIDDEN, deny=HIDDEN, other=None),
    # --- reference lists -------------------------------------------------------------------------------
    row("territory:cells", STAFF),
    row("territory:stations", STAFF),
    row("people:deputies", STAFF),
    row("people:observers", STAFF),
    # one deputy's phone in full: the presidium, after a reason; the town's other staff 403
    row("people:contact", OFFICE, kind="deputy", pk=Ref("deputy")),
    # --- demands -----------------------------------------------------------------------------------------
    row("demands:index", STAFF | {"observer", "agent"}),
    row("demands:record", {"observer", "agent", "deputy", "mediator", "presidium"}),
    row("demands:attachment", DEMAND_READERS, pk=Ref("attachment"), anon=HIDDEN, deny=HIDDEN),
    row("demands:deputy_inbox", {"deputy"}),
    row("demands:department_inbox", {"staff", "other_staff"}),
    row("demands:overview", STAFF),
    row("demands:list", STAFF, kind="problem"),
    row("demands:list", STAFF, kind="problem", query="format=xlsx"),  # export
    row("demands:year_export", STAFF, method="POST", ok=BAD, other=None),  # export (a year is required)
    # --- export jobs: only the one who asked, a colleague of the same town included, sees a job ----------
    row("exports:mine", SIGNED_IN, other=None),
    row("exports:job", OFFICE, pk=Ref("export"), deny=HIDDEN),
    row("exports:progress", OFFICE, pk=Ref("export"), deny=HIDDEN),
    row("exports:file", OFFICE, pk=Ref("export"), deny=HIDDEN),  # export
    # --- jobs (exports, imports, reports): the same pages under /jobs/, the owner alone ----------------------
    row("jobs:mine", SIGNED_IN, other=None),
    row("jobs:job", OFFICE, pk=Ref("export"), deny=HIDDEN),
    row("jobs:progress", OFFICE, pk=Ref("export"), deny=HIDDEN),
    row("jobs:file", OFFICE, pk=Ref("export"), deny=HIDDEN),  # export
    row("jobs:retry", OFFICE, method="POST", pk=Ref("failed_job"), deny=HIDDEN),  # a new job, to its page
    row("demands:detail", DEMAND_READERS, code=DEMAND, deny=HIDDEN),
    # the reveal (call-back): the presidium, the claiming deputy and the lead department while they hold it
    # (a reason is required: the empty POST is a 400); the requester and the county read it masked (403)
    row(
        "demands:reveal_phone",
        {"deputy", "staff", "presidium"},
        method="POST",
        code=DEMAND,
        ok=BAD,
        deny=HIDDEN,
        special={"citizen": DENIED, "county": DENIED},
    ),
    row(
        "demands:act",
        {"deputy", "staff", "presidium"},
        method="POST",
        code=DEMAND,
        action="note",
        ok=BAD,
        deny=HIDDEN,
        special={"citizen": DENIED, "county": DENIED},
    ),
    row("notify:list", SIGNED_IN),
    row("notify:read", SIGNED_IN, method="POST"),
    # notification settings: every signed-in person but a citizen (whose notices are not preferences);
    # the kinds nobody may switch off: the presidium of its own town
    row("notify:settings", SIGNED_IN - {"citizen"}, deny=HIDDEN, other=None),
    row("notify:settings", SIGNED_IN - {"citizen"}, method="POST", deny=HIDDEN, other=None),
    row("notify:locks", OFFICE, deny=HIDDEN, other=None),
    row("notify:locks", OFFICE, method="POST", deny=HIDDEN, other=None),
    # The SMS gateways' callbacks: nobody signs in; without this installation's token in the URL, a 404.
    row(
        "notify:sms_report",
        method="POST",
        provider="aliyun",
        token="guess",
        anon=HIDDEN,
        deny=HIDDEN,
        other=None,
    ),
    row(
        "notify:sms_reply",
        method="POST",
        provider="tencent",
        token="guess",
        anon=HIDDEN,
        deny=HIDDEN,
        other=None,
    ),
    # --- tracked items --------------------------------------------------------------------------------
    row("tracking:index", STAFF),
    row("tracking:new", OFFICE),
    row(
        "tracking:detail",
        {"staff", "presidium", "county"},
        pk=Ref("tracked"),
        special={"deputy": HIDDEN, "other_staff": HIDDEN, "mediator": HIDDEN},
    ),
    row(
        "tracking:act",
        {"staff", "presidium"},
        method="POST",
        pk=Ref("tracked"),
        action="progress",
        ok=BAD,
        special={"deputy": HIDDEN, "other_staff": HIDDEN, "mediator": HIDDEN},
    ),
    # --- insight -------------------------------------------------------------------------------------------
    row("insight:dashboard", INSIGHT),
    row("insight:wall", INSIGHT),
    row("insight:items", INSIGHT),
    row("insight:map", INSIGHT | {"deputy"}),  # a deputy: the cells they serve
    row("insight:base_map", OFFICE),
    row("insight:imports", OFFICE),
    row("insight:import_help", OFFICE),
    row("insight:import", OFFICE, pk=Ref("import")),
    row("insight:reports", INSIGHT),
    row("insight:report", INSIGHT, pk=Ref("report")),
    row("insight:report_file", INSIGHT, pk=Ref("report"), fmt="pdf"),  # export
    row("insight:report_file", INSIGHT, pk=Ref("report"), fmt="xlsx"),  # export
    row("insight:annual", INSIGHT),  # the annual work report of the user's own town (or county)
    row("insight:annual_file", INSIGHT, year=2026, fmt="pdf"),
    row("insight:annual_file", INSIGHT, year=2026, fmt="xlsx"),
    # deputies read the warnings of the cells they serve (issue 27; the world's warning is in their cell)
    row("insight:warnings", INSIGHT | {"deputy"}),
    row("insight:warning", INSIGHT | {"deputy"}, pk=Ref("warning")),
    row("insight:warning_act", OFFICE, method="POST", pk=Ref("warning"), action="dismiss", ok=BAD),
    api("insight:warning-list", SIGNED_IN | {"apikey"}),  # a list: each sees their scope, maybe nothing
    api("insight:warning-detail", INSIGHT | {"deputy", "apikey"}, pk=Ref("warning")),
    # --- the REST API ------------------------------------------------------------------------------------
    row("api:schema", PUBLIC, api=True, once=True),
    row("api:docs", PUBLIC, once=True),
    row("api:redoc", PUBLIC, once=True),
    api("api:api-root", SIGNED_IN | {"apikey"}),
    api("api:demand-list", SIGNED_IN | {"apikey"}),
    api(
        "api:demand-list",
        {"apikey", "observer", "agent", "deputy", "mediator", "presidium", "citizen"},
        method="POST",
        ok=BAD,
        deny=DENIED,
    ),  # SUBMIT_DEMAND
    api("api:demand-detail", DEMAND_READERS | {"apikey"}, code=DEMAND),
    api("api:demand-events", DEMAND_READERS | {"apikey"}, code=DEMAND),
    api(
        "api:demand-reveal",
        {"deputy", "staff", "presidium"},
        method="POST",
        code=DEMAND,
        ok=BAD,
        special={"citizen": DENIED, "county": DENIED, "apikey": DENIED},
    ),
    # the moves of the demand's table, an empty body: whoever may make the move passes the check (and is
    # refused the empty input, 400, or the state, 409, or makes it); the demand's other readers get 403
    *[
        api(
            f"api:demand-{move}",
            may,
            method="POST",
            code=DEMAND,
            ok=BAD,
            special={p: DENIED for p in DEMAND_READERS - may} | extra,
        )
        for move, may, extra in (
            ("accept", {"staff"}, {"staff": OK}),
            ("appoint", {"presidium"}, {}),
            ("assign", {"deputy", "presidium"}, {}),
            ("bounce", {"staff"}, {}),
            ("check", {"deputy"}, {}),
            ("claim", {"deputy"}, {"deputy": "409"}),
            ("close", {"presidium"}, {"presidium": "409"}),
            ("complete", {"staff"}, {}),
            ("decide_extension", {"presidium"}, {}),
            ("decline", {"deputy", "presidium"}, {}),
            ("evaluate", {"citizen", "presidium"}, {}),
            ("extend", {"presidium"}, {}),
            ("merge", {"deputy", "presidium"}, {}),
            ("note", {"deputy", "staff", "presidium"}, {}),
            ("progress", {"staff"}, {}),
            ("reassign", {"presidium"}, {}),
            ("relocate", {"presidium"}, {}),
            ("remind", {"deputy", "presidium"}, {"deputy": OK, "presidium": OK}),
            ("request_extension", {"staff"}, {}),
            ("return", {"deputy", "presidium"}, {}),
            ("transfer", {"deputy", "presidium"}, {}),
        )
    ],
    # reference data: every signed-in reader of the town, the key, the system administrator (every town)
    *[
        r
        for kind, ref in (
            ("category", "category"),
            ("cell", "cell"),
            ("station", "station"),
            ("department", "department"),
            ("deputy", "deputy"),
        )
        for r in (
            api(f"api:{kind}-list", SIGNED_IN | {"apikey"}),
            api(
                f"api:{kind}-detail",
                SIGNED_IN - {"audit_admin"} | {"apikey"},
                pk=Ref(ref),
                across={"system_admin", "security_admin"},
            ),
        )
    ],
    api("api:dispute-list", SIGNED_IN | {"apikey"}),
    api("api:dispute-detail", DISPUTE_READERS | {"apikey"}, code=Ref("dispute", "code")),
    api(
        "api:dispute-reveal",
        {"mediator", "presidium"},
        method="POST",
        code=Ref("dispute", "code"),
        ok=BAD,
        special={"deputy": DENIED, "county": DENIED, "apikey": DENIED},
    ),
    api("api:mediation-session-list", SIGNED_IN | {"apikey"}),
    api("api:mediation-session-detail", DISPUTE_READERS | {"apikey"}, pk=Ref("session")),
    # the suggestion for whoever records demands (RECORD_FOR_OTHERS / SUBMIT with a desk)
    api(
        "intake:suggest",
        {"apikey", "observer", "agent", "deputy", "mediator", "presidium"},
        method="POST",
        ok=BAD,
        deny=DENIED,
    ),
    api(
        "intake:suggest_batch",
        {"apikey", "observer", "agent", "deputy", "mediator", "presidium"},
        method="POST",
        ok=BAD,
        deny=DENIED,
    ),
    # --- Open311 GeoReport v2: public reads of a jurisdiction, personal data only with its api_key --------
    row("open311:discovery", PUBLIC, format="json"),
    row("open311:services", PUBLIC, format="json", query="jurisdiction_id={town_code}", other=None),
    row(
        "open311:service",
        PUBLIC,
        service_code=Ref("category"),
        format="json",
        query="jurisdiction_id={town_code}",
        other=None,
    ),
    row("open311:requests", PUBLIC, format="json", query="jurisdiction_id={town_code}", other=None),
    row(
        "open311:request",
        PUBLIC,
        service_request_id=DEMAND,
        format="json",
        query="jurisdiction_id={town_code}",
        other=None,
    ),  # public fields of a public jurisdiction
    # a token is a key's own submission: none for the mobile demand
    row(
        "open311:token",
        set(),
        token=DEMAND,
        format="json",
        query="jurisdiction_id={town_code}",
        anon=HIDDEN,
        key=HIDDEN,
        deny=HIDDEN,
        other=None,
    ),
    row("open311:updates", PUBLIC, format="json", query="jurisdiction_id={town_code}", other=None),
    # --- the public board's redaction --------------------------------------------------------------------
    row("board:queue", OFFICE),
    row("board:redact", OFFICE, code=DEMAND),
    # --- duty ------------------------------------------------------------------------------------------------
    row("duty:home", DUTY),
    row("duty:profile", DUTY, pk=Ref("deputy"), deny=HIDDEN),
    row("duty:report", DUTY, pk=Ref("deputy"), deny=HIDDEN),
    row("duty:report_pdf", DUTY, pk=Ref("deputy"), deny=HIDDEN),  # export
    row("duty:rankings", OFFICE),
    row("duty:weights", OFFICE),
    row("duty:rota", OFFICE),
    row("duty:station_screen", OFFICE, pk=Ref("station")),
    row("duty:station_qr", OFFICE, pk=Ref("station")),
    row("duty:check_in", {"deputy"}, station_pk=Ref("station")),
    row("duty:visits", DUTY),
    row("duty:visit", DUTY | {"county"}, pk=Ref("visit"), deny=HIDDEN),
    # the visit log as a web app (duty/offline.py): its worker and manifest say nothing of anyone
    row("duty:visits_worker", PUBLIC),
    row("duty:visits_manifest", PUBLIC),
    row("duty:visits", DUTY),
    row("duty:coverage", DUTY),
    row("duty:activities", DUTY),
    # no evidence file on the activity: 404 for all (the file's scope is the activity's, as the page's)
    row("duty:activity_evidence", set(), pk=Ref("activity"), anon=HIDDEN, key=HIDDEN, deny=HIDDEN),
    row(
        "duty:activity_act",
        OFFICE,
        method="POST",
        pk=Ref("activity"),
        action="activity_reject",
        ok=BAD,  # allowed through, the blank reason refused
        deny=HIDDEN,
        special={"deputy": DENIED, "county": DENIED},
    ),  # the deputy's own, the county reads it
    # --- supervision -------------------------------------------------------------------------------------
    row("supervision:index", STAFF),
    row("supervision:propose", OFFICE),
    row("supervision:project", STAFF, pk=Ref("project")),
    row(
        "supervision:project_act",
        {"deputy", "presidium"},
        method="POST",
        pk=Ref("project"),
        action="inspect",
        ok=BAD,
    ),
    row("supervision:open_vote", OFFICE),
    row("supervision:vote", STAFF, pk=Ref("vote")),
    # the vote is counted: a deputy's ballot is refused by the state (403), the office's empty form 400
    row("supervision:vote_act", {"presidium"}, method="POST", pk=Ref("vote"), action="cast", ok=BAD),
    row("supervision:suggestions", STAFF),
    row("supervision:suggestion", STAFF, pk=Ref("suggestion")),
    row(
        "supervision:suggestion_act",
        {"deputy", "presidium"},
        method="POST",
        pk=Ref("suggestion"),
        action="reply",
        ok=BAD,
    ),  # the form is checked before the move (an empty form 400 for a deputy, who may not reply)
    row("supervision:inquiries", STAFF),
    row("supervision:plan_inquiry", OFFICE),
    row("supervision:inquiry", STAFF, pk=Ref("inquiry")),
    row(
        "supervision:inquiry_act",
        {"deputy", "presidium"},
        method="POST",
        pk=Ref("inquiry"),
        action="ask",
        ok=BAD,
    ),
    row("supervision:themes", STAFF),
    row("supervision:launch_theme", OFFICE),
    row("supervision:theme", STAFF, pk=Ref("theme")),
    row("supervision:theme_act", OFFICE, method="POST", pk=Ref("theme"), action="begin", ok=BAD),
    row("supervision:industry", STAFF),
    row("supervision:register_enterprise", OFFICE),
    row("supervision:enterprise", STAFF, pk=Ref("enterprise")),
    row("supervision:enterprise_reveal", OFFICE, method="POST", pk=Ref("enterprise"), ok=BAD),
    row("supervision:record_station_event", OFFICE),
    row("supervision:station_event", STAFF, pk=Ref("station_event")),
    row(
        "supervision:station_event_act",
        OFFICE,
        method="POST",
        pk=Ref("station_event"),
        action="record_outcome",
        ok=BAD,
    ),
    row("supervision:plans", STAFF),
    row("supervision:draft_plan", OFFICE),
    row("supervision:plan", STAFF, pk=Ref("plan")),
    row("supervision:add_plan_item", OFFICE, pk=Ref("plan")),
    row("supervision:plan_act", OFFICE, method="POST", pk=Ref("plan"), action="adopt_plan", ok=BAD),
    row("supervision:plan_item", STAFF, pk=Ref("plan_item")),
    row(
        "supervision:plan_item_act", OFFICE, method="POST", pk=Ref("plan_item"), action="hear_report", ok=BAD
    ),
    # a project under way is public (民生实事 are published), and so are its inspection photos
    row("supervision:photo", PUBLIC, pk=Ref("photo"), other=None),
    row("supervision:public_projects", PUBLIC, town_code=TOWN, other=None),
    # the plan is public once adopted: this one is a draft
    row("supervision:public_plan", set(), town_code=TOWN, anon=HIDDEN, key=HIDDEN, deny=HIDDEN, other=None),
    row("supervision:public_project", PUBLIC, town_code=TOWN, pk=Ref("project"), other=None),
    # --- disputes ------------------------------------------------------------------------------------------
    row("disputes:index", STAFF),
    row("disputes:register", {"mediator", "presidium"}),
    # the office makes a dispute of a demand it reads; the demand's other readers 403, the rest 404
    row(
        "disputes:from_demand",
        OFFICE,
        method="POST",
        code=DEMAND,
        deny=HIDDEN,
        special={p: DENIED for p in DEMAND_READERS - OFFICE},
    ),
    row("disputes:ledgers", STAFF),
    row("disputes:ledgers", STAFF, query="format=xlsx"),  # export
    row("disputes:analysis", INSIGHT),
    row("disputes:risk_rule", OFFICE),
    row("disputes:hearings", STAFF),
    row("disputes:hearing", DISPUTE_READERS, pk=Ref("hearing"), deny=HIDDEN),
    row(
        "disputes:hearing_act",
        OFFICE,
        method="POST",
        pk=Ref("hearing"),
        action="dismiss",
        ok=BAD,
        deny=HIDDEN,
        special={p: DENIED for p in DISPUTE_READERS - OFFICE},
    ),
    row("disputes:detail", DISPUTE_READERS, code=Ref("dispute", "code"), deny=HIDDEN),
    # the parties in full: the presidium and the dispute's mediator, with a reason (the empty POST: 400)
    row(
        "disputes:reveal",
        {"mediator", "presidium"},
        method="POST",
        code=Ref("dispute", "code"),
        ok=BAD,
        deny=HIDDEN,
        special={"deputy": DENIED, "county": DENIED},
    ),
    # no agreement yet (the dispute is being mediated): 404 for all
    row("disputes:agreement", set(), code=Ref("dispute", "code"), deny=HIDDEN),
    row(
        "disputes:act",
        {"mediator", "presidium"},
        method="POST",
        code=Ref("dispute", "code"),
        action="flag_petition",
        ok=BAD,
        deny=HIDDEN,
        special={"deputy": DENIED, "county": DENIED},
    ),
    # --- the citizen's mobile pages, the field pages, the public pages ----------------------------------
    row("portal:mobile", PUBLIC),
    row("portal:agent", {"agent"}),
    row("portal:observer", {"observer"}),
    row("portal:submit", PUBLIC, town_code=TOWN, other=None),
    # the phone pages as a web app (portal/offline.py): the worker, a fresh CSRF token, manifests, and the
    # reference data (categories and cells) scoped as each page is
    row("portal:service_worker", PUBLIC),
    row("portal:csrf", PUBLIC),
    row("portal:agent_manifest", PUBLIC),
    row("portal:agent_reference", {"agent"}),
    row("portal:observer_manifest", PUBLIC),
    row("portal:observer_reference", {"observer"}),
    row("portal:manifest", PUBLIC, town_code=TOWN, other=None),
    row("portal:reference", PUBLIC, town_code=TOWN, other=None),
    # a receipt or a tracked demand by its code alone: the readers of the demand (others track with the
    # code and the last four digits or the slip's PIN, on portal:track)
    row("portal:done", DEMAND_READERS, town_code=TOWN, code=DEMAND, anon=HIDDEN, key=HIDDEN, deny=HIDDEN),
    row("portal:place", set(), town_code=TOWN, anon=BAD, key=BAD, deny=BAD, other=None),  # needs lat/lng
    row("portal:track", PUBLIC, town_code=TOWN, other=None),
    row(
        "portal:photo",
        DEMAND_READERS,
        town_code=TOWN,
        code=DEMAND,
        pk=Ref("attachment"),
        anon=HIDDEN,
        key=HIDDEN,
        deny=HIDDEN,
    ),
    row("portal:tracked", DEMAND_READERS, town_code=TOWN, code=DEMAND, anon=HIDDEN, key=HIDDEN, deny=HIDDEN),
    row(
        "portal:evaluate",
        set(),
        town_code=TOWN,
        code=DEMAND,
        anon=NO_METHOD,
        key=NO_METHOD,
        deny=NO_METHOD,
        other=None,
    ),  # a form on portal:tracked
    row(
        "portal:confirm_phone",
        set(),
        town_code=TOWN,
        code=DEMAND,
        anon=NO_METHOD,
        key=NO_METHOD,
        deny=NO_METHOD,
        other=None,
    ),
    row("portal:sign_in", PUBLIC, town_code=TOWN, other=None),
    row("portal:verify", PUBLIC, town_code=TOWN, other=None),
    row("portal:mine", SIGNED_IN, town_code=TOWN, other=None),
    row("portal:qr", PUBLIC, town_code=TOWN, kind="station", pk=Ref("station"), fmt="svg", other=None),
    # what the town holds about the signed-in person; nobody's but one's own (no town: 404)
    row("privacy:my_data", SIGNED_IN - ADMINS - {"county"}, town_code=TOWN, deny=HIDDEN, other=None),
    row(
        "privacy:my_data",
        SIGNED_IN - ADMINS - {"county"},
        town_code=TOWN,
        query="format=json",
        deny=HIDDEN,
        other=None,
    ),  # export
    row("portal:board_index", PUBLIC),
    row("portal:board", PUBLIC, town_code=TOWN, other=None),
    row("portal:deputies", PUBLIC, town_code=TOWN, other=None),
    row("portal:find_deputy", PUBLIC, town_code=TOWN, other=None),
    row("portal:deputy", PUBLIC, town_code=TOWN, pk=Ref("deputy"), other=None),
    row("portal:stations", PUBLIC, town_code=TOWN, other=None),
    # last: signs everyone out
    row("logout", set(), method="POST", anon=LOGIN, deny=LOGIN),
]

# --- the admin ---------------------------------------------------------------------------------------------
# Per registered model (app_label.model_name): who gets its list, and who its "add" page.
# Per registered model (app_label.model_name): who of the admin's users (is_staff: the presidium and the three
# administrators, lianxin/accounts/provisioning.py) gets its list, and who its "add" page; the other staff get
# 403, everyone else the admin's sign-in page. Models with NOBODY are read on the app's own pages (scoped);
# their admin is for a superuser. The change, delete and history pages of a model follow its list.
NOBODY: set[str] = set()
ADMIN_MODELS: dict[str, tuple[set[str], set[str]]] = {
    "axes.accessattempt": ({"security_admin"}, NOBODY),
    "axes.accesslog": ({"security_admin"}, NOBODY),
    "axes.accessfailurelog": ({"security_admin"}, NOBODY),
    "otp_totp.totpdevice": ({"security_admin"}, {"security_admin"}),
    "admin.logentry": ({"audit_admin"}, NOBODY),
    "core.county": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "core.town": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "core.calendarday": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "accounts.user": ({"security_admin", "system_admin"}, {"system_admin"}),
    "auth.group": ({"security_admin", "system_admin"}, {"security_admin"}),
    "accounts.accountchange": ({"audit_admin"}, NOBODY),
    "territory.gridcell": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "territory.station": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "people.department": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "people.deputy": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "people.observer": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "people.agent": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "people.departmentstaff": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "demands.category": ({"presidium", "system_admin"}, {"presidium", "system_admin"}),
    "demands.demand": ({"presidium"}, NOBODY),
    "demands.assignment": ({"presidium"}, NOBODY),
    "demands.extension": ({"presidium"}, {"presidium"}),
    "notify.outboxmessage": ({"presidium"}, NOBODY),
    "notify.robotgroup": ({"system_admin"}, {"system_admin"}),  # WeCom/DingTalk group robots
    "notify.smsoptout": ({"presidium"}, NOBODY),  # numbers that asked for no texts: read, deleted on request
    "api.apikey": ({"system_admin"}, NOBODY),
    "api.webhooksubscription": ({"system_admin"}, NOBODY),
    "api.webhookdelivery": ({"system_admin"}, NOBODY),
    "board.publication": ({"presidium"}, {"presidium"}),
    "tracking.trackeditem": (NOBODY, NOBODY),
    "duty.dutyentry": (NOBODY, NOBODY),
    "duty.shift": (NOBODY, NOBODY),
    "supervision.votesession": (NOBODY, NOBODY),
    "supervision.project": (NOBODY, NOBODY),
    "supervision.suggestion": (NOBODY, NOBODY),
    "supervision.inquirysession": (NOBODY, NOBODY),
    "supervision.theme": (NOBODY, NOBODY),
    "supervision.enterprise": (NOBODY, NOBODY),
    "supervision.supervisionplan": (NOBODY, NOBODY),
    "intake.placealias": (NOBODY, NOBODY),
    "intake.intakemodel": (NOBODY, NOBODY),
    "intake.intakedecision": (NOBODY, NOBODY),
    "audit.auditentry": ({"audit_admin"}, NOBODY),
    "disputes.dispute": (NOBODY, NOBODY),
    "disputes.hearing": (NOBODY, NOBODY),
    "disputes.riskrule": (NOBODY, NOBODY),
}

ADMIN_SITE = [
    row("admin:index", ADMINS | OFFICE, anon=LOGIN, deny=LOGIN),
    row("admin:login", PUBLIC),
    row(
        "admin:app_list",
        {"presidium", "system_admin"},
        app_label="core",
        anon=LOGIN,
        deny=LOGIN,
        special={"security_admin": HIDDEN, "audit_admin": HIDDEN},
    ),
]

# URL patterns with no row, and why. Nothing else may be left out.
EXEMPT: dict[str, str] = {
    "admin:logout": "Django's sign-out of the admin: signs the asker out, as logout",
    "admin:password_change": "one's own password: every staff account, Django's",
    "admin:password_change_done": "one's own password: every staff account, Django's",
    "admin:autocomplete": "Django's: answers only for a model admin the asker may view (its list's row)",
    "admin:jsi18n": "the admin's JavaScript catalogue, no data",
    "admin:view_on_site": "Django's redirect to an object's own page, which has its row",
    "admin:auth_user_password_change": "the user admin's password form: change_user, as accounts.user's row",
    "admin:otp_totp_totpdevice_config": "django-otp's device pages: the security administrator's, as the list",
    "admin:otp_totp_totpdevice_qrcode": "django-otp's device pages: the security administrator's, as the list",
    "admin/(?P<url>.*)$": "the admin's catch-all: redirects to sign in or 404s",
}
# Django's old address of a change page (``admin/<app>/<model>/<id>/``, unnamed): a redirect to the named one.
EXEMPT_ROUTE = r"^admin/\w+/\w+/(<path:object_id>/|\^\(\[\^/\]\+\)/history/\(\[\^/\]\+\)/\$)$"
