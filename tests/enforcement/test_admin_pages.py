"""Admin site for the rules as data (penalty rules with bands, violation codes, thresholds), the working-day
calendar with its import command, and read-only cases, events and agreement actions."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.models import Case, CaseEvent
from enforcement.rules.models import PenaltyRule, Thresholds
from portal.workdays import CalendarDay
from supervision.org.models import AuditEvent
from tests.factories import AgreementActionFactory, CaseFactory, InstitutionFactory

MODELS = [PenaltyRule, Thresholds, CalendarDay, Case, CaseEvent, AgreementAction]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_open_for_the_superuser_only(cast, client_for, model, org):
    assert client_for(cast.admin).get(admin_url(model, "changelist")).status_code == 200
    assert client_for(cast.director).get(admin_url(model, "changelist")).status_code == 302


@pytest.mark.parametrize("model", [Case, CaseEvent, AgreementAction], ids=lambda m: m.__name__)
def test_records_written_by_services_cannot_be_added_in_the_admin(cast, client_for, model):
    assert client_for(cast.admin).get(admin_url(model, "add")).status_code == 403


def test_case_and_measure_pages_are_read_only(org, cast, client_for):
    case = CaseFactory(institution=InstitutionFactory(jurisdiction=org.b01))
    measure = AgreementActionFactory(agreement__institution__jurisdiction=org.b01)
    client = client_for(cast.admin)
    for model, obj in ((Case, case), (AgreementAction, measure)):
        response = client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
        client.post(admin_url(model, "change", obj.pk), {"title": "改过"})
    assert Case.objects.get(pk=case.pk).title == case.title


def _post_data(response) -> dict:
    """The admin change form as the browser would submit it unchanged (main form and inline formsets)."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for item in formset.forms:
            for name in item.fields:
                value = item[name].value()
                data[item.add_prefix(name)] = "" if value is None else value
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def test_penalty_rule_page_edits_bands_inline_with_audit(cast, client_for):
    rule = PenaltyRule.objects.get(code="R40")
    band = rule.bands.order_by("order").first()
    client = client_for(cast.admin)
    url = admin_url(PenaltyRule, "change", rule.pk)
    page = client.get(url)
    assert page.context["inline_admin_formsets"][0].formset.total_form_count() == rule.bands.count() == 3
    data = _post_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    index = next(i for i, f in enumerate(page.context["inline_admin_formsets"][0].formset.forms) if f.instance == band)
    data[f"{prefix}-{index}-condition"] = "初次违法且及时改正"
    response = client.post(url, data)
    assert response.status_code == 302
    band.refresh_from_db()
    assert band.condition == "初次违法且及时改正"
    audit = AuditEvent.objects.for_object(band).get(verb="admin_update")
    assert audit.after["condition"] == "初次违法且及时改正"


def test_thresholds_in_force_are_read_only_and_future_ones_editable(db, cast, client_for):
    past = Thresholds.objects.get()  # seeded, in force since 2021
    future = Thresholds.objects.create(effective_from=timezone.localdate() + timedelta(days=30))
    client = client_for(cast.admin)
    assert not client.get(admin_url(Thresholds, "change", past.pk)).context["has_change_permission"]
    assert client.get(admin_url(Thresholds, "change", future.pk)).context["has_change_permission"]


def test_calendar_day_added_in_the_admin_is_audited(cast, client_for):
    response = client_for(cast.admin).post(
        admin_url(CalendarDay, "add"), {"day": "2030-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(day=date(2030, 10, 1))
    assert AuditEvent.objects.for_object(day).filter(verb="admin_create").exists()


# --- manage.py import_calendar -------------------------------------------------------------------------


def test_import_calendar_command_loads_the_file(db, tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text("date,kind,name\n2030-10-01,holiday,国庆节\n2030-09-29,调休,国庆调休\n", encoding="utf-8")
    out = StringIO()
    call_command("import_calendar", str(path), stdout=out)
    assert "2" in out.getvalue()
    assert dict(CalendarDay.objects.values_list("day", "kind")) == {
        date(2030, 10, 1): "holiday",
        date(2030, 9, 29): "workday",
    }


def test_import_calendar_command_reports_every_bad_row_and_writes_nothing(db, tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(
        "date,kind,name\n2030-10-01,holiday,国庆节\n2030-13-01,holiday,坏日期\n2030-10-02,party,坏类型\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_calendar", str(path), stderr=err)
    assert "3" in err.getvalue() and "4" in err.getvalue()  # the rows, by number
    assert not CalendarDay.objects.exists()


def test_import_calendar_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_calendar", str(tmp_path / "nope.csv"))


def test_the_admin_index_names_every_app_and_model_in_chinese(cast, client_for):
    """Third-party apps included (login lockouts, background tasks): no English name on the admin's index."""
    import re

    from django.contrib import admin
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    with translation.override("zh-hans"):
        names = [str(app["name"]) for app in admin.site.get_app_list(request)]
        names += [str(m["name"]) for app in admin.site.get_app_list(request) for m in app["models"]]
    english = [name for name in names if re.search(r"[A-Za-z]{3,}", name)]
    assert names and english == []
    assert client_for(cast.admin).get(reverse("admin:index")).status_code == 200
