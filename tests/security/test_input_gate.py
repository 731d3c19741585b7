"""Issue 13, findings 4 and 5: one gate for text (lone surrogates, NUL, bidi and zero-width characters) on
every field of every request, and sane bounds for dates."""

import datetime
import json

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from enforcement.cases.models import Case
from portal import text
from tests.enforcement.test_api_cases import open_body, open_case

API = "/api/v1/"
BAD = ["\ud800", "x\x00y", "\u202eevil\u200b", "a\u2066b", "\ufeffbom", "bell\x07"]


def post_json(api, path, body):
    # json.dumps escapes a lone surrogate as \ud800, as a hostile client would send it.
    return api.post(f"{API}{path}", data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("value", BAD)
def test_forbidden_characters(value):
    assert text.has_forbidden(value)


@pytest.mark.parametrize("value", ["东湖人民医院", "line\nbreak\tand tab", "emoji 🙂", "¥1,000", "Ünïcödé"])
def test_ordinary_text_passes(value):
    assert not text.has_forbidden(value)


def test_lone_surrogate_in_case_open_is_400_naming_the_field(cast, api_for, b01_institution):
    """Finding 4: POST cases/ with a lone surrogate gave a 500 (UnicodeEncodeError in the driver)."""
    response = post_json(api_for(cast.b01_officer), "cases/", open_body(b01_institution, title="案\ud800"))
    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert not Case.objects.exists()


def test_lone_surrogate_in_a_case_action_comment_is_400(cast, api_for, b01_institution):
    case = open_case(cast, b01_institution)
    response = post_json(
        api_for(cast.b01_chief), f"cases/{case.pk}/actions/", {"action": "approve_filing", "comment": "同意\udc00"}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["comment"]
    assert Case.objects.get(pk=case.pk).state == case.state


def test_lone_surrogate_in_assessment_score_is_400_naming_the_nested_key(cast, api_for):
    body = {"preset": "medical-community", "year": 2021, "values": {"k\ud800": 1}, "bonus": [], "veto": False}
    response = post_json(api_for(cast.director), "assessments/score/", body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    (field,) = response.json()
    assert field.startswith("values.") and "\\ud800" in field  # named, and the name is safe to echo


def test_bidi_characters_in_a_title_are_refused(cast, api_for, b01_institution):
    """Finding 5: "\\u202eevil\\u200b" was accepted in titles and shown in lists and PDFs."""
    response = post_json(api_for(cast.b01_officer), "cases/", open_body(b01_institution, title="\u202eevil\u200b"))
    assert response.status_code == 400
    assert "title" in response.json()


def test_nul_in_a_query_parameter_is_400_naming_it(cast, api_for):
    response = api_for(cast.director).get(f"{API}cases/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert list(response.json()) == ["q"]


def test_html_form_with_bidi_text_is_refused(cast, client_for, b01_institution):
    response = client_for(cast.b01_officer).post(
        reverse("supervision:lead-create"),
        {"institution": b01_institution.pk, "source": "complaint", "description": "\u202e举报内容", "amount": "1"},
    )
    assert response.status_code == 400
    assert "举报内容" not in response.content.decode()


def test_multipart_text_field_is_checked_too(cast, api_for):
    response = api_for(cast.analyst).post(f"{API}leads/import/", {"encoding": "auto\u200b"}, format="multipart")
    assert response.status_code == 400
    assert "encoding" in response.json()


def test_deeply_nested_json_is_400(cast, api_for):
    body = "[" * 100_000 + "]" * 100_000
    response = api_for(cast.director).post(f"{API}assessments/score/", data=body, content_type="application/json")
    assert response.status_code == 400


# --- Dates ------------------------------------------------------------------------------------------------


def test_supervise_refuses_a_deadline_beyond_five_years(cast, api_for, b01_institution):
    """Finding 5: `supervise` accepted city_deadline=8003-07-27."""
    case = open_case(cast, b01_institution)
    api = api_for(cast.director)
    for far in ("8003-07-27", (timezone.localdate() + datetime.timedelta(days=5 * 366 + 2)).isoformat()):
        response = post_json(api, f"cases/{case.pk}/actions/", {"action": "supervise", "city_deadline": far})
        assert response.status_code == 400, response.content
        assert "city_deadline" in response.json()
    case.refresh_from_db()
    assert case.city_deadline is None
    near = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = post_json(api, f"cases/{case.pk}/actions/", {"action": "supervise", "city_deadline": near})
    assert response.status_code == 200, response.content


def test_every_form_date_field_has_sane_bounds():
    class Form(forms.Form):
        day = forms.DateField()

    assert not Form({"day": "8003-07-27"}).is_valid()
    assert not Form({"day": "1066-10-14"}).is_valid()
    assert Form({"day": timezone.localdate().isoformat()}).is_valid()


def test_every_serializer_date_field_has_sane_bounds():
    class Body(serializers.Serializer):
        day = serializers.DateField()

    assert not Body(data={"day": "8003-07-27"}).is_valid()
    assert Body(data={"day": timezone.localdate().isoformat()}).is_valid()
