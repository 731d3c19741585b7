"""Route-by-role permission sweep: every named route in the URLconf, as every member of the cast, on
objects in and out of scope, against the explicit table in tests/permission_expectations.py: a GET of every
route, a bare POST of every route that takes one, every procedure action on a case, and the rows of every
list, API list and export compared with ``visible_to`` of the user.

Its objects and one signed-in session per cast member are written once per module (tests/shared_db.py); each
request runs in a savepoint rolled back after it, so every request sees the same data.
"""

import re
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from enforcement.cases.procedure import ACTIONS
from supervision.notifications.models import Notification
from tests.credit.sweep import credit_objects
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    CaseFactory,
    DocumentFactory,
    InstitutionFactory,
    PrintBatchFactory,
)
from tests.permission_expectations import (
    CASE_ACTIONS,
    LISTS,
    MISSING,
    PREFIX_RULES,
    ROUTES,
    expected,
    expected_case_action,
    expected_post,
)
from tests.shared_db import shared_fixture
from tests.supervision.screening.sweep import screening_objects

ALL_USERS = [
    None,
    "director",
    "legal",
    "enf_officer",
    "enf_chief",
    "analyst",
    "fund_officer",
    "auditor",
    "b01_chief",
    "b01_officer",
    "b01_fund",
    "b02_chief",
    "b02_officer",
    "supervisor",
    "admin",
    "norole",
]


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            pattern = entry.pattern
            params = set(getattr(pattern, "converters", {}) or {})
            regex = getattr(pattern, "regex", None)
            if regex is not None:
                params |= set(regex.groupindex)
            yield f"{namespace}{entry.name}", params, entry.callback


def all_routes() -> dict[str, set]:
    routes: dict[str, set] = {}
    for name, params, _callback in _walk(get_resolver().url_patterns):
        routes.setdefault(name, set()).update(params)
    return routes


def _takes_post(callback) -> bool | None:
    """Whether a view answers POST: DRF viewset routes by their method map, class-based views by their
    methods; None for plain functions (they declare POST in the table themselves)."""
    if getattr(callback, "actions", None):
        return "post" in callback.actions
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return None
    return hasattr(view_class, "post") and "post" in view_class.http_method_names


def post_routes() -> set[str]:
    return {name for name, _params, callback in _walk(get_resolver().url_patterns) if _takes_post(callback)}


# The procedure's two routes take a POST per action: swept by test_case_action_by_role.
CASE_ACTION_ROUTES = {"case-actions", "enforcement:case-act"}


def _rule_for(name):
    return next((rule for prefix, rule in PREFIX_RULES.items() if name.startswith(prefix)), None)


def test_every_route_has_an_expectation():
    missing = [name for name in all_routes() if name not in ROUTES and _rule_for(name) is None]
    assert not missing, f"routes without an expectation in tests/permission_expectations.py: {missing}"


def test_expectation_table_has_no_stale_entries():
    stale = sorted(set(ROUTES) - set(all_routes()))
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def test_every_post_route_has_a_post_expectation():
    covered = {name for name, route in ROUTES.items() if route.method == "post" or route.post} | CASE_ACTION_ROUTES
    missing = sorted(name for name in post_routes() - covered if _rule_for(name) is None)
    assert not missing, f"routes taking a POST without a post= expectation: {missing}"


def test_every_procedure_action_has_an_expectation():
    assert set(CASE_ACTIONS) == set(ACTIONS)


def test_every_list_and_export_has_a_row_check():
    lists = {name for name in all_routes() if name.endswith(("-list", "-export")) and _rule_for(name) is None}
    missing = sorted(lists - set(LISTS))
    assert not missing, f"lists without an entry in LISTS (tests/permission_expectations.py): {missing}"


@shared_fixture()
def sweep_data(org, cast):
    """The sweep's objects and a signed-in session per cast member, written once for the module."""
    sessions = {}
    for username, user in cast.items():
        client = Client()
        client.force_login(user)
        sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return SimpleNamespace(objects=_objects(org, cast), sessions=sessions)


@pytest.fixture
def objects(sweep_data):
    return sweep_data.objects


@pytest.fixture
def sweep_request(sweep_data):
    """``sweep_request(method, url, username, data=None, **extra)`` → the response, as that cast member (None:
    anonymous), in a savepoint rolled back after the request."""

    def send(method, url, username, data=None, **extra):
        client = APIClient()
        if username is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = sweep_data.sessions[username]
        with transaction.atomic():
            response = getattr(client, method)(url, data, **extra)
            transaction.set_rollback(True)
        return response

    return send


