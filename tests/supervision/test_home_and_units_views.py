"""The home page (each role's start page) and the organisation page."""

import pytest
from django.urls import reverse

from supervision.org.models import OrgUnit
from tests.supervision.helpers import assert_login_redirect

UNITS_URL = reverse("supervision:orgunit-list")


@pytest.mark.parametrize("username", ["director", "b01_officer", "b01_fund", "norole", "admin"])
def test_home_opens_for_every_signed_in_user(cast, client_for, username):
    assert client_for(cast[username]).get("/").status_code == 200


def test_home_redirects_anonymous_to_login(client, db):
    assert_login_redirect(client.get("/"), "/")


def test_home_has_no_panels_for_user_without_role(cast, client_for, b01_agreement):
    response = client_for(cast.norole).get("/")
    assert response.context["panels"] == []


def test_home_sends_a_supervisor_to_their_own_portal(cast, client_for, b01_agreement):
    """A social supervisor's home is their reports (issue 6): no staff panels."""
    response = client_for(cast.supervisor).get("/", follow=True)
    assert response.redirect_chain == [(reverse("supervision:my-reports"), 302)]
    assert "panels" not in response.context


@pytest.mark.parametrize("username", ["director", "b01_officer", "b01_fund", "auditor", "admin"])
def test_units_page_opens_for_staff_and_admin(cast, client_for, username):
    assert client_for(cast[username]).get(UNITS_URL).status_code == 200


@pytest.mark.parametrize("username", ["supervisor", "norole"])
def test_units_page_is_forbidden_to_others(cast, client_for, username):
    assert client_for(cast[username]).get(UNITS_URL).status_code == 403


def test_units_page_redirects_anonymous_to_login(client, db):
    assert_login_redirect(client.get(UNITS_URL), UNITS_URL)


def test_units_page_lists_the_whole_tree(org, cast, client_for):
    response = client_for(cast.b01_officer).get(UNITS_URL)
    assert [u.code for u in response.context["object_list"]] == list(
        OrgUnit.objects.order_by("path").values_list("code", flat=True)
    )
    assert len(response.context["object_list"]) == 8


def test_units_page_shows_the_users_scope(org, cast, client_for):
    assert client_for(cast.b01_fund).get(UNITS_URL).context["my_scope"] == [org.b01]


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        (
            "b01_officer",
            {
                "supervision:institution-list",
                "supervision:agreement-list",
                "supervision:orgunit-list",
                # added by the enforcement app (enforcement/apps.py)
                "enforcement:case-list",
                "enforcement:agreementaction-list",
                "enforcement:penaltyrule-list",
                "enforcement:document-list",  # issue 4
                # added by supervision's AppConfig.ready (issue 5)
                "supervision:lead-list",
                "supervision:inspection-list",
                # reports and rewards (issue 6)
                "supervision:report-list",
                "enforcement:reward-list",
                # credit evaluation (issue 7; credit/apps.py)
                "credit:rating-list",
                "credit:repair-list",
                "credit:assessment-list",
                # statistics and the recovery ledger (issue 17; enforcement/apps.py)
                "enforcement:statistics",
                "enforcement:recovery-list",
                # the deadline calculator (issue 14; enforcement/apps.py)
                "enforcement:deadline-calculator",
            },
        ),
        ("admin", {"supervision:orgunit-list"}),
        ("supervisor", {"supervision:my-reports"}),  # their own portal only (issue 6)
    ],
)
def test_navigation_shows_only_pages_the_role_may_open(cast, client_for, username, visible):
    response = client_for(cast[username]).get("/", follow=True)
    shown = {item["url"] for item in response.context["nav_items"]}
    assert shown == {reverse(name) for name in visible}


@pytest.fixture
def agreements_of_all_kinds(org):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import AgreementFactory

    today = timezone.localdate()
    for branch in (org.b01, org.b02):
        AgreementFactory(
            institution__jurisdiction=branch,
            valid_from=today - timedelta(days=300),
            valid_to=today + timedelta(days=30),
        )
        AgreementFactory(
            institution__jurisdiction=branch,
            valid_from=today - timedelta(days=300),
            valid_to=today + timedelta(days=700),
        )
        AgreementFactory(institution__jurisdiction=branch, valid_to=today + timedelta(days=60), status="suspended")
        AgreementFactory(
            institution__jurisdiction=branch, valid_from=today - timedelta(days=300), valid_to=today - timedelta(days=3)
        )


@pytest.mark.parametrize("username", ["b01_officer", "director"])
def test_every_home_panel_count_matches_the_list_it_links_to(cast, client_for, agreements_of_all_kinds, username):
    client = client_for(cast[username])
    panels = client.get("/").context["panels"]
    assert panels
    for panel in panels:
        listed = client.get(panel.url).context["paginator"].count
        assert (panel.title, listed) == (panel.title, panel.count)


def test_expiring_panel_counts_agreements_ending_within_three_months(cast, client_for, agreements_of_all_kinds):
    panels = client_for(cast.b01_officer).get("/").context["panels"]
    expiring = [p for p in panels if p.tone == "warning"]
    assert [p.count for p in expiring] == [1]


# --- Role-specific home pages (issue 16) ----------------------------------------------------------------------


def _panel_urls(client) -> list[str]:
    return [panel.url for panel in client.get("/").context["panels"]]


def test_the_legal_reviewer_sees_reviews_not_expiring_agreements(cast, client_for, agreements_of_all_kinds):
    urls = _panel_urls(client_for(cast.legal))
    assert any("queue=legal_review" in url for url in urls)
    assert not any(url.startswith(reverse("supervision:agreement-list")) for url in urls)


def test_the_analyst_sees_leads_to_dispatch_not_agreements(cast, client_for, agreements_of_all_kinds):
    urls = _panel_urls(client_for(cast.analyst))
    assert f"{reverse('supervision:lead-list')}?status=new" in urls
    assert not any(url.startswith(reverse("supervision:agreement-list")) for url in urls)


def test_officers_and_chiefs_still_see_their_agreements(cast, client_for, agreements_of_all_kinds):
    for user in (cast.b01_officer, cast.b01_chief):
        assert any(url.startswith(reverse("supervision:agreement-list")) for url in _panel_urls(client_for(user)))


HOMES = ["director", "legal", "b01_chief", "b01_officer", "analyst", "auditor", "b01_fund"]


@pytest.mark.parametrize("username", HOMES)
def test_every_staff_home_starts_with_the_inbox(cast, client_for, username):
    page = client_for(cast[username]).get("/").content.decode()
    assert 'id="home-inbox"' in page
    assert page.index('id="home-inbox"') < page.index('class="row g-3"')


def test_the_directors_home_has_the_statistics_section(cast, client_for):
    sections = client_for(cast.director).get("/").context["sections"]
    assert [s["template"] for s in sections] == ["enforcement/statistics/_home_section.html"]
    assert client_for(cast.b01_chief).get("/").context["sections"] == []
