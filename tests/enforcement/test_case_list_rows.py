"""The case list writes its rows in Python (issue 19): the markup is the one the row template wrote."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Engine
from django.urls import reverse
from django.utils import timezone, translation

from enforcement.cases.models import Case, CaseOfficer
from enforcement.rules.models import ViolationType
from tests.factories import CaseFactory, InstitutionFactory

LIST_URL = reverse("enforcement:case-list")

# The rows as templates/enforcement/case_list.html wrote them before issue 19, verbatim.
OLD_ROWS = """{% load i18n enforcement_tags %}{% for case, badges in rows %}
    <tr>
      {% if bulk_approve %}<td class="d-print-none">{% if case.state == "filing" %}<input class="form-check-input" type="checkbox" name="ids" value="{{ case.pk }}" form="bulk-approve" aria-label="{% translate 'Choose' %} {{ case.number }}">{% endif %}</td>{% endif %}
      <td class="text-nowrap"><a href="{{ case.get_absolute_url }}">{{ case.number }}</a></td>
      <td>{{ case.title }}{% if case.is_major %} <span class="badge text-bg-danger">{% translate "major" %}</span>{% endif %}</td>
      <td>{{ case.party_display }}</td>
      <td>{{ case.jurisdiction.name }}</td>
      <td><span class="badge text-bg-{{ case.state|state_tone }}">{{ case|choice_label:"state" }}</span></td>
      <td class="small">{% for v in case.violation_types.all %}<span title="{{ v.code }}">{{ v.name }}</span>{% if not forloop.last %}、{% endif %}{% endfor %}</td>
      <td class="text-end text-nowrap">{{ case.amount_involved|money }}</td>
      <td class="small">{% for a in case.assignments.all %}{{ a.user }}{% if a.is_lead %}（{% translate "lead" context "lead officer" %}）{% endif %}{% if not forloop.last %}、{% endif %}{% empty %}—{% endfor %}</td>
      <td class="small">{% for badge in badges %}<span class="badge text-bg-{{ badge.tone }} me-1">{{ badge.label }} {{ badge.due|date:"Y-m-d" }}{% if badge.days_left < 0 %} · {% blocktranslate with days=badge.days_left|absolute %}overdue by {{ days }} d{% endblocktranslate %}{% elif badge.tone == "warning" %} · {% blocktranslate with days=badge.days_left %}{{ days }} d left{% endblocktranslate %}{% endif %}</span>{% empty %}<span class="text-muted">—</span>{% endfor %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


@pytest.fixture
def cases(org, cast):
    today = timezone.localdate()
    codes = list(ViolationType.objects.order_by("code")[:3])
    hospital = InstitutionFactory(jurisdiction=org.b01, name='甲医院 <"&">')
    made = [
        CaseFactory(
            institution=hospital, title="<b>标题</b> & 'x'", is_major=True, filing_due=today - timedelta(days=3)
        ),
        CaseFactory(institution=InstitutionFactory(jurisdiction=org.b01), filing_due=today + timedelta(days=2)),
        CaseFactory(
            institution=InstitutionFactory(jurisdiction=org.b01),
            party_kind=Case.PartyKind.PERSON,
            party_name="张三",
            state="investigating",
            decision_due=today + timedelta(days=40),
            amount_involved=Decimal("1234567.5"),
        ),
        CaseFactory(institution=InstitutionFactory(jurisdiction=org.b02), state="closed"),
    ]
    made[0].violation_types.set(codes)
    made[1].violation_types.set(codes[:1])
    CaseOfficer.objects.create(case=made[0], user=cast.b01_officer, is_lead=True)
    CaseOfficer.objects.create(case=made[0], user=cast.enf_officer)
    CaseOfficer.objects.create(case=made[2], user=cast.b01_officer)
    return made


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("username", "params"), [("director", {}), ("b01_chief", {}), ("b01_chief", {"queue": "approval"})]
)
def test_rows_are_the_markup_the_row_template_wrote(cases, cast, client_for, username, params, language):
    client = client_for(cast[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    context = response.context
    assert context["rows"], "the fixture's cases are listed"
    with translation.override(language):
        old = (
            Engine.get_default()
            .from_string(OLD_ROWS)
            .render(Context({"rows": context["rows"], "bulk_approve": context["bulk_approve"]}))
        )
    assert str(context["rows_html"]) == old
    assert ('name="ids"' in old) == ("queue" in params)  # the ticks of batch approval
    assert "text-bg-danger me-1" in old  # an overdue clock
    assert old in response.content.decode()


def test_rows_escape_what_users_typed(cases, cast, client_for):
    body = client_for(cast.director).get(LIST_URL).content.decode()
    assert "&lt;b&gt;标题&lt;/b&gt; &amp; &#x27;x&#x27;" in body
    assert "<b>标题</b>" not in body
    assert "甲医院 &lt;&quot;&amp;&quot;&gt;" in body


def test_batch_approval_ticks_only_cases_in_filing(cases, cast, client_for):
    body = client_for(cast.b01_chief).get(LIST_URL, {"queue": "approval"}).content.decode()
    assert f'name="ids" value="{cases[0].pk}"' in body
    assert f'name="ids" value="{cases[2].pk}"' not in body


def test_empty_list_says_so(org, cast, client_for):
    client = client_for(cast.director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(LIST_URL).content.decode()
    assert '<tbody>\n  \n    <tr><td colspan="9" class="text-muted">No cases match.</td></tr>\n  \n  </tbody>' in body
