"""Document numbers: 东医保罚〔2026〕17号 — gapless per issuing unit, kind and year, taken at issue, never reused,
consecutive under concurrency (PostgreSQL, two real connections and more)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from enforcement.cases.models import Case
from enforcement.cases.services import InvalidState
from enforcement.documents.models import Document
from enforcement.documents.services import document_issue
from portal.numbering import NumberSequence
from supervision.org import services as org_services
from supervision.org.models import OrgUnit, User, default_doc_prefix
from tests.enforcement.test_concurrency import run_together
from tests.factories import CaseFactory, DocumentFactory

YEAR = timezone.localdate().year


def decision(case, by=None, kind="penalty_decision", **kwargs):
    return document_issue(kind=kind, by=by or User.objects.get(username="b01_chief"), case=case, **kwargs)


def test_number_format_uses_the_units_prefix_kind_word_year_and_sequence(driver):
    document = decision(driver.case_in("decided"))
    assert document.number == f"东医保罚〔{YEAR}〕1号"
    assert (document.year, document.sequence, document.version) == (YEAR, 1, 1)
    assert document.issuing_unit.code == "B01"


@pytest.mark.parametrize(
    ("name", "prefix"),
    [("江川市医疗保障局东湖分局", "东"), ("江川市医疗保障局南岭分局", "南"), ("江川市医疗保障局", "江"),
     ("江川市医疗保障监督执法局", "江"), ("西山分局", "西")],
)  # fmt: skip
def test_default_prefix_comes_from_the_unit_name(name, prefix):
    assert default_doc_prefix(name) == prefix


def test_a_units_prefix_is_kept_when_set(org):
    unit = org_services.orgunit_save(
        unit=OrgUnit(code="B09", name="江川市医疗保障局北湖分局", kind="branch", parent=org.city, doc_prefix="北湖"),
        by=None,
    )
    assert unit.doc_prefix == "北湖"
    derived = org_services.orgunit_save(
        unit=OrgUnit(code="B08", name="江川市医疗保障局北山分局", kind="branch", parent=org.city), by=None
    )
    assert derived.doc_prefix == "北"


def test_numbers_are_consecutive_per_series(driver):
    first, second = driver.case_in("decided"), driver.case_in("decided")
    assert [decision(first).sequence, decision(second).sequence] == [1, 2]
    # Another kind of the same unit has its own series.
    notice = decision(driver.case_in("notifying"), kind="prior_notice", by=driver.o1)
    assert notice.number == f"东医保告〔{YEAR}〕1号"


def test_another_branch_has_its_own_series(org, cast, rules, b02_institution):
    from tests.enforcement.conftest import CaseDriver, certified_user

    officer2 = certified_user("b02_officer2", [("officer", org.b02)], "CERT-B02-0002")
    b02 = CaseDriver(org, cast, officer2, rules, b02_institution)
    b02.o1, b02.chief = cast.b02_officer, cast.b02_chief
    case = b02.case_in("decided")
    document = decision(case, by=cast.b02_chief)
    assert document.number == f"西医保罚〔{YEAR}〕1号"


def test_penalty_and_no_penalty_decisions_share_the_decision_series(driver):
    penalty = decision(driver.case_in("decided"))
    none = decision(driver.case_in("decided", outcome="no_penalty"), kind="no_penalty_decision")
    assert (penalty.sequence, none.sequence) == (1, 2)
    assert none.number == f"东医保罚〔{YEAR}〕2号"


def test_a_correction_takes_no_new_number(driver):
    case, other = driver.case_in("decided"), driver.case_in("decided")
    first = decision(case)
    corrected = decision(case, reason="更正笔误")
    assert corrected.number == first.number and corrected.sequence == 1
    assert decision(other).sequence == 2
    assert NumberSequence.objects.get(series="doc:东医保罚", year=YEAR).last == 2


def test_refused_issues_take_no_number(driver, cast):
    deciding = driver.case_in("deciding")
    with pytest.raises(InvalidState):
        decision(deciding)
    decided = driver.case_in("decided")
    with pytest.raises(PermissionDenied):
        decision(decided, by=cast.auditor)
    assert decision(decided).sequence == 1


def test_the_sequence_has_no_gap_over_many_issues(driver):
    cases = [driver.case_in("decided") for _ in range(4)]
    for case in cases:
        decision(case)
    decision(cases[1], reason="更正")
    sequences = sorted(Document.objects.filter(kind="penalty_decision", version=1).values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4]


def test_a_number_and_version_is_never_stored_twice(org):
    case = CaseFactory(institution__jurisdiction=org.b01)
    DocumentFactory(case=case, number="东医保立〔2026〕1号")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(case=case, number="东医保立〔2026〕1号")


# --- Concurrency on PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_issues_get_consecutive_numbers(driver):
    cases = [driver.case_in("decided") for _ in range(4)]
    chief_pk = driver.chief.pk

    def issue(i):
        # Each thread has its own connection (Django opens one per thread), its own user and case objects.
        document = document_issue(
            kind="penalty_decision", by=User.objects.get(pk=chief_pk), case=Case.objects.get(pk=cases[i].pk)
        )
        return document.number

    results = run_together(len(cases), issue)
    assert all(isinstance(r, str) for r in results), results
    assert sorted(results, key=lambda n: int(n.split("〕")[1][:-1])) == [
        f"东医保罚〔{YEAR}〕{n}号" for n in range(1, len(cases) + 1)
    ]
    assert NumberSequence.objects.get(series="doc:东医保罚", year=YEAR).last == len(cases)
