"""Concurrent actions on PostgreSQL: the case row lock serialises actions, and case numbers stay gapless.

Each thread uses its own database connection (Django opens one per thread) and closes it when done. The
tests commit for real (transaction=True) with serialized rollback, so the migrated reference data is
restored after each test's flush like every other transactional test of the suite.
"""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from enforcement.cases import services as case_services
from enforcement.cases.models import Case, CaseEvent
from enforcement.cases.services import InvalidState, case_act
from supervision.org.models import User

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def run_together(count, target):
    """Run ``target(i)`` in ``count`` threads released at once; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def work(i):
        try:
            barrier.wait(timeout=10)
            results[i] = target(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_same_action_at_the_same_time_succeeds_once(driver, monkeypatch):
    case = driver.open()
    args = driver.args(case, "approve_filing")
    real_check = case_services._check_team

    def slow_check(locked_case, on):
        # Hold the row lock a little, so that without it both threads would pass the state check.
        time.sleep(0.3)
        return real_check(locked_case, on)

    monkeypatch.setattr(case_services, "_check_team", slow_check)

    def approve(_):
        chief = User.objects.get(pk=args["by"].pk)  # a fresh user object per thread
        return case_act(case=Case(pk=case.pk), action="approve_filing", by=chief, comment=args["comment"],
                        data=args["data"])  # fmt: skip

    results = run_together(2, approve)

    succeeded = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, InvalidState)]
    assert (len(succeeded), len(refused)) == (1, 1), results
    assert Case.objects.get(pk=case.pk).state == "investigating"
    assert CaseEvent.objects.filter(case_id=case.pk, action="approve_filing").count() == 1
    assert case.assignments.count() == 2


def test_different_actions_on_the_same_case_are_serialised(driver):
    case = driver.open()
    approve, reject = driver.args(case, "approve_filing"), driver.args(case, "reject_filing")

    def act(i):
        args, action = (approve, "approve_filing") if i == 0 else (reject, "reject_filing")
        chief = User.objects.get(pk=args["by"].pk)
        return case_act(case=Case(pk=case.pk), action=action, by=chief, comment=args["comment"], data=args["data"])

    results = run_together(2, act)
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, InvalidState) for r in results) == 1, results
    state = Case.objects.get(pk=case.pk).state
    assert state in ("investigating", "not_filed")
    assert CaseEvent.objects.filter(case_id=case.pk).exclude(action="open").count() == 1


def test_parallel_case_open_gives_consecutive_numbers(driver, org):
    from tests.enforcement.conftest import certified_user

    officers = [driver.o1, driver.o2] + [
        certified_user(f"b01_parallel{i}", [("officer", org.b01)], f"CERT-P-{i}") for i in range(4)
    ]
    count = len(officers)

    def open_case(i):
        officer = User.objects.get(pk=officers[i].pk)
        return driver.open(by=officer, title=f"并发立案{i}").number

    results = run_together(count, open_case)
    assert all(isinstance(r, str) for r in results), results
    year = timezone.localdate().year
    assert sorted(results) == [f"B01-{year}-{n:04d}" for n in range(1, count + 1)]
    assert Case.objects.count() == count
