"""Objects of the credit app for the permission sweep (tests/test_permission_sweep.py): one of each in B01
and in B02."""

from credit.models import Assessment, AssessmentPreset, RepairApplication
from credit.services import rating_recompute
from tests.factories import UserFactory


def credit_objects(b01, b02) -> dict:
    owner = UserFactory(username="sweep_credit_owner")
    preset = AssessmentPreset.objects.get(key="medical-community", year=2021)
    objects = {"creditrating": {}, "repairapplication": {}, "assessment": {}}
    for branch, institution in (("B01", b01), ("B02", b02)):
        objects["creditrating"][branch] = rating_recompute(institution_id=institution.pk, year=2026)
        objects["repairapplication"][branch] = RepairApplication.objects.create(
            institution=institution, jurisdiction=institution.jurisdiction, year=2026, reasons="已整改",
            evidence_description="整改报告", submitted_by=owner,
        )  # fmt: skip
        objects["assessment"][branch] = Assessment.objects.create(
            preset=preset, community=f"{branch}医共体", lead_institution=institution,
            jurisdiction=institution.jurisdiction, updated_by=owner, values={}, result={},
        )  # fmt: skip
    return objects
