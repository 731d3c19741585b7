"""Type-ahead pickers (issue 16): each searches only what its user may pick, 20 rows at a time."""

from django.urls import reverse

from tests.factories import InstitutionFactory


def results(client, name, q=""):
    response = client.get(reverse(name), {"q": q})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    return response.json()


def test_the_institution_picker_finds_by_name_or_code_within_scope(org, cast, client_for):
    mine = InstitutionFactory(jurisdiction=org.b01, name="东湖康复医院", code="H42010000001")
    theirs = InstitutionFactory(jurisdiction=org.b02, name="西山康复医院", code="H42010000002")
    found = {
        row["value"]
        for row in results(client_for(cast.b01_officer), "supervision:institution-lookup", "康复")["results"]
    }
    assert mine.pk in found and theirs.pk not in found
    by_code = results(client_for(cast.director), "supervision:institution-lookup", "H42010000002")["results"]
    assert [row["value"] for row in by_code] == [theirs.pk] and by_code[0]["text"] == "西山康复医院（H42010000002）"


def test_the_picker_pages_its_matches(org, cast, client_for):
    for n in range(25):
        InstitutionFactory(jurisdiction=org.b01, name=f"分页药店{n:02d}")
    data = results(client_for(cast.b01_officer), "supervision:institution-lookup", "分页药店")
    assert len(data["results"]) == 20 and data["more"] is True


def test_the_officer_picker_offers_officers_in_scope_by_name(org, cast, client_for):
    shown = {row["text"] for row in results(client_for(cast.b01_chief), "supervision:officer-lookup")["results"]}
    assert str(cast.b01_officer) in shown and str(cast.b02_officer) not in shown


def test_the_public_register_search_needs_no_login(org, client):
    InstitutionFactory(jurisdiction=org.b02, name="西山大药房", code="P42010000009")
    data = results(client, "public:register-lookup", "西山大药房")
    assert [row["text"] for row in data["results"]] == ["西山大药房（P42010000009）"]


def test_a_form_holds_only_the_chosen_institution_and_points_at_the_search(org, cast, client_for):
    html = client_for(cast.b01_officer).get(reverse("supervision:lead-create")).content.decode()
    select = html[html.index('name="institution"') - 200 :].split("</select>")[0]
    assert f'data-typeahead="{reverse("supervision:institution-lookup")}"' in select
    assert select.count("<option") <= 1  # the empty choice only, not the whole register
