"""The officers a chief may assign to a case: one query that answers what has_perm answers per officer."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcement.cases.forms import certified_officers
from supervision.org import services as org_services
from supervision.org.models import Role
from tests.enforcement.conftest import certified_user


def _reference(case):
    """The definition: certified officers with ``submit_report`` on the case (role in scope, or a grant)."""
    from supervision.org.models import User

    candidates = User.objects.filter(is_active=True, roles__role=Role.OFFICER, roles__is_active=True).distinct()
    return {u.pk for u in candidates if u.has_valid_certificate() and u.has_perm("enforcement.submit_report", case)}


@pytest.fixture
def officers(org, cast, b01_officer2):
    b02_granted = certified_user("b02_granted", [("officer", org.b02)], "CERT-B02-0009")
    b02_in_group = certified_user("b02_in_group", [("officer", org.b02)], "CERT-B02-0010")
    expired = certified_user("b01_expired", [("officer", org.b01)], "CERT-B01-0009", certificate_expires="2020-01-01")
    inactive = certified_user("b01_inactive", [("officer", org.b01)], "CERT-B01-0008", is_active=False)
    return {"b02_granted": b02_granted, "b02_in_group": b02_in_group, "expired": expired, "inactive": inactive}


def test_same_officers_as_asking_has_perm_of_each(driver, officers, cast):
    case = driver.open()
    assert {u.pk for u in certified_officers(case)} == _reference(case)
    assert cast.b01_officer in certified_officers(case) and cast.enf_officer in certified_officers(case)
    assert cast.b02_officer not in certified_officers(case)
    assert officers["expired"] not in certified_officers(case) and officers["inactive"] not in certified_officers(case)


def test_a_view_grant_does_not_make_an_officer_assignable(driver, officers, cast):
    case = driver.open()
    org_services.access_grant(obj=case, to=officers["b02_granted"], by=cast.director, reason="专家协助", check=False)
    group = Group.objects.create(name="experts")
    officers["b02_in_group"].groups.add(group)
    org_services.access_grant(obj=case, to=group, by=cast.director, reason="协助", check=False)
    eligible = {u.pk for u in certified_officers(case)}
    assert eligible == _reference(case)
    assert officers["b02_granted"].pk not in eligible and officers["b02_in_group"].pk not in eligible


def test_one_query_whatever_the_number_of_officers(driver, org):
    case = driver.open()
    for n in range(20):
        certified_user(f"b01_more{n}", [("officer", org.b01)], f"CERT-B01-1{n:03d}")
    with CaptureQueriesContext(connection) as queries:
        assert len(list(certified_officers(case))) >= 20
    assert len(queries.captured_queries) == 2  # the org units, then the officers
