"""Random draws (双随机): a weighted, reproducible draw of targets and teams from two recorded pools, with
exclusions, default ratio, verification by re-running, and publication (一公开)."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from portal.errors import InvalidState
from supervision.inspections import draws, services
from supervision.inspections.models import ConflictDeclaration, Inspection, RandomDraw
from supervision.org.models import AuditEvent
from supervision.register.models import Institution
from tests.factories import InstitutionFactory, UserFactory

CERT = {"certificate_expires": date(2099, 12, 31)}
PLANNED = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def pools(org, cast):
    b01 = [InstitutionFactory(jurisdiction=org.b01) for _ in range(12)]
    b02 = [InstitutionFactory(jurisdiction=org.b02) for _ in range(8)]
    officers = [cast.b01_officer, cast.b02_officer, cast.enf_officer]
    officers += [
        UserFactory(username=f"b01_o{n}", roles=[("officer", org.b01)], certificate_number=f"C1{n}", **CERT)
        for n in range(3)
    ]
    officers += [
        UserFactory(username=f"b02_o{n}", roles=[("officer", org.b02)], certificate_number=f"C2{n}", **CERT)
        for n in range(3)
    ]
    return {"b01": b01, "b02": b02, "officers": officers}


def run(cast, pools, **kwargs):
    defaults = dict(
        by=cast.enf_chief,
        title="2026年双随机抽查",
        kind="random",
        planned_on=PLANNED,
        institutions=pools["b01"] + pools["b02"],
        officers=pools["officers"],
        seed=20260701,
    )
    return services.draw_run(**{**defaults, **kwargs})


# --- The algorithm ------------------------------------------------------------------------------------------------


def test_same_seed_same_result_different_seed_different_result():
    institutions = [[i, "1", 100 + i % 3] for i in range(1, 200)]
    officers = [[1000 + n, [100 + n % 3]] for n in range(30)] + [[2000, []]]
    args = dict(institutions=institutions, officers=officers, conflicts=[], count=20, team_size=2, cross=False)
    first = draws.run_draw(seed=42, **args)
    assert first == draws.run_draw(seed=42, **args)
    assert first != draws.run_draw(seed=43, **args)
    # The pools' order as given does not matter: they are sorted by id.
    assert first == draws.run_draw(seed=42, **{**args, "institutions": institutions[::-1], "officers": officers[::-1]})


def test_weights_favour_low_credit_grades():
    institutions = [[1, "4", 1], [2, "0.5", 1]]  # grade E against grade A
    picks = [draws.draw_targets(random.Random(seed), institutions, 1)[0] for seed in range(2000)]
    share_e = picks.count(1) / len(picks)
    assert 0.85 < share_e < 0.93  # 4 / 4.5 ≈ 0.89


def test_teams_exclude_the_institutions_branch_in_cross_draws():
    institutions = [[i, "1", 7] for i in range(1, 6)]
    officers = [[10, [7]], [11, [7]], [12, [8]], [13, [8]], [14, [9]]]
    result = draws.run_draw(
        seed=1, institutions=institutions, officers=officers, conflicts=[], count=5, team_size=2, cross=True
    )
    assert all(set(entry["team"]) <= {12, 13, 14} for entry in result)
    loads = [pk for entry in result for pk in entry["team"]]
    assert max(loads.count(pk) for pk in (12, 13, 14)) - min(loads.count(pk) for pk in (12, 13, 14)) <= 1


def test_teams_come_from_the_institutions_branch_in_random_draws():
    institutions = [[1, "1", 7], [2, "1", 8]]
    officers = [[10, [7]], [11, [7]], [12, [8]], [13, [8]], [14, []]]
    result = {
        e["institution"]: set(e["team"])
        for e in draws.run_draw(
            seed=5, institutions=institutions, officers=officers, conflicts=[], count=2, team_size=2, cross=False
        )
    }
    assert result[1] <= {10, 11, 14} and result[2] <= {12, 13, 14}


def test_conflicts_are_excluded():
    institutions = [[1, "1", 7]]
    officers = [[10, []], [11, []], [12, []]]
    for seed in range(50):
        result = draws.run_draw(
            seed=seed,
            institutions=institutions,
            officers=officers,
            conflicts=[[10, 1]],
            count=1,
            team_size=2,
            cross=False,
        )
        assert set(result[0]["team"]) == {11, 12}


def test_too_few_officers_is_an_error():
    with pytest.raises(draws.DrawError):
        draws.run_draw(
            seed=1, institutions=[[1, "1", 7]], officers=[[10, [7]]], conflicts=[], count=1, team_size=2, cross=False
        )


def test_target_count_from_ratio():
    assert draws.target_count(120, ratio=Decimal("0.10")) == 12
    assert draws.target_count(121, ratio=Decimal("0.10")) == 13
    assert draws.target_count(3, ratio=Decimal("0.10")) == 1
    assert draws.target_count(50, count=7) == 7


# --- The service --------------------------------------------------------------------------------------------------


def test_draw_records_seed_pools_and_plans_inspections(cast, pools):
    draw = run(cast, pools)
    assert draw.seed == "20260701" and draw.algorithm == "v1"
    assert len(draw.result) == 2  # the default ratio: 10 % of 20
    assert [row[0] for row in draw.institution_pool] == sorted(i.pk for i in pools["b01"] + pools["b02"])
    assert [row[0] for row in draw.officer_pool] == sorted(o.pk for o in pools["officers"])
    assert draw.weights[""] == "1"
    inspections = Inspection.objects.filter(draw=draw)
    assert inspections.count() == 2
    for entry in draw.result:
        inspection = inspections.get(institution_id=entry["institution"])
        assert inspection.kind == "random" and inspection.status == "planned"
        assert inspection.members.get(is_leader=True).user_id == entry["team"][0]
        assert {m.user_id for m in inspection.members.all()} == set(entry["team"])
    event = AuditEvent.objects.for_object(draw).get()
    assert event.verb == "draw" and event.after["seed"] == "20260701"


def test_draw_can_be_reproduced_from_its_record(cast, pools):
    draw = run(cast, pools, count=6, seed=None)
    same, again = services.draw_verify(draw)
    assert same and again == draw.result
    # Anyone can re-run it with the recorded data alone.
    assert (
        draws.run_draw(
            seed=int(draw.seed),
            institutions=draw.institution_pool,
            officers=draw.officer_pool,
            conflicts=draw.conflicts,
            count=len(draw.result),
            team_size=draw.team_size,
            cross=False,
        )
        == draw.result
    )


def test_a_tampered_result_fails_verification(cast, pools):
    draw = run(cast, pools, count=4)
    RandomDraw.objects.filter(pk=draw.pk).update(result=list(reversed(draw.result)))
    draw.refresh_from_db()
    assert services.draw_verify(draw)[0] is False


def test_credit_grades_weight_the_draw(cast, pools):
    Institution.objects.filter(pk=pools["b01"][0].pk).update(credit_grade="E")
    draw = run(cast, pools, institutions=Institution.objects.filter(pk__in=[i.pk for i in pools["b01"]]))
    weights = {row[0]: row[1] for row in draw.institution_pool}
    assert weights[pools["b01"][0].pk] == "4" and weights[pools["b01"][1].pk] == "1"


@override_settings(
    RANDOM_DRAW={
        "ratio": "0.25",
        "team_size": 3,
        "grade_weights": {"A": "0.5", "B": "1", "C": "1.5", "D": "2", "E": "4"},
        "default_weight": "2",
    }
)
def test_ratio_team_size_and_weights_are_configurable(cast, pools):
    draw = run(cast, pools)
    assert len(draw.result) == 5 and draw.team_size == 3 and draw.weights[""] == "2"
    assert all(len(entry["team"]) == 3 for entry in draw.result)


def test_declared_conflicts_are_recorded_and_excluded(cast, pools):
    target = pools["b01"][0]
    for officer in pools["officers"][:2]:
        ConflictDeclaration.objects.create(officer=officer, institution=target, reason="近亲属")
    draw = run(cast, pools, institutions=[target], count=1)
    assert sorted(draw.conflicts) == sorted([o.pk, target.pk] for o in pools["officers"][:2])
    assert not set(draw.result[0]["team"]) & {o.pk for o in pools["officers"][:2]}


def test_a_branch_chief_draws_only_in_the_branch(cast, pools):
    with pytest.raises(PermissionDenied):
        run(cast, pools, by=cast.b01_chief)
    draw = run(cast, pools, by=cast.b01_chief, institutions=pools["b01"], count=2)
    assert draw.jurisdiction.code == "B01"


@pytest.mark.parametrize("username", ["b01_officer", "analyst", "auditor"])
def test_only_chiefs_and_the_director_draw(cast, pools, username):
    with pytest.raises(PermissionDenied):
        run(cast, pools, by=cast[username])


def test_not_enough_officers_is_a_form_error(cast, pools):
    with pytest.raises(ValidationError) as raised:
        run(cast, pools, officers=[cast.b01_officer], count=1)
    assert "officers" in raised.value.message_dict
    assert not RandomDraw.objects.exists() and not Inspection.objects.exists()


def test_publish(cast, pools):
    draw = run(cast, pools)
    published = services.draw_publish(draw=draw, by=cast.director)
    assert published.published_at is not None and published.published_by == cast.director
    assert list(RandomDraw.objects.published()) == [published]
    rows = services.draw_publication(published)
    assert len(rows) == 2 and {"institution_name", "inspectors", "planned_on"} <= set(rows[0])
    with pytest.raises(InvalidState):
        services.draw_publish(draw=draw, by=cast.director)
    with pytest.raises(PermissionDenied):
        services.draw_publish(draw=run(cast, pools, seed=7), by=cast.b01_chief)


# --- Pages and API ------------------------------------------------------------------------------------------------


def test_draw_through_the_page_and_verify(cast, pools, client_for, org):
    client = client_for(cast.enf_chief)
    response = client.post(
        reverse("supervision:randomdraw-create"),
        {
            "title": "季度抽查",
            "kind": "random",
            "planned_on": "2026-07-01",
            "units": [org.b01.pk],
            "count": "3",
            "team_size": "2",
            "seed": "99",
        },
    )
    draw = RandomDraw.objects.get()
    assert response.status_code == 302 and response["Location"] == draw.get_absolute_url()
    assert len(draw.result) == 3 and {row[2] for row in draw.institution_pool} == {org.b01.pk}
    assert draw.criteria["units"] == ["B01"]
    page = client.get(reverse("supervision:randomdraw-verify", args=[draw.pk]))
    assert page.status_code == 200 and page.context["verification"] is True
    client.post(reverse("supervision:randomdraw-publish", args=[draw.pk]))
    assert RandomDraw.objects.get().published_at is not None


def test_draw_page_reports_a_pool_without_enough_officers(cast, pools, client_for, org):
    response = client_for(cast.enf_chief).post(
        reverse("supervision:randomdraw-create"),
        {
            "title": "x",
            "kind": "cross",
            "planned_on": "2026-07-01",
            "units": [org.b01.pk],
            "count": "1",
            "team_size": "2",
            "officer_units": [org.b01.pk],
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not RandomDraw.objects.exists()


def test_draw_pages_triad(cast, pools, client_for):
    draw = run(cast, pools)
    assert client_for(cast.auditor).get(draw.get_absolute_url()).status_code == 200
    assert client_for(cast.b01_chief).get(draw.get_absolute_url()).status_code == 404  # a city draw
    assert client_for(cast.supervisor).get(draw.get_absolute_url()).status_code == 403
    assert client_for(cast.b01_officer).get(reverse("supervision:randomdraw-create")).status_code == 403


def test_draw_api_gives_everything_to_rerun_it(cast, pools, api_for):
    draw = run(cast, pools, count=3)
    body = api_for(cast.auditor).get(f"/api/v1/random-draws/{draw.pk}/").json()
    assert body["seed"] == draw.seed and body["result"] == draw.result
    assert body["institution_pool"] == draw.institution_pool and body["officer_pool"] == draw.officer_pool
    assert api_for(cast.auditor).get(f"/api/v1/random-draws/{draw.pk}/verify/").json()["reproduced"] is True
