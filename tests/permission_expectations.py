"""The expectation table of the route-by-role permission sweep (tests/test_permission_sweep.py).

Every named route of the URLconf must have an entry here (or match a prefix rule), or the sweep fails.
The expected status is derived from explicit facts written below, never from the code under test:

- ``ROLES``: which cast members may use the route at all (else 403);
- ``sees``: which branch's records each cast member sees (else 404 for object routes);
- anonymous visitors get the login redirect (pages) or 401 (API) unless the route is public.
"""

from dataclasses import dataclass, field

# The fixed cast (tests/conftest.py), one role each.
CITY_WIDE = {"director", "legal", "enf_officer", "enf_chief", "analyst", "fund_officer", "auditor"}
B01 = {"b01_chief", "b01_officer", "b01_fund"}
B02 = {"b02_chief", "b02_officer"}
STAFF = CITY_WIDE | B01 | B02
EVERYONE = STAFF | {"supervisor", "admin", "norole"}
CHANGERS = {"enf_chief", "fund_officer", "b01_chief", "b01_fund", "b02_chief"}  # chief, fund_officer
# Enforcement pages: cast members by role.
OFFICERS = {"enf_officer", "b01_officer", "b02_officer"}
CHIEFS = {"enf_chief", "b01_chief", "b02_chief"}
FUND_OFFICERS = {"fund_officer", "b01_fund"}
# Evidence (issue 15): the head (机关负责人) approves preservations; officers not on the sweep's cases are refused.
HEADS = CHIEFS | {"director"}
UNASSIGNED = tuple((name, 403) for name in sorted(OFFICERS))
# Leads and inspections (issue 5).
ANALYSTS = {"analyst"}
DRAWERS = CHIEFS | {"director"}
# Smart screening (issue 18): roles held in a city-wide unit only (a branch chief is not a screener).
SCREEN_VIEW = {"analyst", "enf_chief", "director"}
SCREEN_RUN = {"analyst", "enf_chief"}


def sees(username: str, model: str, branch: str) -> bool:
    """Whether ``username`` sees a record of ``model`` in ``branch`` (domain §2)."""
    if model == "orgunit":
        return username in STAFF | {"admin"}
    if model == "printbatch":
        return username == f"{branch.lower()}_chief"  # a print batch is its requester's alone (issue 4)
    if model == "notification":
        return username == f"{branch.lower()}_chief"  # a notification is its recipient's alone (issue 16)
    if model == "disclosure":
        return True  # published on the public pages (issue 6)
    if username == "admin":
        return True  # the superuser sees everything (it still holds no domain permission)
    if username in CITY_WIDE:
        return True
    if username in B01:
        return branch == "B01"
    if username in B02:
        return branch == "B02"
    if username == "supervisor":
        # The public register, and their own report (the sweep's B01 report is theirs, B02's another
        # supervisor's); never a case, an agreement action or a public report.
        return model == "institution" or (model in ("report", "reportattachment") and branch == "B01")
    return False


@dataclass(frozen=True)
class Route:
    roles: frozenset = field(default_factory=frozenset)  # who may use it (200); others 403
    obj: str | None = None  # "institution", "agreement", "orgunit": object routes are tried in and out of scope
    api: bool = False
    ok: int = 200
    anon: int | None = None  # anonymous status when not the default
    method: str = "get"
    fixed: int | None = None  # same status for everybody (e.g. 405 for GET on a POST-only route)
    ok_for: tuple = ()  # (username, status) pairs where a permitted user gets another status than ``ok``
    post: "Post | None" = None  # a route that also takes a POST (forms, API create and action endpoints)


@dataclass(frozen=True)
class Post:
    """What a bare POST (no fields) answers on a route that takes one, tried in scope, out of scope and on an id
    that does not exist (answered like out of scope).

    Those who may not open the route at all (``Route.roles``) get 403 first. Then those whose role may not take
    the step anywhere get 403 and those who may, 404 out of scope (the record's scope is looked at only for
    them). ``scope_first`` routes answer 404 out of scope to everybody who may open the route, and then 403 to
    a wrong role (the contract's order for cases/{id}/actions/). A permitted user in scope gets ``ok``.
    """

    roles: frozenset | None = None  # who may POST; None: the route's own roles
    ok: int = 200
    anon: int | None = None
    fixed: int | None = None
    ok_for: tuple = ()
    scope_first: bool = False


def p(roles=None, **kwargs) -> Post:
    return Post(roles=None if roles is None else frozenset(roles), **kwargs)


def r(roles, **kwargs) -> Route:
    return Route(roles=frozenset(roles), **kwargs)


