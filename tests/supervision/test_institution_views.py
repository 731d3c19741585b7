"""HTML pages of the institution register: the 200/403/404 triad, login redirects, writes and the export."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from supervision.org import services as org_services
from supervision.org.models import AuditEvent
from supervision.register.models import Agreement, Institution
from tests.factories import AgreementFactory, InstitutionFactory
from tests.supervision.helpers import assert_login_redirect, institution_data, page_body

MISSING_PK = 987654


def url(name, pk=None):
    return reverse(f"supervision:{name}", args=[pk] if pk is not None else [])


# --- Pages without an object ---------------------------------------------------------------------------

LIST_PAGES = ["institution-list", "institution-export", "institution-create"]


@pytest.mark.parametrize(
    ("name", "username"),
    [
        ("institution-list", "b01_officer"),
        ("institution-list", "auditor"),
        ("institution-export", "b01_officer"),
        ("institution-export", "analyst"),
        ("institution-create", "b01_chief"),
        ("institution-create", "b01_fund"),
        ("institution-create", "fund_officer"),
    ],
)
def test_page_opens_for_permitted_role(cast, client_for, b01_institution, name, username):
    assert client_for(cast[username]).get(url(name)).status_code == 200


@pytest.mark.parametrize(
    ("name", "username"),
    [
        ("institution-list", "supervisor"),
        ("institution-list", "norole"),
        ("institution-export", "supervisor"),
        ("institution-export", "norole"),
        ("institution-create", "b01_officer"),
        ("institution-create", "auditor"),
        ("institution-create", "supervisor"),
        ("institution-create", "admin"),
    ],
)
def test_page_is_forbidden_to_wrong_role(cast, client_for, name, username):
    assert client_for(cast[username]).get(url(name)).status_code == 403


@pytest.mark.parametrize("name", LIST_PAGES)
def test_page_redirects_anonymous_to_login(client, db, name):
    assert_login_redirect(client.get(url(name)), url(name))


# --- Pages of one institution --------------------------------------------------------------------------

# name → (user allowed in scope, user whose role may not, user out of scope)
OBJECT_PAGES = {
    "institution-detail": ("b01_officer", "supervisor", "b02_officer"),
    "institution-update": ("b01_chief", "b01_officer", "b02_chief"),
    "institution-transfer": ("b01_chief", "auditor", "b02_chief"),
}


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_object_page_opens_in_scope(cast, client_for, b01_institution, name):
    allowed = OBJECT_PAGES[name][0]
    assert client_for(cast[allowed]).get(url(name, b01_institution.pk)).status_code == 200


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_object_page_is_forbidden_to_wrong_role_in_scope(cast, client_for, b01_institution, name):
    wrong_role = OBJECT_PAGES[name][1]
    assert client_for(cast[wrong_role]).get(url(name, b01_institution.pk)).status_code == 403


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_object_page_is_404_out_of_scope(cast, client_for, b01_institution, name):
    outsider = OBJECT_PAGES[name][2]
    assert client_for(cast[outsider]).get(url(name, b01_institution.pk)).status_code == 404


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_out_of_scope_404_is_identical_to_missing_record(cast, client_for, b01_institution, name):
    client = client_for(cast[OBJECT_PAGES[name][2]])
    out_url, missing_url = url(name, b01_institution.pk), url(name, MISSING_PK)
    out_of_scope, missing = client.get(out_url), client.get(missing_url)
    assert (out_of_scope.status_code, missing.status_code) == (404, 404)
    assert page_body(out_of_scope, out_url) == page_body(missing, missing_url)


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_object_page_redirects_anonymous_to_login(client, b01_institution, name):
    assert_login_redirect(client.get(url(name, b01_institution.pk)), url(name, b01_institution.pk))


@pytest.mark.parametrize("name", ["institution-update", "institution-transfer"])
def test_post_to_object_page_out_of_scope_is_404_and_changes_nothing(cast, client_for, b01_institution, name):
    response = client_for(cast.b02_chief).post(url(name, b01_institution.pk), {"name": "改名", "reason": "x"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(verb__in=["update", "transfer"]).exists()


def test_detail_shown_to_grantee_outside_scope(cast, client_for, b01_institution):

    org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=None, reason="交叉检查")
    response = client_for(cast.b02_officer).get(url("institution-detail", b01_institution.pk))
    assert response.status_code == 200


# --- List content --------------------------------------------------------------------------------------


def test_list_shows_only_institutions_in_scope(cast, client_for, b01_institution, b02_institution):
    content = client_for(cast.b01_officer).get(url("institution-list")).content.decode()
    assert b01_institution.name in content
    assert b02_institution.name not in content


def test_list_count_is_scoped(org, cast, client_for):
    InstitutionFactory.create_batch(3, jurisdiction=org.b01)
    InstitutionFactory.create_batch(5, jurisdiction=org.b02)
    response = client_for(cast.b02_officer).get(url("institution-list"))
    assert response.context["paginator"].count == 5


def test_list_jurisdiction_filter_narrows(org, cast, client_for, b01_institution, b02_institution):
    response = client_for(cast.director).get(url("institution-list"), {"jurisdiction": org.b02.pk})
    assert list(response.context["object_list"]) == [b02_institution]


def test_list_jurisdiction_filter_cannot_widen(org, cast, client_for, b01_institution, b02_institution):
    response = client_for(cast.b01_officer).get(url("institution-list"), {"jurisdiction": org.b02.pk})
    assert list(response.context["object_list"]) == []


def test_list_status_filter(org, cast, client_for):
    suspended = AgreementFactory(institution__jurisdiction=org.b01, status=Agreement.Status.SUSPENDED)
    AgreementFactory(institution__jurisdiction=org.b01)
    response = client_for(cast.b01_officer).get(url("institution-list"), {"status": "suspended"})
    assert list(response.context["object_list"]) == [suspended.institution]


def test_list_search_filter(org, cast, client_for, b01_institution):
    InstitutionFactory(jurisdiction=org.b01, name="东湖百姓大药房", kind="pharmacy", level="")
    response = client_for(cast.b01_officer).get(url("institution-list"), {"q": "大药房"})
    assert [i.name for i in response.context["object_list"]] == ["东湖百姓大药房"]


def test_register_button_only_for_roles_that_may_add(cast, client_for, b01_institution):
    create_url = url("institution-create")
    assert create_url in client_for(cast.b01_chief).get(url("institution-list")).content.decode()
    assert create_url not in client_for(cast.b01_officer).get(url("institution-list")).content.decode()


# --- Create --------------------------------------------------------------------------------------------


def test_create_registers_institution_and_redirects_to_it(org, cast, client_for):
    response = client_for(cast.b01_chief).post(url("institution-create"), institution_data(org.b01))
    institution = Institution.objects.get(code="H33019900001")
    assert response.status_code == 302
    assert response["Location"] == url("institution-detail", institution.pk)
    assert institution.jurisdiction == org.b01


def test_create_by_subcentre_fund_officer_lands_in_its_branch(org, cast, client_for):
    response = client_for(cast.b01_fund).post(url("institution-create"), institution_data(org.b01))
    assert response.status_code == 302
    assert Institution.objects.get(code="H33019900001").jurisdiction == org.b01


def test_create_writes_one_audit_row(org, cast, client_for):
    client_for(cast.b01_chief).post(url("institution-create"), institution_data(org.b01))
    institution = Institution.objects.get(code="H33019900001")
    assert list(AuditEvent.objects.for_object(institution).values_list("verb", "actor")) == [
        ("create", cast.b01_chief.pk)
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "bad code"}, "code"),
        ({"name": ""}, "name"),
        ({"level": ""}, "level"),  # a hospital needs its level
        ({"kind": "pharmacy", "level": "2"}, "level"),  # only hospitals have one
        ({"credit_code": "123"}, "credit_code"),
    ],
)
def test_create_with_bad_input_shows_errors_and_writes_nothing(org, cast, client_for, overrides, field):
    audit_before = AuditEvent.objects.count()
    response = client_for(cast.b01_chief).post(url("institution-create"), institution_data(org.b01, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert not Institution.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_create_with_duplicate_code_is_refused(org, cast, client_for, b01_institution):
    data = institution_data(org.b01, code=b01_institution.code)
    response = client_for(cast.b01_chief).post(url("institution-create"), data)
    assert "code" in response.context["form"].errors
    assert Institution.objects.count() == 1


def test_create_into_another_branch_is_refused(org, cast, client_for):
    audit_before = AuditEvent.objects.count()
    response = client_for(cast.b01_chief).post(url("institution-create"), institution_data(org.b02))
    assert response.status_code == 200
    assert "jurisdiction" in response.context["form"].errors
    assert not Institution.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_create_form_offers_only_branches_the_user_may_register_in(org, cast, client_for):
    form = client_for(cast.b01_fund).get(url("institution-create")).context["form"]
    assert list(form.fields["jurisdiction"].queryset) == [org.b01]


# --- Edit ----------------------------------------------------------------------------------------------


def _edit_data(institution, **overrides):
    data = institution_data(
        None,
        name=institution.name,
        kind=institution.kind,
        level=institution.level,
        credit_code=institution.credit_code,
        legal_representative=institution.legal_representative,
        address=institution.address,
        phone=institution.phone,
    )
    data.pop("code")
    data.pop("jurisdiction")
    data.update(overrides)
    return data


def test_edit_saves_changes_and_redirects(cast, client_for, b01_institution):
    response = client_for(cast.b01_chief).post(
        url("institution-update", b01_institution.pk), _edit_data(b01_institution, name="东湖区人民医院")
    )
    assert response.status_code == 302
    assert response["Location"] == url("institution-detail", b01_institution.pk)
    b01_institution.refresh_from_db()
    assert b01_institution.name == "东湖区人民医院"


def test_edit_records_before_and_after(cast, client_for, b01_institution):
    old_name = b01_institution.name
    client_for(cast.b01_chief).post(
        url("institution-update", b01_institution.pk), _edit_data(b01_institution, name="东湖区人民医院")
    )
    event = AuditEvent.objects.for_object(b01_institution).get(verb="update")
    assert (event.before["name"], event.after["name"]) == (old_name, "东湖区人民医院")


def test_edit_with_bad_input_shows_errors_and_changes_nothing(cast, client_for, b01_institution):
    response = client_for(cast.b01_chief).post(
        url("institution-update", b01_institution.pk),
        _edit_data(b01_institution, name="", credit_code="not-a-code"),
    )
    assert response.status_code == 200
    assert {"name", "credit_code"} <= set(response.context["form"].errors)
    assert Institution.objects.get(pk=b01_institution.pk).name == b01_institution.name
    assert not AuditEvent.objects.filter(verb="update").exists()


def test_edit_ignores_a_posted_jurisdiction(org, cast, client_for, b01_institution):
    client_for(cast.b01_chief).post(
        url("institution-update", b01_institution.pk), _edit_data(b01_institution, jurisdiction=org.b02.pk)
    )
    assert Institution.objects.get(pk=b01_institution.pk).jurisdiction == org.b01


def test_edit_by_wrong_role_changes_nothing(cast, client_for, b01_institution):
    response = client_for(cast.b01_officer).post(
        url("institution-update", b01_institution.pk), _edit_data(b01_institution, name="改名")
    )
    assert response.status_code == 403
    assert Institution.objects.get(pk=b01_institution.pk).name == b01_institution.name


# --- Transfer ------------------------------------------------------------------------------------------


def test_transfer_moves_institution_and_redirects(org, cast, client_for, b01_agreement):
    institution = b01_agreement.institution
    response = client_for(cast.fund_officer).post(
        url("institution-transfer", institution.pk), {"to": org.b02.pk, "reason": "行政区划调整"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("institution-detail", institution.pk)
    assert Institution.objects.get(pk=institution.pk).jurisdiction == org.b02
    assert Agreement.objects.get(pk=b01_agreement.pk).jurisdiction == org.b02


def test_transfer_without_reason_shows_error_and_moves_nothing(org, cast, client_for, b01_institution):
    response = client_for(cast.fund_officer).post(
        url("institution-transfer", b01_institution.pk), {"to": org.b02.pk, "reason": ""}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert Institution.objects.get(pk=b01_institution.pk).jurisdiction == org.b01
    assert not AuditEvent.objects.filter(verb="transfer").exists()


def test_branch_chief_cannot_transfer_into_another_branch(org, cast, client_for, b01_institution):
    response = client_for(cast.b01_chief).post(
        url("institution-transfer", b01_institution.pk), {"to": org.b02.pk, "reason": "行政区划调整"}
    )
    assert response.status_code == 200
    assert "to" in response.context["form"].errors
    assert Institution.objects.get(pk=b01_institution.pk).jurisdiction == org.b01


def test_transfer_to_current_branch_is_not_offered(org, cast, client_for, b01_institution):
    response = client_for(cast.fund_officer).post(
        url("institution-transfer", b01_institution.pk), {"to": org.b01.pk, "reason": "无变化"}
    )
    assert "to" in response.context["form"].errors
    assert not AuditEvent.objects.filter(verb="transfer").exists()


def test_chief_of_both_branches_may_transfer_between_them(org, cast, client_for, b01_institution):
    from supervision.org.models import RoleAssignment

    RoleAssignment.objects.create(user=cast.b01_chief, role="chief", unit=org.b02)
    response = client_for(cast.b01_chief).post(
        url("institution-transfer", b01_institution.pk), {"to": org.b02.pk, "reason": "行政区划调整"}
    )
    assert response.status_code == 302
    assert Institution.objects.get(pk=b01_institution.pk).jurisdiction == org.b02


# --- Export --------------------------------------------------------------------------------------------


def _sheet_rows(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment;" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


def test_export_is_an_xlsx_with_header_and_scoped_rows(org, cast, client_for):
    mine = InstitutionFactory.create_batch(3, jurisdiction=org.b01)
    InstitutionFactory.create_batch(2, jurisdiction=org.b02)
    rows = _sheet_rows(client_for(cast.b01_officer).get(url("institution-export")))
    assert len(rows) == 1 + 3
    assert sorted(row[0].value for row in rows[1:]) == sorted(i.code for i in mine)


def test_export_applies_the_list_filters(org, cast, client_for):
    InstitutionFactory.create_batch(2, jurisdiction=org.b01)
    pharmacy = InstitutionFactory(jurisdiction=org.b02, kind="pharmacy", level="", name="西山老百姓药房")
    rows = _sheet_rows(client_for(cast.director).get(url("institution-export"), {"kind": "pharmacy"}))
    assert [row[0].value for row in rows[1:]] == [pharmacy.code]


def test_export_jurisdiction_filter_cannot_widen_scope(org, cast, client_for):
    InstitutionFactory.create_batch(2, jurisdiction=org.b02)
    rows = _sheet_rows(client_for(cast.b01_officer).get(url("institution-export"), {"jurisdiction": org.b02.pk}))
    assert len(rows) == 1


def test_export_writes_formula_like_text_as_text(org, cast, client_for):
    name = '=HYPERLINK("http://evil.example/","点击")'
    institution = InstitutionFactory(jurisdiction=org.b01, name=name)
    rows = _sheet_rows(client_for(cast.b01_officer).get(url("institution-export")))
    [row] = [r for r in rows[1:] if r[0].value == institution.code]
    assert row[1].data_type == "s"
    assert row[1].value.lstrip("'") == name
