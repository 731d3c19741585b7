"""The lead list writes its rows in Python (issue 19): the markup is the one the row template wrote."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Engine
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import InstitutionFactory, LeadFactory

LIST_URL = reverse("supervision:lead-list")

# The rows as templates/supervision/lead_list.html wrote them before issue 19, verbatim.
OLD_ROWS = """{% load i18n %}{% for lead in object_list %}
    <tr>
      {% if bulk_form %}<td class="d-print-none">{% if lead.status == "new" %}<input class="form-check-input" type="checkbox" name="leads" value="{{ lead.pk }}" form="bulk-dispatch" aria-label="{% translate 'Choose' %} {{ lead.institution.name }}">{% endif %}</td>{% endif %}
      <td class="text-nowrap"><a href="{{ lead.get_absolute_url }}">{{ lead.received_on|date:"Y-m-d" }}</a></td>
      <td>{{ lead|choice_label:"source" }}</td>
      <td>{{ lead.institution.name }}</td>
      <td class="small"><a href="{{ lead.get_absolute_url }}">{{ lead.description|truncatechars:60 }}</a></td>
      <td class="text-end text-nowrap">{{ lead.amount|money }}</td>
      <td>{{ lead.jurisdiction.name }}</td>
      <td><span class="badge {% if lead.status == 'new' %}text-bg-primary{% elif lead.status == 'dispatched' %}text-bg-info{% elif lead.status == 'verifying' %}text-bg-warning{% elif lead.status == 'dismissed' %}text-bg-secondary{% elif lead.status == 'confirmed' %}text-bg-danger{% else %}text-bg-dark{% endif %}">{{ lead|choice_label:"status" }}</span></td>
      <td>{{ lead.assignee|default:"—" }}</td>
      <td class="text-nowrap">{% if lead.verification_due %}{% if lead.status == "dispatched" or lead.status == "verifying" %}{% if lead.verification_due < today %}<span class="badge text-bg-danger">{% translate "overdue" %}</span> {% endif %}{% endif %}{{ lead.verification_due|date:"Y-m-d" }}{% else %}—{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


@pytest.fixture
def leads(org, cast):
    today = timezone.localdate()
    hospital = InstitutionFactory(jurisdiction=org.b01, name='甲医院 <"&">')
    return [
        LeadFactory(institution=hospital, description="<script>" + "很长的描述" * 20, amount=Decimal("1234567.5")),
        LeadFactory(
            institution=InstitutionFactory(jurisdiction=org.b01),
            source="report",
            status="dispatched",
            assignee=cast.b01_officer,
            verification_due=today - timedelta(days=1),
        ),
        LeadFactory(
            institution=InstitutionFactory(jurisdiction=org.b01),
            status="verifying",
            assignee=cast.b01_officer,
            verification_due=today + timedelta(days=5),
        ),
        LeadFactory(institution=InstitutionFactory(jurisdiction=org.b02), status="confirmed"),
        LeadFactory(
            institution=InstitutionFactory(jurisdiction=org.b02),
            status="dismissed",
            verification_due=today - timedelta(days=9),
        ),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("username", ["director", "b01_chief", "b01_officer"])
def test_rows_are_the_markup_the_row_template_wrote(leads, cast, client_for, username, language):
    client = client_for(cast[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(LIST_URL)
    assert response.status_code == 200
    context = response.context
    assert list(context["object_list"]), "the fixture's leads are listed"
    with translation.override(language):
        old = (
            Engine.get_default()
            .from_string(OLD_ROWS)
            .render(
                Context(
                    {
                        "object_list": context["object_list"],
                        "bulk_form": context.get("bulk_form"),
                        "today": context["today"],
                    }
                )
            )
        )
    assert str(context["rows_html"]) == old
    assert '<span class="badge text-bg-danger">' in old  # the overdue verification
    assert ('name="leads"' in old) == (username == "b01_chief")  # the ticks of batch dispatch
    assert old in response.content.decode()


def test_rows_escape_what_users_typed(leads, cast, client_for):
    body = client_for(cast.director).get(LIST_URL).content.decode()
    assert "&lt;script&gt;很长" in body
    assert "<script>很长" not in body
    assert "甲医院 &lt;&quot;&amp;&quot;&gt;" in body


def test_empty_list_says_so(org, cast, client_for):
    client = client_for(cast.director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(LIST_URL).content.decode()
    assert '<tbody>\n  \n    <tr><td colspan="10" class="text-muted">No leads match.</td></tr>\n  \n  </tbody>' in body


def test_rows_read_no_column_left_out(leads, org, cast, client_for):
    """The list loads only the columns its rows show: a row reading any other costs one query a row."""
    client = client_for(cast.director)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST_URL).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for _ in range(3):
        LeadFactory(institution=InstitutionFactory(jurisdiction=org.b01), status="verifying", assignee=cast.b01_officer)
    assert queries() == before
