"""The append-only audit trail: one row per service call, in the same transaction, never changed."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from portal import audit
from supervision.org import services as org_services
from supervision.org.models import AuditEvent, OrgUnit
from supervision.register import services as register_services
from supervision.register.models import Agreement, Institution
from tests.supervision.helpers import institution_data


def _new_rows(before_pk):
    return list(AuditEvent.objects.filter(pk__gt=before_pk).order_by("pk"))


@pytest.fixture
def mark():
    """The highest audit row id before the action under test."""
    return lambda: AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- One row per service, with actor, unit, verb, before/after and reason ------------------------------


def test_institution_create_writes_one_row(org, cast, mark):
    start = mark()
    institution = register_services.institution_create(
        by=cast.b01_chief, data={**institution_data(org.b01), "jurisdiction": org.b01}
    )
    [row] = _new_rows(start)
    assert (row.actor, row.actor_unit, row.verb, row.object_id) == (
        cast.b01_chief,
        org.b01,
        "create",
        str(institution.pk),
    )
    assert row.before is None
    assert row.after["code"] == "H33019900001"
    assert row.after["jurisdiction_id"] == org.b01.pk


def test_institution_update_writes_one_row_with_before_after_and_reason(cast, b01_institution, mark):
    start = mark()
    register_services.institution_update(
        institution=b01_institution, by=cast.b01_fund, data={"address": "江川市东湖区新华路1号"}, reason="更正地址"
    )
    [row] = _new_rows(start)
    assert (row.actor, row.actor_unit.code, row.verb, row.reason) == (cast.b01_fund, "B01S", "update", "更正地址")
    assert (row.before["address"], row.after["address"]) == ("江川市人民路1号", "江川市东湖区新华路1号")


def test_institution_transfer_writes_one_row(org, cast, b01_agreement, mark):
    start = mark()
    register_services.institution_transfer(
        institution=b01_agreement.institution, to=org.b02, by=cast.fund_officer, reason="区划调整"
    )
    [row] = _new_rows(start)
    assert (row.verb, row.reason, row.actor, row.actor_unit) == ("transfer", "区划调整", cast.fund_officer, org.fund)
    assert (row.before, row.after) == ({"jurisdiction_id": org.b01.pk}, {"jurisdiction_id": org.b02.pk})


def test_agreement_create_writes_one_row(cast, b01_institution, mark):
    start = mark()
    agreement = register_services.agreement_create(
        by=cast.b01_chief,
        institution=b01_institution,
        number="XY-1",
        valid_from=date(2026, 1, 1),
        valid_to=date(2027, 12, 31),
    )
    [row] = _new_rows(start)
    assert (row.verb, row.object_id, row.after["number"]) == ("create", str(agreement.pk), "XY-1")


def test_agreement_set_status_writes_one_row(cast, b01_agreement, mark):
    start = mark()
    register_services.agreement_set_status(
        agreement=b01_agreement, to_status="suspended", effective_on=date(2026, 2, 1), by=cast.b01_chief, reason="中止"
    )
    [row] = _new_rows(start)
    assert (row.verb, row.before, row.after, row.reason) == (
        "status:suspended",
        {"status": "active"},
        {"status": "suspended"},
        "中止",
    )


def test_access_grant_writes_one_row(cast, b01_institution, mark):
    start = mark()
    org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=cast.b01_chief, reason="交叉检查")
    [row] = _new_rows(start)
    assert (row.verb, row.reason, row.after["to"]) == ("grant_access", "交叉检查", f"user:{cast.b02_officer.pk}")


def test_access_grant_to_group_names_the_group(cast, b01_institution, mark):
    team = Group.objects.create(name="交叉检查组")
    start = mark()
    org_services.access_grant(obj=b01_institution, to=team, by=cast.b01_chief, reason="交叉检查")
    [row] = _new_rows(start)
    assert row.after["to"] == f"group:{team.pk}"


def test_access_revoke_writes_one_row(cast, b01_institution, mark):
    org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=cast.b01_chief, reason="交叉检查")
    start = mark()
    org_services.access_revoke(obj=b01_institution, frm=cast.b02_officer, by=cast.b01_chief, reason="结束")
    [row] = _new_rows(start)
    assert (row.verb, row.reason) == ("revoke_access", "结束")


def test_orgunit_create_writes_one_row(org, mark):
    start = mark()
    unit = org_services.orgunit_save(unit=OrgUnit(code="B03", name="南岭分局", kind="branch", parent=org.city), by=None)
    [row] = _new_rows(start)
    assert (row.verb, row.actor, row.object_id) == ("create", None, str(unit.pk))


def test_role_assign_writes_one_row(org, cast, mark):
    start = mark()
    org_services.role_assign(user=cast.norole, role="viewer", unit=org.city, by=cast.admin, reason="入职")
    [row] = _new_rows(start)
    assert (row.verb, row.actor, row.object_id, row.reason) == ("grant_role", cast.admin, str(cast.norole.pk), "入职")
    assert row.after == {"role": "viewer", "unit": "CITY"}


def test_refused_service_call_writes_no_row(cast, b01_institution, mark):
    start = mark()
    with pytest.raises(PermissionDenied):
        register_services.institution_update(institution=b01_institution, by=cast.b02_chief, data={"name": "越权"})
    assert _new_rows(start) == []


# --- Request id ----------------------------------------------------------------------------------------


def _edit(client, institution, **headers):
    data = {
        "name": "东湖区人民医院",
        "kind": institution.kind,
        "level": institution.level,
        "credit_code": institution.credit_code,
        "legal_representative": institution.legal_representative,
        "address": institution.address,
    }
    return client.post(reverse("supervision:institution-update", args=[institution.pk]), data, headers=headers)


def test_row_carries_the_request_id_of_the_response(cast, client_for, b01_institution):
    response = _edit(client_for(cast.b01_chief), b01_institution)
    assert response.status_code == 302
    row = AuditEvent.objects.for_object(b01_institution).get(verb="update")
    assert row.request_id
    assert response["X-Request-ID"] == row.request_id


def test_well_formed_incoming_request_id_is_kept(cast, client_for, b01_institution):
    response = _edit(client_for(cast.b01_chief), b01_institution, **{"X-Request-ID": "lb-2026-abcdef01"})
    row = AuditEvent.objects.for_object(b01_institution).get(verb="update")
    assert response["X-Request-ID"] == row.request_id == "lb-2026-abcdef01"


def test_malformed_incoming_request_id_is_replaced(cast, client_for, b01_institution):
    response = _edit(client_for(cast.b01_chief), b01_institution, **{"X-Request-ID": "<script>"})
    row = AuditEvent.objects.for_object(b01_institution).get(verb="update")
    assert row.request_id != "<script>"
    assert response["X-Request-ID"] == row.request_id


def test_each_request_gets_its_own_id(cast, client_for, b01_institution):
    client = client_for(cast.b01_chief)
    assert client.get("/")["X-Request-ID"] != client.get("/")["X-Request-ID"]


def test_api_write_carries_request_id(cast, api_for, b01_institution):
    response = api_for(cast.b01_chief).patch(
        f"/api/v1/institutions/{b01_institution.pk}/", {"name": "新名"}, format="json"
    )
    row = AuditEvent.objects.for_object(b01_institution).get(verb="update")
    assert response["X-Request-ID"] == row.request_id


# --- Append-only ---------------------------------------------------------------------------------------


@pytest.fixture
def event(cast, b01_institution):
    register_services.institution_update(
        institution=b01_institution, by=cast.b01_chief, data={"name": "原名"}, reason="更名"
    )
    return AuditEvent.objects.for_object(b01_institution).get(verb="update")


def test_saving_an_existing_row_is_refused(event):
    event.reason = "篡改"
    with pytest.raises(PermissionDenied):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == "更名"


def test_deleting_a_row_is_refused(event):
    with pytest.raises(PermissionDenied):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_is_refused(event):
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(reason="篡改")
    assert AuditEvent.objects.get(pk=event.pk).reason == "更名"


def test_queryset_delete_is_refused(event):
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_is_refused(event):
    event.reason = "篡改"
    with pytest.raises(PermissionDenied), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    assert AuditEvent.objects.get(pk=event.pk).reason == "更名"


@pytest.mark.parametrize("url_name", ["admin:supervision_auditevent_change", "admin:supervision_auditevent_delete"])
def test_admin_site_cannot_change_or_delete_rows(cast, client_for, event, url_name):
    response = client_for(cast.admin).post(reverse(url_name, args=[event.pk]), {"reason": "篡改", "post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == "更名"


@pytest.mark.postgres_only
def test_raw_sql_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == "更名"


@pytest.mark.postgres_only
def test_raw_sql_delete_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM supervision_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- Same transaction as the change --------------------------------------------------------------------


def _record_then_fail(real_record):
    def record(**kwargs):
        real_record(**kwargs)
        raise RuntimeError("failure after the audit row was written")

    return record


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_failed_service_leaves_neither_change_nor_audit_row(org, cast, b01_institution, monkeypatch):
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    monkeypatch.setattr(audit, "record", _record_then_fail(audit.record))
    with pytest.raises(RuntimeError):
        register_services.institution_transfer(
            institution=b01_institution, to=org.b02, by=cast.fund_officer, reason="区划调整"
        )
    assert Institution.objects.get(pk=b01_institution.pk).jurisdiction == org.b01
    assert not AuditEvent.objects.filter(pk__gt=start).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_failed_agreement_create_leaves_no_agreement_history_or_audit(org, cast, b01_institution, monkeypatch):
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    monkeypatch.setattr(audit, "record", _record_then_fail(audit.record))
    with pytest.raises(RuntimeError):
        register_services.agreement_create(
            by=cast.b01_chief,
            institution=b01_institution,
            number="XY-1",
            valid_from=date(2026, 1, 1),
            valid_to=date(2027, 1, 1),
        )
    assert not Agreement.objects.exists()
    assert not AuditEvent.objects.filter(pk__gt=start).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_outside_a_transaction_raises(org, b01_institution):
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        audit.record(actor=None, verb="update", obj=b01_institution)
    assert not AuditEvent.objects.filter(object_repr=str(b01_institution)).exists()


# --- Shown on the record's page ------------------------------------------------------------------------


def test_history_shows_on_institution_page(cast, client_for, b01_institution):
    register_services.institution_update(
        institution=b01_institution, by=cast.b01_fund, data={"address": "江川市东湖区新华路1号"}, reason="更正地址"
    )
    response = client_for(cast.b01_officer).get(reverse("supervision:institution-detail", args=[b01_institution.pk]))
    events = list(response.context["audit_events"])
    assert [e.verb for e in events] == ["update"]
    content = response.content.decode()
    assert "更正地址" in content
    assert "江川市东湖区新华路1号" in content
    assert str(cast.b01_fund) in content


def test_history_on_institution_page_lists_only_its_own_events(org, cast, client_for, b01_institution, b02_institution):
    register_services.institution_update(
        institution=b02_institution, by=cast.b02_chief, data={"name": "其他"}, reason="别家的事"
    )
    response = client_for(cast.director).get(reverse("supervision:institution-detail", args=[b01_institution.pk]))
    assert "别家的事" not in response.content.decode()


def test_history_shows_times_locally_lists_as_counts_and_labels_recorded_keys(db, settings):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from supervision.inspections.models import RandomDraw

    settings.TIME_ZONE = "Asia/Shanghai"
    event = AuditEvent(
        content_type=ContentType.objects.get_for_model(RandomDraw),
        before={},
        after={
            "published_at": "2026-11-22T20:25:29.196372+00:00",
            "result": [{"institution": 25, "team": [15, 16]}, {"institution": 12, "team": [14, 5]}],
            "pool": 42,
        },
    )
    with translation.override("en"):
        rows = {label: new for label, _old, new in event.changes}
    assert rows["published at"] == "2026-11-23 04:25"  # 20:25 UTC is 04:25 the next day in Shanghai
    assert rows["result"] == "2 entries"
    assert rows["institutions in the pool"] == 42


def test_history_names_the_records_a_change_refers_to(cast, b01_institution, django_assert_num_queries):
    from supervision.leads import services as leads_services
    from supervision.leads.models import Lead

    lead = leads_services.lead_create(
        by=cast.b01_officer, institution=b01_institution, source=Lead.Source.REPORT, description="举报", amount=0
    )
    leads_services.lead_dispatch(lead=lead, by=cast.b01_chief, officer=cast.b01_officer)
    with django_assert_num_queries(4):  # the rows, then users, institutions and units: one query each
        events = AuditEvent.objects.history_of(lead)
    shown = [str(value) for event in events for _label, _old, value in event.changes]
    assert str(b01_institution) in shown and str(cast.b01_officer) in shown
    assert str(b01_institution.pk) not in shown


def test_history_tells_a_grant_as_a_sentence_with_the_person_named(cast, b01_institution):
    from django.utils import translation

    org_services.access_grant(
        obj=b01_institution, to=cast.b02_officer, by=None, actions=("view", "change"), reason="交叉检查"
    )
    [event] = [e for e in AuditEvent.objects.history_of(b01_institution) if e.verb == "grant_access"]
    with translation.override("zh-hans"):
        sentence = str(event.summary)
    assert str(cast.b02_officer) in sentence and "user:" not in sentence
    assert "查看" in sentence and "修改" in sentence


def test_history_folds_a_creation_and_lists_recorded_answers_under_their_labels(db):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from enforcement.rewards.models import Reward

    event = AuditEvent(
        verb="create",
        content_type=ContentType.objects.get_for_model(Reward),
        before=None,
        after={"tier": "first", "checks": {"public_report": True, "wants_reward": False}, "rate": "0.04"},
    )
    assert event.is_creation and not event.summary
    with translation.override("zh-hans"):
        rows = {str(label): str(new) for label, _old, new in event.changes}
    checks = next(value for value in rows.values() if "：" in value)
    assert "{" not in checks and "public_report" not in checks and "是" in checks and "否" in checks
