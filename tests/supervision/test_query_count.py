"""Query budgets (architecture.md §Tests): a list costs the same number of queries with 1 row and with 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.register import services as register_services
from tests.factories import AgreementFactory, InstitutionFactory

PAGES = {
    "institution-page": reverse("supervision:institution-list"),
    "agreement-page": reverse("supervision:agreement-list"),
    "institution-api": "/api/v1/institutions/",
    "agreement-api": "/api/v1/agreements/",
}


def _populate(org, count):
    for _ in range(count):
        agreement = AgreementFactory(institution=InstitutionFactory(jurisdiction=org.b01))
        register_services.agreement_set_status(
            agreement=agreement, to_status="suspended", effective_on=agreement.valid_from, by=None, reason="测试"
        )


def _count_queries(client, path, expected_rows):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    if path.startswith("/api/"):
        assert len(response.json()["results"]) == expected_rows
    else:
        assert len(response.context["object_list"]) == expected_rows
    return len(ctx.captured_queries)


def _measure(org, cast, client, path):
    # A sub-centre user: scope through the branch, plus the grant subqueries every scoped query carries.
    client.force_login(cast.b01_fund)
    _populate(org, 1)
    one = _count_queries(client, path, 1)
    _populate(org, 49)
    fifty = _count_queries(client, path, 50)
    return one, fifty


@pytest.mark.parametrize("page", PAGES)
def test_list_query_count_does_not_grow_with_rows(org, cast, client, page):
    one, fifty = _measure(org, cast, client, PAGES[page])
    assert one == fifty, f"{page}: {one} queries with 1 row, {fifty} with 50"


def _page_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_institution_page_query_count_does_not_grow_with_history(cast, client, b01_agreement):
    from datetime import date

    institution = b01_agreement.institution
    path = reverse("supervision:institution-detail", args=[institution.pk])
    client.force_login(cast.b01_officer)
    register_services.institution_update(
        institution=institution, by=cast.b01_chief, data={"phone": "0571-1"}, reason="1"
    )
    one = _page_queries(client, path)
    for year in range(2015, 2020):  # more agreements, each with its status history
        old = register_services.agreement_create(
            by=cast.b01_chief,
            institution=institution,
            number=f"XY-{year}",
            valid_from=date(year, 1, 1),
            valid_to=date(year, 12, 31),
        )
        register_services.agreement_set_status(
            agreement=old, to_status="expired", effective_on=date(year + 1, 1, 1), by=None, reason="期满"
        )
    for n in range(10):  # and more audit rows on the institution itself
        register_services.institution_update(
            institution=institution, by=cast.b01_chief, data={"phone": f"0571-{n}"}, reason="x"
        )
    many = _page_queries(client, path)
    assert one == many, f"{one} queries with 1 history row and 1 agreement, {many} with 11 and 6"


def test_agreement_page_query_count_does_not_grow_with_history(cast, client, b01_agreement):
    path = reverse("supervision:agreement-detail", args=[b01_agreement.pk])
    client.force_login(cast.b01_officer)
    one = _page_queries(client, path)
    for n in range(5):
        for status in ("suspended", "active"):
            register_services.agreement_set_status(
                agreement=b01_agreement,
                to_status=status,
                effective_on=b01_agreement.valid_from,
                by=cast.b01_chief,
                reason=f"{n}",
            )
    many = _page_queries(client, path)
    assert one == many, f"{one} queries with no history, {many} with 10 changes"
