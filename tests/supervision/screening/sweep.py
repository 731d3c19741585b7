"""Objects of smart screening for the route-by-role permission sweep (tests/test_permission_sweep.py): the
library, runs and imports are the city's, so both "branches" hold one that every screener sees."""

from supervision.screening.models import Rule, ScreeningRun, SettlementBatch
from supervision.screening.services import rules_seed


def screening_objects(b01, b02) -> dict:
    from tests.factories import UserFactory

    rules_seed()
    someone = UserFactory(username="sweep_screener")
    rules = list(Rule.objects.order_by("code")[:2])
    objects = {"screeningrule": {}, "screeningrun": {}, "settlementbatch": {}}
    for index, (branch, institution) in enumerate((("B01", b01), ("B02", b02))):
        objects["screeningrule"][branch] = rules[index]
        objects["screeningrun"][branch] = ScreeningRun.objects.create(status="done", created_by=someone)
        objects["settlementbatch"][branch] = SettlementBatch.objects.create(
            jurisdiction=institution.jurisdiction, file_name="lines.csv", created_by=someone, status="done"
        )
    return objects
