"""API lists read the caller's permissions per page, not per row (issue 19 item 4): the roles are asked once
per (permission, unit), the grants once per page; the actions of every row are the same as asked one by one."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcement.cases.models import Case, CaseOfficer
from enforcement.cases.procedure import available_actions
from portal import permissions
from supervision.org.models import User
from tests.factories import CaseFactory, InstitutionFactory

API = "/api/v1/cases/"


def _populate(org, officer, count):
    institution = InstitutionFactory(jurisdiction=org.b01)
    for _ in range(count):
        case = CaseFactory(institution=institution)
        CaseOfficer.objects.create(case=case, user=officer, is_lead=True)


def _list(client, rows):
    """(role questions asked, queries made, the rows) for one page of the cases API."""
    with (
        mock.patch.object(permissions.role_backend, "has_perm", wraps=permissions.role_backend.has_perm) as asked,
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(API)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == rows
    return asked.call_count, len(queries.captured_queries), results


@pytest.mark.parametrize("username", ["b01_officer", "b01_chief", "director"])
def test_case_list_asks_the_roles_per_page_not_per_row(org, cast, client, username):
    client.force_login(cast[username])
    _populate(org, cast.b01_officer, 1)
    asked_one, queries_one, _rows = _list(client, 1)
    _populate(org, cast.b01_officer, 19)
    asked_twenty, queries_twenty, results = _list(client, 20)
    assert asked_one > 0
    assert asked_twenty == asked_one, f"{asked_one} role questions with 1 case, {asked_twenty} with 20"
    assert queries_twenty == queries_one
    # The same answer as asking each case on its own, with the user's own has_perm.
    user = User.objects.get(pk=cast[username].pk)
    for row in results:
        case = Case.objects.get(pk=row["id"])
        assert row["available_actions"] == [a.name for a in available_actions(case, user)], row["id"]
    if username == "b01_chief":  # new cases in a branch: the branch chief has steps to take
        assert any(row["available_actions"] for row in results)


def test_runs_list_gives_each_run_the_actions_of_its_page(cast, client):
    """The screening runs API gives each row its actions from the same per-page checker: the same answer as
    the transition table asked row by row."""
    from supervision.screening.models import ScreeningRun
    from supervision.screening.transitions import TRANSITIONS

    runs = [ScreeningRun.objects.create(status=status, created_by=cast.analyst) for status in ("done", "pending")]
    client.force_login(cast.analyst)
    response = client.get("/api/v1/screening/runs/")
    assert response.status_code == 200
    rows = response.json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    analyst = User.objects.get(pk=cast.analyst.pk)
    by_id = {row["id"]: row["actions"] for row in rows}
    for run in runs:
        assert by_id[run.pk] == [t.name for t in TRANSITIONS.available(run, analyst)]
    assert any(by_id[run.pk] for run in runs)