ROUTES: dict[str, Route] = {
    # Pages
    "home": r(EVERYONE, ok_for=(("supervisor", 302),)),  # a supervisor is sent to their own portal (issue 6)
    "login": r(EVERYONE, ok=302, anon=200, post=p(ok=302, anon=200)),  # signed-in users are sent on to the home page
    "logout": Route(fixed=405, post=p(fixed=302)),  # POST only
    "password_change": r(EVERYONE, post=p()),
    "password_change_done": r(EVERYONE),
    "set_language": Route(fixed=302, post=p(fixed=302)),  # GET just redirects back
    "favicon": Route(fixed=301, post=p(fixed=301)),  # to the static icon (a redirect answers any method)
    "javascript-catalog": Route(fixed=200),
    "supervision:orgunit-list": r(STAFF | {"admin"}),
    "supervision:institution-list": r(STAFF),
    # Type-ahead pickers (issue 16): institutions the user sees (supervisors: the public register), officers in scope.
    "supervision:institution-lookup": r(STAFF | {"supervisor"}),
    "supervision:officer-lookup": r(STAFF | {"admin"}),
    "supervision:institution-export": r(STAFF),
    "supervision:institution-create": r(CHANGERS, post=p()),
    "supervision:institution-detail": r(STAFF, obj="institution"),
    "supervision:institution-update": r(CHANGERS, obj="institution", post=p()),
    "supervision:institution-transfer": r(CHANGERS, obj="institution", post=p()),
    "supervision:agreement-create": r(CHANGERS, obj="institution", post=p()),
    "supervision:agreement-list": r(STAFF),
    "supervision:agreement-detail": r(STAFF, obj="agreement"),
    # --- Enforcement pages (enforcement/urls.py) ---
    "enforcement:case-list": r(STAFF),
    # 批量批准立案 (issue 16): no case ticked ⇒ back to the queue with a message (GET and bare POST alike);
    # the result page without a result in the session ⇒ the case list.
    "enforcement:case-bulk-approve-filing": r(CHIEFS, ok=302, post=p(ok=302)),
    "enforcement:case-bulk-result": r(STAFF, ok=302),
    "enforcement:case-export": r(STAFF),
    "enforcement:case-create": r(OFFICERS, post=p()),
    "enforcement:case-detail": r(STAFF, obj="case"),
    # GET of one action's page; the sweep fills <action> with approve_filing (its cases are in filing).
    "enforcement:case-act": r(CHIEFS, obj="case"),
    # The hearing's schedule and record (issue 15): everyone who sees the case reads it; saving is refused on the
    # form (no hearing requested, or not an assigned officer or the chief), so a bare POST re-shows it.
    "enforcement:case-hearing": r(STAFF, obj="case", post=p()),
    "enforcement:agreementaction-list": r(STAFF),
    "enforcement:agreementaction-create": r(OFFICERS | CHIEFS | FUND_OFFICERS, post=p()),
    "enforcement:agreementaction-detail": r(STAFF, obj="agreementaction"),
    # POST-only steps, swept with a bare POST: whoever may take the step is sent back to the measure's page
    # (302: done, or refused with a message for the state or a missing reason); others 403, out of scope 404.
    "enforcement:agreementaction-approve": r(CHIEFS | {"director"}, obj="agreementaction", method="post", ok=302),
    "enforcement:agreementaction-reject": r(CHIEFS | {"director"}, obj="agreementaction", method="post", ok=302),
    "enforcement:agreementaction-apply": r(CHIEFS | FUND_OFFICERS, obj="agreementaction", method="post", ok=302),
    "enforcement:penaltyrule-list": r(STAFF),
    "enforcement:deadline-calculator": r(STAFF),  # 期限计算 (issue 14)
    # --- Documents (issue 4; enforcement/documents_views.py) ---
    # "casedocument"/"actiondocument": a document under its case/measure, in and out of scope. Issuing is
    # POST-only: a GET is 405 for whoever may issue there (fund officers are refused per kind by the service).
    "enforcement:case-document-issue": r(OFFICERS | CHIEFS | FUND_OFFICERS, obj="case", ok=405, post=p(ok=302)),
    "enforcement:case-document-draft": r(STAFF, obj="case"),  # <kind> is filing_form
    "enforcement:case-document-preview": r(STAFF, obj="casedocument"),
    "enforcement:case-document-download": r(STAFF, obj="casedocument"),
    # The case file (issue 15): whoever sees the case reads its file; verification is a POST (GET 405).
    "enforcement:case-file": r(STAFF, obj="case"),
    "enforcement:case-file-pdf": r(STAFF, obj="case"),
    "enforcement:case-file-zip": r(STAFF, obj="case"),
    "enforcement:case-file-verify": r(STAFF, obj="case", ok=405, post=p(ok=200)),
    "enforcement:agreementaction-document-issue": r(
        OFFICERS | CHIEFS | FUND_OFFICERS, obj="agreementaction", ok=405, post=p(ok=302)
    ),
    "enforcement:agreementaction-document-draft": r(STAFF, obj="agreementaction"),  # <kind> is agreement_notice
    "enforcement:agreementaction-document-preview": r(STAFF, obj="actiondocument"),
    "enforcement:agreementaction-document-download": r(STAFF, obj="actiondocument"),
    "enforcement:document-list": r(STAFF),
    "enforcement:document-print": r(CHIEFS, ok=405, post=p(ok=302)),  # POST only
    "enforcement:printbatch-detail": r(CHIEFS, obj="printbatch"),
    "enforcement:printbatch-status": r(CHIEFS, obj="printbatch"),
    "enforcement:printbatch-download": r(CHIEFS, obj="printbatch"),
    # Investigation records (issue 15 item 2): "recordcase" is an investigating case in each branch with that
    # branch's officer assigned, "record" a draft inquiry record on it. Only assigned officers write records:
    # enf_officer (city-wide, not assigned) gets 403. A bare POST re-shows the form (200); the POST-only steps
    # go back to the record with a message (302: an inquiry record without questions is not issued).
    "enforcement:record-create": r(
        OFFICERS, obj="recordcase", ok_for=(("enf_officer", 403),), post=p(ok_for=(("enf_officer", 403),))
    ),
    "enforcement:record-detail": r(STAFF, obj="record"),
    "enforcement:record-preview": r(STAFF, obj="record"),
    "enforcement:record-edit": r(
        OFFICERS, obj="record", ok_for=(("enf_officer", 403),), post=p(ok_for=(("enf_officer", 403),))
    ),
    "enforcement:record-issue": r(OFFICERS, obj="record", method="post", ok=302, ok_for=(("enf_officer", 403),)),
    "enforcement:record-attach": r(OFFICERS, obj="record", method="post", ok=302, ok_for=(("enf_officer", 403),)),
    # --- Evidence, preservations and sealings of a case (issue 15; enforcement/evidence/views.py) ---
    # POST-only: a GET is 405 for whoever may use the route. The sweep's cases are in "filing" and have no team:
    # an officer is not assigned (403); a chief is refused for the state with a message (302).
    "enforcement:case-evidence-add": r(OFFICERS | CHIEFS, obj="case", ok=405, post=p(ok=302, ok_for=UNASSIGNED)),
    "enforcement:case-evidence-download": r(STAFF, obj="caseevidence"),
    "enforcement:case-preservation-request": r(
        OFFICERS | CHIEFS, obj="case", ok=405, post=p(ok=302, ok_for=UNASSIGNED)
    ),
    # A requested preservation in each branch: the head approves (302), rejects without a reason or decides in
    # the wrong state (302 with a message).
    "enforcement:case-preservation-approve": r(HEADS, obj="casepreservation", ok=405, post=p(ok=302)),
    "enforcement:case-preservation-reject": r(HEADS, obj="casepreservation", ok=405, post=p(ok=302)),
    "enforcement:case-preservation-decide": r(HEADS, obj="casepreservation", ok=405, post=p(ok=302)),
    "enforcement:case-sealing-create": r(OFFICERS | CHIEFS, obj="case", ok=405, post=p(ok=302, ok_for=UNASSIGNED)),
    "enforcement:case-sealing-lift": r(OFFICERS | CHIEFS, obj="casesealing", ok=405, post=p(ok=302, ok_for=UNASSIGNED)),
    # --- end of enforcement pages ---
    # --- Leads, imports, inspections and random draws (issue 5) ---
    "supervision:lead-list": r(STAFF),
    "supervision:lead-export": r(STAFF),
    "supervision:lead-create": r(OFFICERS | CHIEFS | ANALYSTS, post=p()),
    "supervision:lead-detail": r(STAFF, obj="lead"),
    # POST-only steps, swept with a bare POST on a confirmed lead: whoever may take the step is sent back to the
    # lead's page (302, refused with a message for the state); others 403, out of scope 404.
    "supervision:lead-dispatch": r(CHIEFS | ANALYSTS, obj="lead", method="post", ok=302),
    # Bulk dispatch from the list (issue 16): an empty choice goes back to the list with a message.
    "supervision:lead-bulk-dispatch": r(CHIEFS | ANALYSTS, method="post", ok=302),
    "supervision:lead-start-verification": r(OFFICERS | CHIEFS, obj="lead", method="post", ok=302),
    "supervision:lead-dismiss": r(CHIEFS, obj="lead", method="post", ok=302),
    "supervision:lead-confirm": r(CHIEFS, obj="lead", method="post", ok=302),
    "supervision:leadimport-list": r(STAFF),
    "supervision:leadimport-create": r(CHIEFS | ANALYSTS, post=p()),
    "supervision:leadimport-detail": r(STAFF, obj="importbatch"),
    "supervision:leadimport-progress": r(STAFF, obj="importbatch"),
    "supervision:inspection-list": r(STAFF),
    "supervision:inspection-create": r(OFFICERS | CHIEFS, post=p()),
    "supervision:inspection-detail": r(STAFF, obj="inspection"),
    "supervision:inspection-start": r(OFFICERS | CHIEFS, obj="inspection", method="post", ok=302),
    "supervision:finding-create": r(OFFICERS | CHIEFS, obj="inspection", method="post", ok=302),
    "supervision:inspection-finish": r(OFFICERS | CHIEFS, obj="inspection", method="post", ok=302),
    "supervision:inspection-close": r(CHIEFS, obj="inspection", method="post", ok=302),
    "supervision:inspection-cancel": r(CHIEFS, obj="inspection", method="post", ok=302),
    "supervision:finding-evidence": r(STAFF, obj="finding"),
    "supervision:randomdraw-list": r(STAFF),
    "supervision:randomdraw-create": r(DRAWERS, post=p()),
    "supervision:randomdraw-detail": r(STAFF, obj="randomdraw"),
    "supervision:randomdraw-verify": r(STAFF, obj="randomdraw"),
    "supervision:randomdraw-publish": r(DRAWERS, obj="randomdraw", method="post", ok=302),
    # Follow-ups of confirmed leads and of findings (enforcement/leads_views.py): the sweep's leads are confirmed
    # and its findings belong to started inspections.
    "enforcement:lead-open-case": r(OFFICERS, obj="lead", post=p()),
    "enforcement:lead-agreementaction": r(OFFICERS | CHIEFS | FUND_OFFICERS, obj="lead", post=p()),
    "enforcement:finding-open-case": r(OFFICERS, obj="finding", post=p()),
    "enforcement:finding-agreementaction": r(OFFICERS | CHIEFS | FUND_OFFICERS, obj="finding", post=p()),
    # --- end of issue 5 pages ---
    # --- Supervisors, reports, rewards, public pages (issue 6) ---
    # The supervisor's own portal: staff get 403; "report" objects: B01's is the supervisor's own, B02's another's.
    "supervision:my-reports": r({"supervisor"}),
    "supervision:my-report-create": r({"supervisor"}, post=p()),  # the sweep's supervisor holds an active appointment
    "supervision:my-report-detail": r({"supervisor"}, obj="report"),
    "supervision:my-report-attachment": r({"supervisor"}, obj="reportattachment"),
    "supervision:report-list": r(STAFF),
    "supervision:report-detail": r(STAFF, obj="report"),
    "supervision:report-reply": r(OFFICERS | CHIEFS, obj="report", method="post", ok=302),  # bare POST: message
    "supervision:report-close": r(CHIEFS, obj="report", method="post", ok=302),  # bare POST: message
    "supervision:report-attachment": r(STAFF, obj="reportattachment"),
    "enforcement:reward-list": r(STAFF),
    "enforcement:reward-create": r(OFFICERS | CHIEFS, post=p()),
    # 批量批准 (issue 16): no reward ticked ⇒ back to the list (GET and bare POST); no result yet ⇒ the list.
    "enforcement:reward-bulk-approve": r(CHIEFS, ok=302, post=p(ok=302)),
    "enforcement:reward-bulk-result": r(STAFF, ok=302),
    "enforcement:reward-detail": r(STAFF, obj="reward"),
    "enforcement:reward-approve": r(CHIEFS, obj="reward", method="post", ok=302),
    "enforcement:reward-reject": r(CHIEFS, obj="reward", method="post", ok=302),
    "enforcement:reward-claim": r(CHIEFS | FUND_OFFICERS, obj="reward", method="post", ok=302),
    # Public pages: everybody, signed in or not.
    "public:index": r(EVERYONE, anon=200),
    "public:case-detail": r(EVERYONE, anon=200, obj="disclosure"),
    "public:report": r(EVERYONE, anon=200, post=p(anon=200)),
    "public:report-track": r(EVERYONE, anon=200, post=p(anon=200)),
    "public:report-done": r(EVERYONE, fixed=302),  # without a report just sent, back to the form
    "public:register-lookup": r(EVERYONE, anon=200),  # the public register's names and codes
    # --- end of issue 6 pages ---
    # --- Credit evaluation (issue 7; credit/urls.py, credit/public_urls.py) ---
    "credit:rating-list": r(STAFF),
    "credit:rating-export": r(STAFF),
    "credit:rating-detail": r(STAFF, obj="creditrating"),
    # POST-only steps swept with a bare POST: whoever may take the step is sent back to the record's page (302,
    # refused with a message for a missing choice or the state); others 403, out of scope 404.
    "credit:rating-self-correction": r(CHIEFS, obj="creditrating", method="post", ok=302),
    "credit:scheme-list": r(STAFF),
    "credit:settlement-import": r(CHIEFS | FUND_OFFICERS, post=p()),
    "credit:repair-list": r(STAFF),
    "credit:repair-create": r(OFFICERS | CHIEFS | FUND_OFFICERS, post=p()),
    "credit:repair-detail": r(STAFF, obj="repairapplication"),
    "credit:repair-approve": r(CHIEFS, obj="repairapplication", method="post", ok=302),
    "credit:repair-refuse": r(CHIEFS, obj="repairapplication", method="post", ok=302),
    "credit:assessment-list": r(STAFF),
    "credit:assessment-create": r(CHIEFS | FUND_OFFICERS, post=p()),
    "credit:assessment-detail": r(STAFF, obj="assessment"),
    "credit:assessment-update": r(CHIEFS | FUND_OFFICERS, obj="assessment", post=p()),
    "credit_public:grade-e": r(EVERYONE, anon=200),
    # Revoking an applied agreement measure (issue 7: its credit events are reversed).
    "enforcement:agreementaction-revoke": r(CHIEFS | {"director"}, obj="agreementaction", method="post", ok=302),
    # --- end of issue 7 pages ---
    # --- Smart screening (issue 18; supervision/screening/urls.py): rules, runs, imports, the knowledge base ---
    "supervision:screening:rule-list": r(SCREEN_VIEW),
    "supervision:screening:rule-detail": r(SCREEN_VIEW, obj="screeningrule"),
    "supervision:screening:rule-update": r({"analyst"}, obj="screeningrule", method="post", ok=302),  # bare POST
    "supervision:screening:run-list": r(SCREEN_VIEW),
    # Bare POST: a run of every active rule is started (it fails at once without a knowledge base): 302.
    "supervision:screening:run-create": r(SCREEN_RUN, method="post", ok=302),
    "supervision:screening:run-detail": r(SCREEN_VIEW, obj="screeningrun"),
    # The sweep's runs are done: the page refuses with a message (302 back), the API with 409.
    "supervision:screening:run-cancel": r(SCREEN_RUN, obj="screeningrun", method="post", ok=302),
    "supervision:screening:run-progress": r(SCREEN_VIEW, obj="screeningrun"),
    "supervision:screening:batch-list": r(SCREEN_VIEW),
    "supervision:screening:batch-create": r(SCREEN_RUN, post=p(ok=200)),  # no file: the form again
    "supervision:screening:batch-detail": r(SCREEN_VIEW, obj="settlementbatch"),
    "supervision:screening:batch-progress": r(SCREEN_VIEW, obj="settlementbatch"),
    "supervision:screening:catalogue": r(SCREEN_VIEW),
    "supervision:screening:catalogue-import": r(SCREEN_RUN, post=p(ok=200)),
    # A lead's hits (its evidence) and their Excel export: scoped like the lead.
    "supervision:screening:lead-hits": r(STAFF, obj="lead"),
    "supervision:screening:lead-hits-export": r(STAFF, obj="lead"),
    # --- end of issue 18 pages ---
    # --- Statistics and the recovery ledger (issue 17; enforcement/statistics, enforcement/recoveries) ---
    "enforcement:statistics": r(STAFF),
    "enforcement:statistics-refresh": r(STAFF, method="post", ok=302),  # queues the refresh of the stored months
    "enforcement:statistics-export": r(STAFF),
    "enforcement:statistics-rows-export": r(STAFF, ok=404),  # without ?figure= there is nothing to export
    "enforcement:recovery-list": r(STAFF),
    "enforcement:recovery-export": r(STAFF),
    "enforcement:recovery-balances": r(STAFF),
    "enforcement:recovery-create": r(CHIEFS | FUND_OFFICERS, post=p(ok=200)),  # empty form: shown again
    "enforcement:recovery-detail": r(STAFF, obj="recoveryentry"),
    # POST-only: a bare POST is refused with a message and sent back to the obligation's page.
    "enforcement:recovery-settle": r(CHIEFS | FUND_OFFICERS, obj="recoveryentry", method="post", ok=302),
    # --- end of issue 17 pages ---
    # API
    "api-token": Route(fixed=405, api=True, post=p(fixed=400)),  # POST only
    # Schema and docs need a signed-in user (issue 13): anonymous 401 (schema) or the login page (docs).
    "api-schema": r(EVERYONE, api=True),
    "api-docs": r(EVERYONE),
    "api-root": r(EVERYONE, api=True),
    "orgunit-list": r(STAFF | {"admin"}, api=True),
    "orgunit-detail": r(STAFF | {"admin"}, api=True, obj="orgunit"),
    "institution-list": r(STAFF | {"supervisor"}, api=True, post=p(CHANGERS, ok=400)),
    "institution-detail": r(STAFF | {"supervisor"}, api=True, obj="institution"),
    "agreement-list": r(STAFF, api=True, post=p(CHANGERS, ok=400)),
    "agreement-detail": r(STAFF, api=True, obj="agreement"),
    # Enforcement API (enforcement/api.py). Supervisors, the administrator and users without a role get 403.
    "case-list": r(STAFF, api=True, post=p(OFFICERS, ok=400)),
    "case-bulk-approve-filing": r(STAFF, api=True, ok=405, post=p(CHIEFS, ok=400)),  # no ids named: 400
    "case-detail": r(STAFF, api=True, obj="case"),
    "case-actions": r(STAFF, api=True, obj="case"),  # GET lists the caller's available actions; POST acts
    "case-events": r(STAFF, api=True, obj="case"),
    "agreementaction-list": r(STAFF, api=True, post=p(OFFICERS | CHIEFS | FUND_OFFICERS, ok=400)),
    "agreementaction-detail": r(STAFF, api=True, obj="agreementaction"),
    # POST only: a GET is 405 once the caller may read the record (out of scope or absent is still 404).
    "agreementaction-approve": r(STAFF, api=True, obj="agreementaction", ok=405, post=p(CHIEFS | {"director"}, ok=200)),
    "agreementaction-reject": r(STAFF, api=True, obj="agreementaction", ok=405, post=p(CHIEFS | {"director"}, ok=400)),
    "agreementaction-apply": r(STAFF, api=True, obj="agreementaction", ok=405, post=p(CHIEFS | FUND_OFFICERS, ok=409)),
    "agreementaction-revoke": r(
        STAFF, api=True, obj="agreementaction", ok=405, post=p(CHIEFS | {"director"}, ok=409)
    ),  # issue 7
    # Leads, inspections and random draws (supervision/leads_api.py, inspections_api.py). POST-only actions answer
    # a GET with 405 once the caller may read the record.
    "lead-list": r(STAFF, api=True, post=p(OFFICERS | CHIEFS | ANALYSTS, ok=400)),
    "lead-detail": r(STAFF, api=True, obj="lead"),
    "lead-dispatch": r(STAFF, api=True, obj="lead", ok=405, post=p(CHIEFS | ANALYSTS, ok=409)),
    "lead-bulk-dispatch": r(STAFF, api=True, ok=405, post=p(CHIEFS | ANALYSTS, ok=400)),  # no leads named: 400
    "lead-start-verification": r(STAFF, api=True, obj="lead", ok=405, post=p(OFFICERS | CHIEFS, ok=409)),
    "lead-dismiss": r(STAFF, api=True, obj="lead", ok=405, post=p(CHIEFS, ok=409)),
    "lead-confirm": r(STAFF, api=True, obj="lead", ok=405, post=p(CHIEFS, ok=409)),
    "lead-import": r(STAFF, api=True, ok=405, post=p(CHIEFS | ANALYSTS, ok=400)),
    "lead-import-status": r(STAFF, api=True, obj="importbatch"),  # progress and report of a batch (issue 13)
    # One's own API tokens (issue 13): everyone signed in; revoking is POST only.
    "supervision:account-tokens": r(EVERYONE),
    # My inbox and notifications (issue 16): the inbox is staff work (a supervisor's is their report portal);
    # notifications are each user's own (another user's is missing: 404, for every method).
    "supervision:inbox": r(STAFF | {"admin"}),
    "supervision:notification-list": r(EVERYONE),
    "supervision:notification-read-all": r(EVERYONE, ok=405, post=p(ok=302)),
    "supervision:notification-read": r(EVERYONE, obj="notification", ok=405, post=p(ok=302)),
    "supervision:account-tokens-revoke": r(EVERYONE, ok=405, post=p(ok=302)),
    "inspection-list": r(STAFF, api=True, post=p(OFFICERS | CHIEFS, ok=400)),
    "inspection-detail": r(STAFF, api=True, obj="inspection"),
    "inspection-start": r(STAFF, api=True, obj="inspection", ok=405, post=p(OFFICERS | CHIEFS, ok=409)),
    "inspection-finish": r(STAFF, api=True, obj="inspection", ok=405, post=p(OFFICERS | CHIEFS, ok=400)),
    "inspection-close": r(STAFF, api=True, obj="inspection", ok=405, post=p(CHIEFS, ok=409)),
    "inspection-cancel": r(STAFF, api=True, obj="inspection", ok=405, post=p(CHIEFS, ok=400)),
    "inspection-findings": r(STAFF, api=True, obj="inspection", post=p(OFFICERS | CHIEFS, ok=400, scope_first=True)),
    "randomdraw-list": r(STAFF, api=True),
    "randomdraw-detail": r(STAFF, api=True, obj="randomdraw"),
    "randomdraw-verify": r(STAFF, api=True, obj="randomdraw"),
    # Follow-ups (enforcement/leads_api.py), POST only: who may open the target and sees the record gets 405.
    "lead-open-case": r(OFFICERS, api=True, obj="lead", ok=405, post=p(ok=400)),
    "lead-agreementaction": r(OFFICERS | CHIEFS | FUND_OFFICERS, api=True, obj="lead", ok=405, post=p(ok=400)),
    "finding-open-case": r(OFFICERS, api=True, obj="finding", ok=405, post=p(ok=400)),
    "finding-agreementaction": r(OFFICERS | CHIEFS | FUND_OFFICERS, api=True, obj="finding", ok=405, post=p(ok=400)),
    # Reports (issue 6; supervision/reports_api.py): a supervisor reads their own; reply is POST only.
    "report-list": r(STAFF | {"supervisor"}, api=True, post=p({"supervisor"}, ok=400)),
    "report-detail": r(STAFF | {"supervisor"}, api=True, obj="report"),
    "report-reply": r(STAFF | {"supervisor"}, api=True, obj="report", ok=405, post=p(OFFICERS | CHIEFS, ok=400)),
    # Credit (issue 7; credit/api.py): ratings scoped like institutions; scoring is POST only (405 on GET).
    "creditrating-list": r(STAFF, api=True),
    "creditrating-detail": r(STAFF, api=True, obj="creditrating"),
    "assessment-score": r(STAFF, api=True, ok=405, post=p(ok=400)),
    # Smart screening (issue 18; supervision/screening/api.py)
    "screening-rule-list": r(SCREEN_VIEW, api=True),
    "screening-rule-detail": r(SCREEN_VIEW, api=True, obj="screeningrule"),
    "screening-run-list": r(SCREEN_VIEW, api=True, post=p(SCREEN_RUN, ok=202)),
    "screening-run-detail": r(SCREEN_VIEW, api=True, obj="screeningrun"),
    "screening-run-cancel": r(SCREEN_VIEW, api=True, obj="screeningrun", ok=405, post=p(SCREEN_RUN, ok=409)),
    "settlementbatch-list": r(SCREEN_VIEW, api=True, post=p(SCREEN_RUN, ok=400)),  # no file
    "settlementbatch-detail": r(SCREEN_VIEW, api=True, obj="settlementbatch"),
    "lead-hits": r(STAFF, api=True, obj="lead"),
    # Statistics and the recovery ledger (issue 17)
    "statistics": r(STAFF, api=True),
    "inbox": r(STAFF | {"admin"}, api=True),  # issue 16
    "notification-list": r(EVERYONE, api=True),
    "notification-read-all": r(EVERYONE, api=True, ok=405, post=p(ok=200)),
    "notification-read": r(EVERYONE, api=True, obj="notification", ok=405, post=p(ok=200)),
    "recoveryentry-list": r(STAFF, api=True),
    "recoveryentry-detail": r(STAFF, api=True, obj="recoveryentry"),
    "deadlines": r(STAFF, api=True, ok=400),  # without ?from= (issue 14)
    # Documents of a case (issue 4; enforcement/documents_api.py)
    "case-document-list": r(STAFF, api=True, obj="case", post=p(OFFICERS | CHIEFS | FUND_OFFICERS, ok=400)),
    "case-document-detail": r(STAFF, api=True, obj="casedocument"),
    "case-document-download": r(STAFF, api=True, obj="casedocument"),
    # Evidence of a case (issue 15; enforcement/evidence/api.py): a bare POST by a chief meets the case's state
    # ("filing", 409) before its input; officers are not assigned to the sweep's cases (403).
    "case-evidence-list": r(STAFF, api=True, obj="case", post=p(OFFICERS | CHIEFS, ok=409, ok_for=UNASSIGNED)),
    "case-evidence-file": r(STAFF, api=True, obj="caseevidence"),
    # The case file (issue 15).
    "case-file": r(STAFF, api=True, obj="case"),
    "case-file-pdf": r(STAFF, api=True, obj="case"),
    "case-file-zip": r(STAFF, api=True, obj="case"),
}