def _objects(org, cast):
    """One object of each kind in B01 and in B02."""
    b01 = InstitutionFactory(jurisdiction=org.b01)
    b02 = InstitutionFactory(jurisdiction=org.b02)
    cases = {"B01": CaseFactory(institution=b01), "B02": CaseFactory(institution=b02)}
    measures = {
        "B01": AgreementActionFactory(agreement__institution=b01),
        "B02": AgreementActionFactory(agreement__institution=b02),
    }
    return {
        "institution": {"B01": b01, "B02": b02},
        "agreement": {"B01": AgreementFactory(institution=b01), "B02": AgreementFactory(institution=b02)},
        "orgunit": {"B01": org.b01, "B02": org.b02},
        # Enforcement: a case and an agreement action in each branch.
        "case": cases,
        "agreementaction": measures,
        # Documents (issue 4): URL targets under their case or measure (pk = the record, doc = the document),
        # and a finished print batch of each branch's chief.
        "casedocument": {
            branch: SimpleNamespace(pk=case.pk, doc=DocumentFactory(case=case).pk) for branch, case in cases.items()
        },
        # The case file (issue 15): an evidence item with its file under each case.
        "actiondocument": {
            branch: SimpleNamespace(
                pk=m.pk, doc=DocumentFactory(case=None, agreement_action=m, kind="agreement_notice").pk
            )
            for branch, m in measures.items()
        },
        "printbatch": {
            "B01": PrintBatchFactory(created_by=cast.b01_chief),
            "B02": PrintBatchFactory(created_by=cast.b02_chief),
        },
        # Leads and inspections (issue 5): confirmed leads, started inspections with a finding each.
        **_issue5_objects(b01, b02),
        # Evidence, a requested preservation and a sealing under each case (issue 15).
        **_evidence_objects(cases),
        # Reports, rewards and public disclosures (issue 6).
        **_issue6_objects(cases, cast, org),
        # Credit ratings, repair applications and assessments (issue 7).
        **credit_objects(b01, b02),
        # Smart screening (issue 18): the city's rules, runs and settlement imports.
        **screening_objects(b01, b02),
        # The recovery ledger (issue 17): an amount owed by each branch's institution.
        "recoveryentry": {"B01": _obligation(b01), "B02": _obligation(b02)},
        # Notifications (issue 16): one to each branch's chief.
        "notification": {
            "B01": Notification.objects.create(recipient=cast.b01_chief, verb="case_assigned", record_label="B01"),
            "B02": Notification.objects.create(recipient=cast.b02_chief, verb="case_assigned", record_label="B02"),
        },
        # Investigation records (issue 15): an investigating case per branch, its officer assigned, a draft.
        **_record_objects(b01, b02, cast),
    }


def _record_objects(b01, b02, cast) -> dict:
    from enforcement.cases.models import CaseOfficer
    from enforcement.records.models import InvestigationRecord

    objects = {"recordcase": {}, "record": {}}
    for branch, institution, officer in (("B01", b01, cast.b01_officer), ("B02", b02, cast.b02_officer)):
        case = CaseFactory(institution=institution, state="investigating")
        CaseOfficer.objects.create(case=case, user=officer, is_lead=True)
        objects["recordcase"][branch] = case
        objects["record"][branch] = InvestigationRecord.objects.create(
            case=case, kind="inquiry_record", person_name="张三", created_by=officer
        )
    return objects


def _evidence_objects(cases) -> dict:
    from django.core.files.base import ContentFile

    from enforcement.evidence.models import Evidence, Preservation, Sealing
    from tests.factories import UserFactory

    someone = UserFactory(username="sweep_collector")
    objects = {"caseevidence": {}, "casepreservation": {}, "casesealing": {}}
    for branch, case in cases.items():
        evidence = Evidence(case=case, kind="documentary", title="书证", collected_on="2026-03-01",
                            collected_by=someone, original_name="e.txt", content_type="text/plain")  # fmt: skip
        evidence.file.save("e.txt", ContentFile(b"evidence"), save=False)
        evidence.save()
        record = {"items": "病历", "place": "病案室", "reason": "可能灭失"}
        preservation = Preservation.objects.create(case=case, requested_by=someone, **record)
        sealing = Sealing.objects.create(case=case, sealed_on="2026-03-01", sealed_by=someone, **record)
        for name, obj in (("caseevidence", evidence), ("casepreservation", preservation), ("casesealing", sealing)):
            objects[name][branch] = SimpleNamespace(pk=case.pk, doc=obj.pk)
    return objects


