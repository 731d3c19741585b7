"""factory_boy factories. Units are created through the service so their paths are real."""

import hashlib
from datetime import date

import factory
from django.db import connection

from supervision.org import services as org_services
from supervision.org.models import OrgUnit, RoleAssignment, User
from supervision.register.models import Agreement, Institution


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrgUnit.Kind.BRANCH
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return org_services.orgunit_save(unit=model_class(**kwargs), by=None)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pw-for-tests-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """roles=[("officer", unit), ...]"""
        for role, unit in extracted or []:
            RoleAssignment.objects.create(user=self, role=role, unit=unit)
        self.forget_roles()


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"H9{n:09d}")
    name = factory.Sequence(lambda n: f"测试医院{n}")
    kind = Institution.Kind.HOSPITAL
    level = "2"
    credit_code = factory.Sequence(lambda n: f"91330100{n:010d}")
    legal_representative = "张三"
    address = "江川市人民路1号"
    jurisdiction = None


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    number = factory.Sequence(lambda n: f"XY-{n:05d}")
    institution = factory.SubFactory(InstitutionFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.institution.jurisdiction)
    valid_from = date(2025, 1, 1)
    valid_to = date(2027, 12, 31)
    status = Agreement.Status.ACTIVE


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Enforcement (added with the enforcement API) ------------------------------------------------------


class CaseFactory(factory.django.DjangoModelFactory):
    """A case in ``filing`` against an institution, written directly (no event or audit row): for fixtures
    that only need a case to exist in a jurisdiction. Use ``services.case_open`` to test the procedure."""

    class Meta:
        model = "enforcement.Case"
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"T-2026-{n:05d}")
    title = factory.Sequence(lambda n: f"测试案件{n}")
    institution = factory.SubFactory(InstitutionFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.institution.jurisdiction)
    party_name = factory.LazyAttribute(lambda o: o.institution.name)
    amount_involved = 10000
    lead_received_on = date(2026, 1, 5)
    filing_due = date(2026, 1, 26)
    opened_by = factory.SubFactory(UserFactory)


class AgreementActionFactory(factory.django.DjangoModelFactory):
    """A proposed interview (约谈) under the institution's agreement."""

    class Meta:
        model = "enforcement.AgreementAction"

    kind = "interview"
    agreement = factory.SubFactory(AgreementFactory)
    institution = factory.LazyAttribute(lambda o: o.agreement.institution)
    jurisdiction = factory.LazyAttribute(lambda o: o.agreement.jurisdiction)
    grounds = "测试依据"
    proposed_by = factory.SubFactory(UserFactory)


# --- Leads and inspections (issue 5) -----------------------------------------------------------------------


class LeadFactory(factory.django.DjangoModelFactory):
    """A new screening lead about an institution, in its branch, written directly (no audit row)."""

    class Meta:
        model = "supervision.Lead"

    source = "screening"
    institution = factory.SubFactory(InstitutionFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.institution.jurisdiction)
    description = factory.Sequence(lambda n: f"疑似违规线索{n}")
    amount = 1000
    received_on = date(2026, 1, 5)


class InspectionFactory(factory.django.DjangoModelFactory):
    """A planned special inspection of an institution, written directly (no team, no audit row)."""

    class Meta:
        model = "supervision.Inspection"

    kind = "special"
    title = factory.Sequence(lambda n: f"专项检查{n}")
    institution = factory.SubFactory(InstitutionFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.institution.jurisdiction)
    planned_on = date(2026, 3, 2)
    created_by = factory.SubFactory(UserFactory)


# --- Documents (issue 4) ---------------------------------------------------------------------------------------

PDF_STUB = b"%PDF-1.4\n% a stored document for tests that do not render\n%%EOF\n"


class DocumentFactory(factory.django.DjangoModelFactory):
    """An issued filing form of a case, written directly with a stub file (no rendering, no event or audit row).
    Use ``enforcement.services.document_issue`` to test issuing itself."""

    class Meta:
        model = "enforcement.Document"

    case = factory.SubFactory(CaseFactory)
    agreement_action = None
    kind = "filing_form"
    jurisdiction = factory.LazyAttribute(lambda o: (o.case or o.agreement_action).jurisdiction)
    issuing_unit = factory.LazyAttribute(lambda o: o.jurisdiction)
    year = 2026
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"测医保立〔{o.year}〕{o.sequence}号")
    file = factory.django.FileField(filename="stub.pdf", data=PDF_STUB)
    sha256 = hashlib.sha256(PDF_STUB).hexdigest()
    size = len(PDF_STUB)
    html = "<!DOCTYPE html><html><body><p>立案审批表</p></body></html>"
    issued_by = factory.SubFactory(UserFactory)


class PrintBatchFactory(factory.django.DjangoModelFactory):
    """A finished print batch with a stub file."""

    class Meta:
        model = "enforcement.PrintBatch"

    created_by = factory.SubFactory(UserFactory)
    state = "done"
    total = 1
    done = 1
    pages = 1
    file = factory.django.FileField(filename="batch.pdf", data=PDF_STUB)
    size = len(PDF_STUB)
