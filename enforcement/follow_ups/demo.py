"""Demo follow-ups of confirmed leads and of an inspection finding: in every branch one lead became a case and
one an agreement action, so the demo shows leads ``converted``. Keyed on the leads' status: running it again
adds nothing."""

from enforcement.follow_ups.services import finding_open_case, lead_convert_to_agreement_action, lead_convert_to_case
from supervision.inspections.models import Finding
from supervision.leads.models import Lead


def seed(*, units: dict, users: dict, institutions=None) -> dict:
    converted = 0
    waiting = Lead.objects.filter(status=Lead.Status.CONFIRMED, external_id__endswith="-to_convert")
    for index, lead in enumerate(waiting.select_related("institution", "jurisdiction").order_by("pk")):
        branch = lead.jurisdiction.code.lower()
        if index % 2 and lead.institution.agreements.exists():
            lead_convert_to_agreement_action(
                lead=lead, by=users[f"{branch}_chief"], kind="interview", grounds=f"经核查属实：{lead.description}"
            )
        else:
            lead_convert_to_case(
                lead=lead,
                by=users[f"{branch}_officer1"],
                title=f"{lead.institution.name}线索核查案",
                violation_codes=["SUBSTITUTION"],
            )
        converted += 1
    # The finding of the closed special inspection becomes a case.
    finding = Finding.objects.filter(inspection__title="专项检查：血液透析", lead__isnull=True).first()
    if finding is not None:
        finding_open_case(finding=finding, by=users["b02_officer1"], title="血液透析超标准收费案")
        converted += 1
    return {"leads followed up": converted}