def _obligation(institution):
    from datetime import date

    from enforcement.recoveries.services import recovery_obligation_record

    return recovery_obligation_record(route="self_return", amount=100, on=date(2026, 3, 1), by=None,
                                      institution=institution)  # fmt: skip


def _issue6_objects(cases, cast, org) -> dict:
    from supervision.reports import services as reports_services
    from supervision.reports.models import Report
    from tests.factories import UserFactory

    other = UserFactory(username="sweep_supervisor2", roles=[("supervisor", None)])
    for supervisor in (cast.supervisor, other):
        reports_services.supervisor_appoint(user=supervisor, unit=org.city, by=None)
    from django.core.files.uploadedfile import SimpleUploadedFile

    objects = {"report": {}, "reportattachment": {}, "reward": {}, "disclosure": {}}
    for branch, supervisor in (("B01", cast.supervisor), ("B02", other)):
        case = cases[branch]
        report = reports_services.report_submit(
            by=supervisor, institution=case.institution, summary="监督报告", details="详情",
            files=[SimpleUploadedFile("photo.jpg", b"\xff\xd8\xffjpeg")],
        )  # fmt: skip
        objects["report"][branch] = report
        objects["reportattachment"][branch] = SimpleNamespace(pk=report.pk, doc=report.attachments.get().pk)
        public = reports_services.public_report_submit(institution=case.institution, summary="举报", details="详情")
        objects["reward"][branch] = _reward(public, case, cast)
        objects["disclosure"][branch] = _disclosure(case)
    assert Report.objects.count() == 4
    return objects


def _reward(report, case, cast):
    from enforcement.rewards.models import Reward

    return Reward.objects.create(
        report=report, case=case, jurisdiction=case.jurisdiction, tier="1", case_value=100000, rate="0.03",
        floor=400, cap=200000, amount=3000, proposed_by=cast.enf_officer,
    )  # fmt: skip


def _disclosure(case):
    from enforcement.public.models import Disclosure

    return Disclosure.objects.create(
        kind="penalty", case=case, jurisdiction=case.jurisdiction, title=case.title, party=case.party_display,
        decided_on="2026-03-02", publish_due="2026-03-11",
    )  # fmt: skip


def _issue5_objects(b01, b02) -> dict:
    from django.core.files.base import ContentFile

    from supervision.inspections.models import Finding, InspectionEvidence, RandomDraw
    from supervision.leads.models import ImportBatch
    from tests.factories import InspectionFactory, LeadFactory, UserFactory

    someone = UserFactory(username="sweep_owner")
    objects = {"lead": {}, "inspection": {}, "finding": {}, "importbatch": {}, "randomdraw": {}}
    for branch, institution in (("B01", b01), ("B02", b02)):
        unit = institution.jurisdiction
        objects["lead"][branch] = LeadFactory(institution=institution, status="confirmed")
        inspection = InspectionFactory(institution=institution, status="in_progress", created_by=someone)
        objects["inspection"][branch] = inspection
        finding = Finding.objects.create(
            inspection=inspection, violation_code="SUBSTITUTION", description="串换", recorded_by=someone
        )
        item = InspectionEvidence(finding=finding, recorded_by=someone, original_name="e.txt", sha256="0" * 64)
        item.file.save("e.txt", ContentFile(b"evidence"), save=False)
        item.save()
        objects["finding"][branch] = finding
        objects["importbatch"][branch] = ImportBatch.objects.create(
            jurisdiction=unit, file_name="s.csv", created_by=someone, status="done"
        )
        objects["randomdraw"][branch] = RandomDraw.objects.create(
            jurisdiction=unit, title="抽查", planned_on="2026-07-01", seed="1", drawn_by=someone
        )
    return objects


def _url(name, params, obj):
    kwargs = {}
    for param in params:
        if param == "pk":
            kwargs["pk"] = obj.pk
        elif param == "format":
            kwargs["format"] = "json"
        elif param == "action":
            # The case action pages (enforcement:case-act): the sweep's cases are in ``filing``.
            kwargs["action"] = "approve_filing"
        elif param == "doc":
            kwargs["doc"] = getattr(obj, "doc", obj.pk)  # a document under its record (issue 4)
        elif param == "record_kind":
            kwargs["record_kind"] = "inquiry_record"  # a new investigation record (issue 15)
        elif param == "kind":
            # Print previews of documents not issued yet (issue 4).
            kwargs["kind"] = "agreement_notice" if "agreementaction" in name else "filing_form"
        else:
            raise AssertionError(f"{name}: the sweep does not know how to fill <{param}>")
    return reverse(name, kwargs=kwargs)


