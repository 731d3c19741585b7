"""seed_demo: the contract's demo organisation and accounts, and running it twice changes nothing."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from supervision.org.models import AuditEvent, OrgUnit, RoleAssignment, User
from supervision.register.models import Agreement, AgreementStatusChange, Institution
from tests.quick_print import quick_print

# The contract's table (contract.md §Demo organisation), written out here rather than read from the code.
UNITS = {
    "CITY": "city",
    "ENF": "division",
    "MON": "division",
    "FUND": "division",
    "FSS": "division",
    "B01": "branch",
    "B02": "branch",
    "B03": "branch",
    "B01S": "subcentre",
    "B02S": "subcentre",
    "B03S": "subcentre",
}
ACCOUNTS = {
    "director": ("CITY", "director"),
    "legal": ("CITY", "legal_reviewer"),
    "enf_officer1": ("ENF", "officer"),
    "enf_officer2": ("ENF", "officer"),
    "enf_chief": ("ENF", "chief"),
    "analyst": ("MON", "analyst"),
    "fund_officer": ("FUND", "fund_officer"),
    "auditor": ("CITY", "viewer"),
    "b01_chief": ("B01", "chief"),
    "b02_chief": ("B02", "chief"),
    "b03_chief": ("B03", "chief"),
    "b01_officer1": ("B01", "officer"),
    "b01_officer2": ("B01", "officer"),
    "b02_officer1": ("B02", "officer"),
    "b02_officer2": ("B02", "officer"),
    "b03_officer1": ("B03", "officer"),
    "b03_officer2": ("B03", "officer"),
    "b01_fund": ("B01S", "fund_officer"),
    "supervisor1": (None, "supervisor"),
    "supervisor2": (None, "supervisor"),
}
CERTIFIED = {name for name, (_unit, role) in ACCOUNTS.items() if role == "officer"}


# Seeded once for this module, test_statistics and test_bench_seed (``demo_data``, tests/conftest.py), inside a
# transaction rolled back at the end; each test runs in a savepoint of it. Under xdist the three modules go to one
# worker (WORKER_GROUPS in tests/conftest.py), which seeds once.
@pytest.fixture
def seeded(demo_data):
    return None


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (OrgUnit, User, RoleAssignment, Institution, Agreement, AgreementStatusChange, AuditEvent)
    }


def test_units_match_the_contract(seeded):
    assert dict(OrgUnit.objects.values_list("code", "kind")) == UNITS


def test_subcentres_sit_under_their_branches(seeded):
    for branch in ("B01", "B02", "B03"):
        assert OrgUnit.objects.get(code=f"{branch}S").parent.code == branch


def test_divisions_and_branches_sit_under_the_city(seeded):
    parents = set(OrgUnit.objects.exclude(kind__in=["city", "subcentre"]).values_list("parent__code", flat=True))
    assert parents == {"CITY"}


@pytest.mark.parametrize(("username", "unit_and_role"), ACCOUNTS.items())
def test_account_has_its_role_in_its_unit(seeded, username, unit_and_role):
    user = User.objects.get(username=username)
    roles = [(a.unit.code if a.unit else None, a.role) for a in user.role_assignments]
    assert roles == [unit_and_role]


@pytest.mark.parametrize("username", [*ACCOUNTS, "admin"])
def test_account_uses_the_demo_password(seeded, username):
    user = User.objects.get(username=username)
    assert user.is_active
    assert user.check_password(settings.DEMO_PASSWORD)


def test_admin_is_a_superuser_at_the_city(seeded):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.primary_unit.code == "CITY"


def test_only_admin_is_superuser(seeded):
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == ["admin"]


@pytest.mark.parametrize("username", sorted(CERTIFIED))
def test_officers_are_certified(seeded, username):
    assert User.objects.get(username=username).has_valid_certificate()


@pytest.mark.parametrize("branch", ["B01", "B02", "B03"])
def test_each_branch_has_at_least_12_institutions(seeded, branch):
    assert Institution.objects.filter(jurisdiction__code=branch).count() >= 12


def test_every_institution_has_an_agreement(seeded):
    assert not Institution.objects.filter(agreements__isnull=True).exists()


def test_institutions_cover_each_hospital_level_clinics_and_pharmacies(seeded):
    for branch in ("B01", "B02", "B03"):
        institutions = Institution.objects.filter(jurisdiction__code=branch)
        assert {i.level for i in institutions if i.kind == "hospital"} == {"1", "2", "3"}
        assert {"primary", "village_clinic", "pharmacy"} <= {i.kind for i in institutions}


def test_agreements_lie_in_their_institutions_jurisdiction(seeded):
    assert all(
        a.jurisdiction_id == a.institution.jurisdiction_id for a in Agreement.objects.select_related("institution")
    )


def test_seeded_data_passes_model_validation(seeded):
    for institution in Institution.objects.all():
        institution.full_clean()


def test_seeded_writes_are_audited(seeded):
    assert (
        AuditEvent.objects.filter(verb="create", content_type__model="institution").count()
        == Institution.objects.count()
    )


def test_seeded_staff_see_their_own_branch(seeded):
    b02_chief = User.objects.get(username="b02_chief")
    assert set(Institution.objects.visible_to(b02_chief).values_list("jurisdiction__code", flat=True)) == {"B02"}


def test_second_run_creates_nothing(seeded):
    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before


def test_second_run_changes_no_agreement_status(seeded):
    before = dict(Agreement.objects.values_list("number", "status"))
    call_command("seed_demo", stdout=StringIO())
    assert dict(Agreement.objects.values_list("number", "status")) == before


# --- Leads, imports, draws and inspections (issue 5: supervision/demo_leads.py, enforcement/demo_leads.py) ---


def test_leads_of_every_source_in_every_branch_in_each_status(seeded):
    from supervision.leads.models import Lead

    present = set(Lead.objects.values_list("jurisdiction__code", "source", "status"))
    for branch in ("B01", "B02", "B03"):
        for source in Lead.Source.values:
            for status in Lead.Status.values:
                assert (branch, source, status) in present, (branch, source, status)


def test_a_screening_import_and_a_finished_published_draw(seeded):
    from supervision.inspections.models import Inspection, RandomDraw
    from supervision.inspections.services import draw_verify
    from supervision.leads.models import ImportBatch

    assert ImportBatch.objects.filter(status="done", created_count__gt=0).exists()
    draw = RandomDraw.objects.get(kind="random")
    assert draw.published_at is not None and draw_verify(draw)[0]
    assert set(Inspection.objects.filter(draw=draw).values_list("status", flat=True)) == set(Inspection.Status.values)


def test_inspections_in_each_state_and_a_cross_inspection_with_active_grants(seeded):
    from supervision.inspections.models import Inspection, InspectionUserObjectPermission

    assert set(Inspection.objects.values_list("status", flat=True)) == set(Inspection.Status.values)
    assert set(Inspection.objects.values_list("kind", flat=True)) == set(Inspection.Kind.values)
    cross = Inspection.objects.filter(kind="cross", jurisdiction__code="B02")
    b01_officer = User.objects.get(username="b01_officer1")
    granted = set(
        InspectionUserObjectPermission.objects.filter(user=b01_officer).values_list("content_object_id", flat=True)
    )
    assert granted == set(cross.values_list("pk", flat=True)) and granted
    assert set(Inspection.objects.visible_to(b01_officer).filter(jurisdiction__code="B02")) == set(cross)


def test_second_run_adds_no_leads_draws_or_inspections(seeded):
    from supervision.inspections.models import Inspection, RandomDraw
    from supervision.leads.models import ImportBatch, Lead

    models = (Lead, ImportBatch, RandomDraw, Inspection)
    before = {m.__name__: m.objects.count() for m in models}
    call_command("seed_demo", stdout=StringIO())
    assert {m.__name__: m.objects.count() for m in models} == before


def test_issue_14_demo_cases(seeded):
    """A case transferred to the police that is still collecting, a suspended case whose decision clock is paused,
    and a decision not to penalise with an order to return funds (APL Art 33, Regulation Art 38), per branch."""
    from enforcement.cases.models import Case

    for code in ("B01", "B02", "B03"):
        branch = Case.objects.filter(jurisdiction__code=code)
        police = branch.get(title__endswith="虚假就医骗取医保基金案")
        transfer = police.police_transfers.get()
        assert (police.state, transfer.state, police.closed_on) == ("executing", "accepted", None)
        assert police.payments.filter(kind="return_funds").exists()
        suspended = branch.get(title__endswith="超标准收费（中止）案")
        assert suspended.state == "suspended" and suspended.pauses.filter(ended_on__isnull=True).exists()
        no_penalty = branch.get(title__endswith="分解项目收费（不予处罚）案")
        assert (no_penalty.outcome, no_penalty.fine_amount, no_penalty.return_amount) == ("no_penalty", 0, 6800)


# --- My inbox (issue 16) -------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["b01_officer1", "b01_chief", "enf_chief"])
def test_demo_inbox_has_an_overdue_and_a_due_soon_item(seeded, username):
    from portal.inbox import DUE_SOON, OVERDUE, inbox_for

    urgencies = {item.urgency for item in inbox_for(User.objects.get(username=username)).items}
    assert {OVERDUE, DUE_SOON} <= urgencies


@pytest.mark.parametrize("username", ["director", "legal", "analyst", "b02_chief", "b01_officer2"])
def test_demo_inbox_is_not_empty(seeded, username):
    from portal.inbox import inbox_for

    assert inbox_for(User.objects.get(username=username)).total > 0


@pytest.mark.parametrize("username", ["b01_officer1", "b01_chief"])
def test_demo_accounts_have_unread_notifications(seeded, username):
    from supervision.notifications.models import Notification

    assert Notification.objects.filter(recipient__username=username, read_at__isnull=True).exists()


def test_second_run_adds_no_notification(seeded):
    from supervision.notifications.models import Notification

    before = Notification.objects.count()
    with quick_print():
        call_command("seed_demo", stdout=StringIO())
    assert Notification.objects.count() == before
