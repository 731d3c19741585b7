"""Route-by-role permission sweep: every named route in the URLconf, as every member of the cast, on
objects in and out of scope, against the explicit table in tests/permission_expectations.py."""

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.credit.sweep import credit_objects
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    CaseFactory,
    DocumentFactory,
    InstitutionFactory,
    PrintBatchFactory,
)
from tests.permission_expectations import PREFIX_RULES, ROUTES, expected
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
            yield f"{namespace}{entry.name}", params


def all_routes() -> dict[str, set]:
    routes: dict[str, set] = {}
    for name, params in _walk(get_resolver().url_patterns):
        routes.setdefault(name, set()).update(params)
    return routes


def _rule_for(name):
    return next((rule for prefix, rule in PREFIX_RULES.items() if name.startswith(prefix)), None)


def test_every_route_has_an_expectation():
    missing = [name for name in all_routes() if name not in ROUTES and _rule_for(name) is None]
    assert not missing, f"routes without an expectation in tests/permission_expectations.py: {missing}"


def test_expectation_table_has_no_stale_entries():
    stale = sorted(set(ROUTES) - set(all_routes()))
    assert not stale, f"expectations for routes that no longer exist: {stale}"


@pytest.fixture
def objects(org, cast):
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
        # Reports, rewards and public disclosures (issue 6).
        **_issue6_objects(cases, cast, org),
        # Credit ratings, repair applications and assessments (issue 7).
        **credit_objects(b01, b02),
        # Smart screening (issue 18): the city's rules, runs and settlement imports.
        **screening_objects(b01, b02),
        # The recovery ledger (issue 17): an amount owed by each branch's institution.
        "recoveryentry": {"B01": _obligation(b01), "B02": _obligation(b02)},
    }


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

    from supervision.inspections.models import Finding, RandomDraw
    from supervision.leads.models import ImportBatch
    from tests.factories import InspectionFactory, LeadFactory, UserFactory

    someone = UserFactory(username="sweep_owner")
    objects = {"lead": {}, "inspection": {}, "finding": {}, "importbatch": {}, "randomdraw": {}}
    for branch, institution in (("B01", b01), ("B02", b02)):
        unit = institution.jurisdiction
        objects["lead"][branch] = LeadFactory(institution=institution, status="confirmed")
        inspection = InspectionFactory(institution=institution, status="in_progress", created_by=someone)
        objects["inspection"][branch] = inspection
        finding = Finding(
            inspection=inspection,
            violation_code="SUBSTITUTION",
            description="串换",
            recorded_by=someone,
            evidence_name="e.txt",
        )
        finding.evidence.save("e.txt", ContentFile(b"evidence"), save=False)
        finding.save()
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
        elif param == "kind":
            # Print previews of documents not issued yet (issue 4).
            kwargs["kind"] = "agreement_notice" if "agreementaction" in name else "filing_form"
        else:
            raise AssertionError(f"{name}: the sweep does not know how to fill <{param}>")
    return reverse(name, kwargs=kwargs)


def _request(route, url, user):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    response = getattr(client, route.method)(url)
    return response.status_code


SWEPT = sorted(name for name in ROUTES)


@pytest.mark.parametrize("name", SWEPT)
def test_route_by_role(name, cast, objects):
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
                user = cast[username] if username else None
                want = expected(route, username, branch)
                got = _request(route, url, user)
                if got != want:
                    failures.append(f"{username or 'anonymous'} GET {url} ({branch or '-'}): {got}, expected {want}")
    assert not failures, "\n".join(failures)


def test_missing_object_is_404_like_out_of_scope(cast, objects):
    """A nonexistent id answers exactly like an out-of-scope one, for every object route."""
    for name, route in ROUTES.items():
        if not route.obj:
            continue
        url = _url(name, all_routes()[name] - {"format"}, SimpleNamespace(pk=987654))
        client = APIClient()
        who = next((u for u in ("b01_chief", "director", "enf_officer", "supervisor") if u in route.roles), "director")
        client.force_login(cast[who])
        assert client.get(url).status_code == 404, name


def test_admin_is_superuser_only(cast):
    names = [name for name, params in all_routes().items() if name.startswith("admin:") and not params]
    assert "admin:index" in names
    for name in names:
        url = reverse(name)
        for username in ("admin", "director", "b01_chief", "supervisor"):
            client = APIClient()
            client.force_login(cast[username])
            status = client.get(url).status_code
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
