"""Gapless numbers per series and year (case numbers now, document numbers later)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from enforcement.cases.models import Case
from portal.numbering import NumberSequence, next_number


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_next_number_outside_a_transaction_raises():
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        next_number("test:outside", 2026)
    assert not NumberSequence.objects.filter(series="test:outside").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rollback_leaves_no_gap_across_real_transactions():
    with transaction.atomic():
        assert next_number("test:rollback", 2026) == 1
    with pytest.raises(Boom), transaction.atomic():
        assert next_number("test:rollback", 2026) == 2
        raise Boom
    with transaction.atomic():
        assert next_number("test:rollback", 2026) == 2
    assert NumberSequence.objects.get(series="test:rollback", year=2026).last == 2


@pytest.mark.django_db
def test_rollback_of_a_nested_block_leaves_no_gap():
    with transaction.atomic():
        assert next_number("test:nested", 2026) == 1
    with pytest.raises(Boom), transaction.atomic():
        next_number("test:nested", 2026)
        next_number("test:nested", 2026)
        raise Boom
    with transaction.atomic():
        assert next_number("test:nested", 2026) == 2


@pytest.mark.django_db
def test_numbers_are_consecutive_per_series_and_year():
    with transaction.atomic():
        assert [next_number("a", 2026) for _ in range(3)] == [1, 2, 3]
        assert next_number("b", 2026) == 1
        assert next_number("a", 2027) == 1
        assert next_number("a", 2026) == 4


def test_case_numbers_per_jurisdiction_and_year(driver, cast, b02_institution, b01_officer2):
    year = timezone.localdate().year
    first = driver.open()
    second = driver.open(by=b01_officer2)
    other = driver.open(by=cast.b02_officer, institution=b02_institution)
    assert (first.number, second.number) == (f"B01-{year}-0001", f"B01-{year}-0002")
    assert other.number == f"B02-{year}-0001"


def test_failed_case_open_leaves_no_gap(driver):
    year = timezone.localdate().year
    driver.open()
    with pytest.raises(ValidationError):
        # Fails in full_clean, after the number was taken: a person case needs the person's name.
        driver.open(institution=None, party_kind="person", party_name="", codes=("IMPERSONATED_USE",))
    with pytest.raises(ValidationError):
        driver.open(lead_received_on=timezone.localdate() + timedelta(days=1))
    assert driver.open().number == f"B01-{year}-0002"
    assert list(Case.objects.order_by("number").values_list("number", flat=True)) == [
        f"B01-{year}-0001",
        f"B01-{year}-0002",
    ]