# Route-name prefixes covered by a rule instead of one entry each.
PREFIX_RULES: dict[str, str] = {
    # The admin site is for superusers only (SuperuserOnlyMixin); its index and every changelist are
    # requested by test_admin_is_superuser_only. Object routes there take string ids and are the
    # admin's own; they are not part of the portal's scoping surface.
    "admin:": "admin",
}


def expected(route: Route, username: str | None, branch: str | None) -> int:
    if route.fixed is not None:
        return route.fixed
    if username is None:
        if route.anon is not None:
            return route.anon
        return 401 if route.api else 302
    if username not in route.roles:
        return 403
    if route.obj and not sees(username, route.obj, branch):
        return 404
    return dict(route.ok_for).get(username, route.ok)


MISSING = "missing"  # the sweep's "branch" of an id that does not exist: nobody sees it


# --- Procedure actions (domain §4), swept by POST on cases/{id}/actions/ (API) and cases/{id}/act/<action>/ ---
# Who may take each action, as cast members. The sweep's cases are in "filing": an action not open there
# answers 409 to whoever may take it; one open there answers a bare POST as invalid input (API 400, the page
# shows the form again, 200), or is done (API 200, the page sends the user back to the case, 302).
DIRECTOR = {"director"}
LEGAL = {"legal"}
CASE_ACTIONS: dict[str, frozenset] = {
    name: frozenset(roles)
    for name, roles in {
        "approve_filing": CHIEFS,
        "reject_filing": CHIEFS,
        "assign_officers": CHIEFS,
        "declare_recusal": CHIEFS | DIRECTOR,
        "submit_report": OFFICERS,
        "return": CHIEFS | LEGAL,
        "approve_report": CHIEFS,
        "pass_legal_review": LEGAL,
        "issue_notice": OFFICERS,
        "record_statement": OFFICERS,
        "request_hearing": OFFICERS,
        "record_hearing": OFFICERS,
        "close_window": OFFICERS,
        "record_discussion": DIRECTOR,
        "decide": CHIEFS | DIRECTOR,
        "record_service": OFFICERS,
        "record_payment": OFFICERS | FUND_OFFICERS,
        "close": CHIEFS,
        "transfer": CHIEFS | DIRECTOR,
        "terminate": CHIEFS,
        "archive": CHIEFS,
        "revoke_decision": DIRECTOR,
        "extend": CHIEFS,
        "supervise": DIRECTOR,
        "take_over": DIRECTOR,
        # Legal fidelity (issue 14): transfer to the police as steps, suspension, excluded periods, appeals,
        # deferred or instalment payment.
        "report_police_transfer": OFFICERS,
        "decide_police_transfer": DIRECTOR,
        "hand_over_police": CHIEFS | OFFICERS,
        "record_police_feedback": CHIEFS | OFFICERS,
        "suspend": CHIEFS,
        "resume": CHIEFS,
        "record_excluded_period": OFFICERS,
        "record_appeal": CHIEFS | OFFICERS,
        "end_appeal": CHIEFS | OFFICERS,
        "propose_payment_plan": OFFICERS | FUND_OFFICERS,
        "decide_payment_plan": CHIEFS,
    }.items()
}
# Open in "filing", with what a bare POST by a permitted user answers: (API, page).
OPEN_IN_FILING: dict[str, tuple[int, int]] = {
    "approve_filing": (400, 200),
    "reject_filing": (400, 200),
    "assign_officers": (200, 302),  # no officer named: allowed before filing (the team is checked once filed)
    "declare_recusal": (400, 200),
    "transfer": (400, 200),
    "terminate": (400, 200),
    "supervise": (400, 200),
    "take_over": (400, 200),
}


