"""Home page panels of the enforcement app: what awaits each role, counted within scope, and every count equal
to what its link opens."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.models import CaseOfficer, ProposedPenalty, Report
from enforcement.rules.models import ViolationType
from tests.factories import AgreementActionFactory, AgreementFactory, CaseFactory, InstitutionFactory

CASES = reverse("enforcement:case-list")
MEASURES = reverse("enforcement:agreementaction-list")


def _case(branch, state, *, codes=("OVER_TREATMENT",), officers=(), **kwargs):
    case = CaseFactory(institution=InstitutionFactory(jurisdiction=branch), state=state, **kwargs)
    case.violation_types.set(ViolationType.objects.filter(code__in=codes))
    for officer in officers:
        CaseOfficer.objects.create(case=case, user=officer)
    return case


def _report(case, by, *, fine="0"):
    report = Report.objects.create(case=case, outcome="penalty", findings="事实清楚", proposed_by=by)
    if Decimal(fine):
        ProposedPenalty.objects.create(report=report, kind="fine", amount=Decimal(fine))
    return report


@pytest.fixture
def work(org, cast):
    """In each branch: one case waiting at every desk, some overdue, and agreement actions to approve."""
    today = timezone.localdate()
    escalate = settings.PROCEDURE_CLOCKS["escalate_to_director_days"]
    made = {}
    for code, branch, chief, officer in (
        ("B01", org.b01, cast.b01_chief, cast.b01_officer),
        ("B02", org.b02, cast.b02_chief, cast.b02_officer),
    ):
        made[code] = {
            "filing": _case(branch, "filing", filing_due=today + timedelta(days=10)),
            "filing_late": _case(branch, "filing", filing_due=today - timedelta(days=3)),
            "own_filing": _case(branch, "filing", opened_by=chief, filing_due=today + timedelta(days=10)),
            "reviewing": _case(branch, "reviewing", officers=[officer]),
            "deciding": _case(branch, "deciding"),
            "deciding_fraud": _case(branch, "deciding", codes=["FICTITIOUS_SERVICE"]),
            "deciding_major": _case(branch, "deciding", is_major=True),
            "deciding_big_fine": _case(branch, "deciding"),
            "legal_review": _case(branch, "legal_review"),
            "investigating_late": _case(
                branch, "investigating", officers=[officer], decision_due=today - timedelta(days=escalate + 5)
            ),
            "closed": _case(branch, "closed", officers=[officer]),
        }
        _report(made[code]["reviewing"], officer)
        _report(made[code]["deciding"], officer, fine="20000")
        _report(made[code]["deciding_big_fine"], officer, fine="600000")  # ≥ 500,000: collective discussion
        agreement = AgreementFactory(institution__jurisdiction=branch)
        made[code]["measure"] = AgreementActionFactory(agreement=agreement, proposed_by=cast.b01_fund)
        made[code]["own_measure"] = AgreementActionFactory(agreement=agreement, proposed_by=chief)
        made[code]["termination"] = AgreementActionFactory(
            agreement=agreement,
            kind="terminate",
            state=AgreementAction.State.CHIEF_APPROVED,
            starts_on=today,
            chief_approved_by=chief,
        )
    return made


def _panels(client):
    return {p.url: p for p in client.get("/").context["panels"]}


def _listed(client, url) -> tuple[set, int]:
    response = client.get(url)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["object_list"]}, response.context["paginator"].count


@pytest.mark.parametrize(
    "username",
    ["b01_chief", "b02_chief", "enf_chief", "b01_officer", "enf_officer", "legal", "director", "auditor", "b01_fund"],
)
def test_every_enforcement_panel_count_matches_the_list_it_links_to(cast, client_for, work, username):
    client = client_for(cast[username])
    panels = [p for p in _panels(client).values() if p.url.startswith((CASES, MEASURES))]
    assert panels
    for panel in panels:
        _ids, count = _listed(client, panel.url)
        assert (panel.title, count) == (panel.title, panel.count)


def _ids(*cases):
    return {c.pk for c in cases}


def test_chief_sees_filing_reports_and_ordinary_decisions_of_the_branch(cast, client_for, work):
    client = client_for(cast.b01_chief)
    panel = _panels(client)[f"{CASES}?queue=approval"]
    b01 = work["B01"]
    expected = _ids(b01["filing"], b01["filing_late"], b01["reviewing"], b01["deciding"])
    assert panel.count == len(expected)
    assert _listed(client, panel.url)[0] == expected  # not its own filing, nor cases the director decides


def test_city_chief_sees_approvals_of_every_branch(cast, client_for, work):
    client = client_for(cast.enf_chief)
    listed = _listed(client, f"{CASES}?queue=approval")[0]
    assert {work["B01"]["filing"].pk, work["B02"]["filing"].pk} <= listed


def test_director_sees_major_cases_to_decide_and_escalations(cast, client_for, work):
    client = client_for(cast.director)
    panels = _panels(client)
    major = _listed(client, panels[f"{CASES}?queue=major"].url)[0]
    assert major == _ids(
        *(work[b][k] for b in ("B01", "B02") for k in ("deciding_fraud", "deciding_major", "deciding_big_fine"))
    )
    escalated = _listed(client, panels[f"{CASES}?queue=escalated"].url)[0]
    assert escalated == _ids(work["B01"]["investigating_late"], work["B02"]["investigating_late"])
    days = settings.PROCEDURE_CLOCKS["escalate_to_director_days"]
    assert str(days) in panels[f"{CASES}?queue=escalated"].title


def test_officer_sees_their_open_and_overdue_cases(cast, client_for, work):
    client = client_for(cast.b01_officer)
    panels = _panels(client)
    b01 = work["B01"]
    assert _listed(client, panels[f"{CASES}?queue=mine"].url)[0] == _ids(b01["reviewing"], b01["investigating_late"])
    assert _listed(client, panels[f"{CASES}?queue=my_overdue"].url)[0] == _ids(b01["investigating_late"])
    assert _listed(client, panels[f"{CASES}?queue=overdue"].url)[0] == _ids(
        b01["filing_late"], b01["investigating_late"]
    )


def test_legal_reviewer_sees_cases_in_legal_review(cast, client_for, work):
    client = client_for(cast.legal)
    panel = _panels(client)[f"{CASES}?queue=legal_review"]
    assert _listed(client, panel.url)[0] == _ids(work["B01"]["legal_review"], work["B02"]["legal_review"])


def test_overdue_panel_is_counted_within_scope(cast, client_for, work):
    b02 = _panels(client_for(cast.b02_officer))[f"{CASES}?queue=overdue"]
    city = _panels(client_for(cast.auditor))[f"{CASES}?queue=overdue"]
    assert (b02.count, city.count) == (2, 4)


def test_chief_sees_agreement_actions_to_approve_but_not_their_own(cast, client_for, work):
    client = client_for(cast.b01_chief)
    panel = _panels(client)[f"{MEASURES}?queue=approval"]
    assert _listed(client, panel.url)[0] == {work["B01"]["measure"].pk}


def test_director_also_sees_terminations_awaiting_the_second_approval(cast, client_for, work):
    client = client_for(cast.director)
    panel = _panels(client)[f"{MEASURES}?queue=approval"]
    expected = {work[b][k].pk for b in ("B01", "B02") for k in ("measure", "own_measure", "termination")}
    assert _listed(client, panel.url)[0] == expected


@pytest.mark.parametrize("username", ["auditor", "b01_fund", "analyst"])
def test_roles_without_a_desk_see_only_overdue(cast, client_for, work, username):
    urls = {url for url in _panels(client_for(cast[username])) if url.startswith((CASES, MEASURES))}
    assert urls == {f"{CASES}?queue=overdue"}


@pytest.mark.parametrize("username", ["supervisor", "norole", "admin"])
def test_no_enforcement_panels_without_case_access(cast, client_for, work, username):
    # A supervisor's home redirects to their own portal, which has no panels at all (issue 6).
    response = client_for(cast[username]).get("/", follow=True)
    urls = {p.url for p in response.context.get("panels", [])}
    assert not {u for u in urls if u.startswith((CASES, MEASURES))}