SWEPT = sorted(name for name in ROUTES)


@pytest.mark.parametrize("name", SWEPT)
def test_route_by_role(name, objects, sweep_request):
    route = ROUTES[name]
    variants = all_routes()[name]
    # DRF's format-suffix twins share the name; sweep the plain one and the ".json" one.
    param_sets = [variants - {"format"}] + ([variants] if "format" in variants else [])
    failures = []
    for params in param_sets:
        branches = ["B01", "B02"] if route.obj else [None]
        for branch in branches:
            obj = objects[route.obj][branch] if route.obj else None
            url = _url(name, params, obj)
            for username in ALL_USERS:
                want = expected(route, username, branch)
                got = sweep_request(route.method, url, username).status_code
                if got != want:
                    failures.append(f"{username or 'anonymous'} GET {url} ({branch or '-'}): {got}, expected {want}")
    assert not failures, "\n".join(failures)


POSTED = sorted(name for name, route in ROUTES.items() if route.post)


def _target(objects, model, branch):
    """The sweep's object of ``model`` in ``branch``; an id that does not exist for MISSING."""
    if model is None:
        return None
    if branch == MISSING:
        return SimpleNamespace(pk=987654, doc=987654)
    return objects[model][branch]


@pytest.mark.parametrize("name", POSTED)
def test_post_by_role(name, objects, sweep_request):
    """A bare POST on every route that takes one (forms, API create and action endpoints)."""
    route = ROUTES[name]
    params = all_routes()[name] - {"format"}
    failures = []
    for branch in ["B01", "B02", MISSING] if route.obj else [None]:
        url = _url(name, params, _target(objects, route.obj, branch))
        for username in ALL_USERS:
            want = expected_post(route, username, branch)
            got = sweep_request("post", url, username).status_code
            if got != want:
                failures.append(f"{username or 'anonymous'} POST {url} ({branch or '-'}): {got}, expected {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("action", sorted(CASE_ACTIONS))
def test_case_action_by_role(action, objects, sweep_request):
    """Every procedure action, POSTed bare on a case in and out of scope: on the API (cases/{id}/actions/) and
    on its page (cases/{id}/act/<action>/)."""
    failures = []
    for branch in ("B01", "B02", MISSING):
        case = _target(objects, "case", branch)
        api_url = reverse("case-actions", kwargs={"pk": case.pk})
        page_url = reverse("enforcement:case-act", kwargs={"pk": case.pk, "action": action})
        for username in ALL_USERS:
            for api, url, data in ((True, api_url, {"action": action}), (False, page_url, None)):
                want = expected_case_action(action, username, branch, api=api)
                extra = {"format": "json"} if api else {}
                got = sweep_request("post", url, username, data, **extra).status_code
                if got != want:
                    failures.append(f"{username or 'anonymous'} POST {url} {action} ({branch}): {got}, expected {want}")
    assert not failures, "\n".join(failures)


# --- Rows of lists, API lists and exports ------------------------------------------------------------------------

LISTED = sorted(name for name, model in LISTS.items() if not model.startswith("not scoped"))
# The record pages a list links to, per model: the ids in those links are rows shown too.
DETAIL_ROUTES = {
    "supervision.Institution": ["supervision:institution-detail"],
    "supervision.Agreement": ["supervision:agreement-detail"],
    "enforcement.Case": ["enforcement:case-detail"],
    "enforcement.AgreementAction": ["enforcement:agreementaction-detail"],
    "supervision.Lead": ["supervision:lead-detail"],
    "supervision.ImportBatch": ["supervision:leadimport-detail"],
    "supervision.Inspection": ["supervision:inspection-detail"],
    "supervision.RandomDraw": ["supervision:randomdraw-detail"],
    "supervision.Report": ["supervision:report-detail", "supervision:my-report-detail"],
    "enforcement.Reward": ["enforcement:reward-detail"],
    "credit.CreditRating": ["credit:rating-detail"],
    "credit.RepairApplication": ["credit:repair-detail"],
    "credit.Assessment": ["credit:assessment-detail"],
    "enforcement.RecoveryEntry": ["enforcement:recovery-detail"],
}


def _export_ids(model, content) -> set:
    """The records an export's rows name, found by the natural key each export writes."""
    rows = list(load_workbook(BytesIO(content), read_only=True).active.iter_rows(min_row=2, values_only=True))
    label = model._meta.label
    ids = set()
    for row in rows:
        if label == "supervision.Institution":
            found = model.objects.filter(code=row[0])
        elif label == "enforcement.Case":
            found = model.objects.filter(number=row[0])
        elif label == "supervision.Lead":
            found = model.objects.filter(institution__code=row[2], description=row[5])
        elif label == "credit.CreditRating":
            found = model.objects.filter(year=row[0], institution__code=row[1])
        else:
            raise AssertionError(f"the sweep does not know how to read an export of {label}")
        row_ids = set(found.values_list("pk", flat=True))
        assert row_ids, f"{label} export row names no record: {row}"
        ids |= row_ids
    return ids


def _page_ids(model, response) -> set:
    """The records a page shows: its list (``object_list``) and every link to one of their record pages."""
    context = response.context
    assert context is not None and "object_list" in context, "a list page without object_list"
    ids = {obj.pk for obj in context["object_list"]}
    html = response.content.decode()
    for route in DETAIL_ROUTES.get(model._meta.label, []):
        pattern = re.escape(reverse(route, kwargs={"pk": 987654321})).replace("987654321", r"(\d+)")
        ids |= {int(pk) for pk in re.findall(f'href="{pattern}"', html)}
    return ids


def _shown_ids(name, route, model, response) -> set:
    if route.api:
        data = response.json()
        rows = data["results"] if isinstance(data, dict) else data
        return {row["id"] for row in rows}
    if name.endswith("-export"):
        return _export_ids(model, response.content)
    if name.endswith("-lookup"):  # a picker's search: JSON rows
        return {row["value"] for row in response.json()["results"]}
    return _page_ids(model, response)


@pytest.mark.parametrize("name", LISTED)
def test_list_rows_in_scope(name, cast, objects, sweep_request):
    """Every cast member who may open a list sees exactly the rows ``visible_to`` gives them among those a
    city-wide reader sees there (the list's own filters apply to both), and never a row outside it."""
    route = ROUTES[name]
    model = apps.get_model(LISTS[name])
    params = all_routes()[name] - {"format"}
    failures = []
    for branch in ["B01", "B02"] if route.obj else [None]:
        url = _url(name, params, objects[route.obj][branch] if route.obj else None)
        shown = {}
        for username in ALL_USERS[1:]:
            if expected(route, username, branch) != 200:
                continue
            response = sweep_request("get", url, username)
            assert response.status_code == 200, (url, username, response.status_code)
            shown[username] = _shown_ids(name, route, model, response)
        assert shown, f"{name}: nobody may open it"
        assert any(shown.values()), f"{url}: nobody sees a row, so the sweep checks nothing"
        reference = shown.get("director")
        if reference is not None:
            assert reference, f"{url}: the director sees no rows, so the sweep checks nothing"
        for username, ids in shown.items():
            visible = set(model.objects.visible_to(cast[username]).values_list("pk", flat=True))
            if ids - visible:
                failures.append(f"{username} sees rows outside their scope on {url}: {sorted(ids - visible)}")
            elif reference is not None and ids != reference & visible:
                failures.append(f"{username} on {url}: {sorted(ids)}, expected {sorted(reference & visible)}")
    assert not failures, "\n".join(failures)


def test_missing_object_is_404_like_out_of_scope(objects, sweep_request):
    """A nonexistent id answers exactly like an out-of-scope one, for every object route."""
    for name, route in ROUTES.items():
        if not route.obj:
            continue
        url = _url(name, all_routes()[name] - {"format"}, SimpleNamespace(pk=987654, doc=987654))
        preferred = ("b01_chief", "director", "enf_officer", "supervisor")
        who = next((u for u in (*preferred, *sorted(route.roles)) if u in route.roles), "director")  # one who may
        assert sweep_request(route.method or "get", url, who).status_code == 404, name


def test_admin_is_superuser_only(sweep_request):
    names = [name for name, params in all_routes().items() if name.startswith("admin:") and not params]
    assert "admin:index" in names
    for name in names:
        url = reverse(name)
        for username in ("admin", "director", "b01_chief", "supervisor"):
            status = sweep_request("get", url, username).status_code
            if name == "admin:login":
                assert status in (200, 302), (name, username, status)
            elif name == "admin:autocomplete":
                # needs app/model/field parameters; without them Django answers 403 to everyone
                assert status in (302, 403), (name, username, status)
            elif username == "admin":
                # 403 only where a model refuses adding for everyone (e.g. axes' access log)
                assert status in (200, 302, 403, 405), (name, status)  # logout is POST-only
                if name == "admin:index" or name.endswith("_changelist"):
                    assert status == 200, (name, status)
            else:
                assert status == 302, (name, username, status)  # to the admin login page