def expected_case_action(action: str, username: str | None, branch: str, *, api: bool) -> int:
    """The API answers 404 out of scope before 403 for the role (its documented order); the page checks the
    role anywhere first (403), then the scope (404)."""
    if username is None:
        return 401 if api else 302
    roles = CASE_ACTIONS[action]
    in_scope = branch != MISSING and sees(username, "case", branch)
    if api:
        if username not in STAFF:
            return 403
        if not in_scope:
            return 404
        if username not in roles:
            return 403
    else:
        if username not in roles:
            return 403
        if not in_scope:
            return 404
    if action not in OPEN_IN_FILING:
        return 409
    return OPEN_IN_FILING[action][0 if api else 1]


def expected_post(route: Route, username: str | None, branch: str | None) -> int:
    post = route.post
    if post.fixed is not None:
        return post.fixed
    if username is None:
        if post.anon is not None:
            return post.anon
        return 401 if route.api else 302
    roles = route.roles if post.roles is None else post.roles
    if username not in route.roles:
        return 403
    in_scope = not route.obj or (branch != MISSING and sees(username, route.obj, branch))
    if post.scope_first and not in_scope:
        return 404
    if username not in roles:
        return 403
    if not in_scope:
        return 404
    return dict(post.ok_for).get(username, post.ok)


# --- Rows of every list, API list and export (the sweep compares them with ``visible_to``) ---------------------
# Route name -> the model whose rows it shows ("app_label.Model"), or why its rows are not scoped.
LISTS: dict[str, str] = {
    "supervision:orgunit-list": "supervision.OrgUnit",
    "supervision:institution-list": "supervision.Institution",
    "supervision:institution-export": "supervision.Institution",
    "supervision:institution-lookup": "supervision.Institution",
    "supervision:agreement-list": "supervision.Agreement",
    "enforcement:case-list": "enforcement.Case",
    "enforcement:case-export": "enforcement.Case",
    "enforcement:agreementaction-list": "enforcement.AgreementAction",
    "enforcement:penaltyrule-list": "not scoped: the penalty rules are the same for everybody",
    "enforcement:document-list": "enforcement.Document",
    "supervision:lead-list": "supervision.Lead",
    "supervision:lead-export": "supervision.Lead",
    "supervision:leadimport-list": "supervision.ImportBatch",
    "supervision:inspection-list": "supervision.Inspection",
    "supervision:randomdraw-list": "supervision.RandomDraw",
    "supervision:my-reports": "supervision.Report",
    "supervision:report-list": "supervision.Report",
    "enforcement:reward-list": "enforcement.Reward",
    "credit:rating-list": "credit.CreditRating",
    "credit:rating-export": "credit.CreditRating",
    "credit:scheme-list": "not scoped: the credit scheme is the same for everybody",
    "credit:repair-list": "credit.RepairApplication",
    "credit:assessment-list": "credit.Assessment",
    "orgunit-list": "supervision.OrgUnit",
    "institution-list": "supervision.Institution",
    "agreement-list": "supervision.Agreement",
    "case-list": "enforcement.Case",
    "agreementaction-list": "enforcement.AgreementAction",
    "lead-list": "supervision.Lead",
    "inspection-list": "supervision.Inspection",
    "randomdraw-list": "supervision.RandomDraw",
    "report-list": "supervision.Report",
    "creditrating-list": "credit.CreditRating",
    "case-document-list": "enforcement.Document",  # the documents of one case (an object route)
    "case-evidence-list": "not scoped here: the evidence of one case, behind the case's scope (sweep)",
    # The recovery ledger (issue 17)
    "enforcement:recovery-list": "enforcement.RecoveryEntry",
    "recoveryentry-list": "enforcement.RecoveryEntry",
    "enforcement:recovery-export": "not scoped here: a report layout (title, totals row); its rows are the list's, "
    "scoped and checked in tests/enforcement/test_recoveries.py",
    # Statistics (issue 17): figures, not records; each figure's scope is checked in test_statistics.py.
    "enforcement:statistics-export": "not scoped here: the statistics table, checked in test_statistics.py",
    "enforcement:statistics-rows-export": "not scoped here: needs ?figure=; checked in test_statistics.py",
    # Smart screening (issue 18): the monitoring centre's rule library, runs and imports, open to city-wide roles.
    "screening-rule-list": "not scoped: the rule library is the city's",
    "supervision:screening:rule-list": "not scoped: the rule library is the city's",
    "screening-run-list": "not scoped: runs are the monitoring centre's, for city-wide roles only",
    "supervision:screening:run-list": "not scoped: runs are the monitoring centre's, for city-wide roles only",
    "settlementbatch-list": "not scoped: settlement imports are the monitoring centre's, for city-wide roles only",
    "supervision:screening:batch-list": "not scoped: settlement imports are the monitoring centre's",
    "supervision:screening:lead-hits-export": "not scoped here: one lead's hits, behind the lead's scope (sweep)",
    # Issue 16: one's own notifications (by recipient), checked in tests/supervision/test_notifications.py.
    "supervision:notification-list": "not scoped: the signed-in user's own notifications",
    "notification-list": "not scoped: the signed-in user's own notifications",
}
