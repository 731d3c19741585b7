"""Words, not codes (issue 16): every page, export and printed document of the demo data, as each demo role
reads it in Chinese, shows no enum value, model code, login name, raw Python value or untranslated msgid
(the check: tests/nocodes.py).

The pages are the URLconf's routes as the permission sweep enumerates them (tests/test_permission_sweep.py,
tests/permission_expectations.py): every GET route a role may open, those with an object filled from the demo's
own records (a few of each kind), so a route added later is checked as soon as it has its sweep entry. The API
(JSON for programs) and Django's admin are not swept. Documents are checked on their stored HTML (what
WeasyPrint laid out), not on the PDF's text: the demo's PDFs are stand-ins here (tests/quick_print.py).

The demo is seeded once for the module (tests/shared_db.py); each request runs in a savepoint rolled back after
it.
"""

import csv
import io
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.nocodes import findings, visible_text
from tests.permission_expectations import ROUTES
from tests.shared_db import shared_fixture
from tests.test_permission_sweep import all_routes

# Demo accounts (supervision/org/demo.py), one per role, and the cast member of the sweep table whose role each
# one holds (a city officer and a branch fund officer see the pages of b01_officer1 and fund_officer).
DEMO_ROLES = {
    "director": "director",
    "enf_chief": "enf_chief",
    "b01_chief": "b01_chief",
    "b01_officer1": "b01_officer",
    "legal": "legal",
    "analyst": "analyst",
    "fund_officer": "fund_officer",
    "auditor": "auditor",
    "supervisor1": "supervisor",
}


# The director reads a few records of each kind (a case in each state); the other roles one record of each kind
# they see: their pages differ from the director's by buttons and forms, not by how records are shown.
PER_KIND = {"director": 3}


@shared_fixture(base=False)
def no_codes_sessions():
    """On the demo data (``demo_data``, tests/conftest.py: seeded once for this module and the other demo
    modules of its WORKER_GROUPS group; the documents' HTML is stored, their PDFs are stand-ins): a signed-in
    session and the URL targets of each demo account."""
    from supervision.org.models import User

    sessions, targets = {}, {}
    for username in DEMO_ROLES:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        targets[username] = demo_targets(user, PER_KIND.get(username, 1))
    return SimpleNamespace(sessions=sessions, targets=targets)


@pytest.fixture
def demo_no_codes(demo_data, no_codes_sessions):
    return no_codes_sessions


def demo_targets(user, per_kind: int) -> dict[str, list]:
    """For each object kind of the sweep table, a few demo records ``user`` sees, as URL targets (pk: the
    record or its parent, doc/evidence: the record under its parent)."""
    from credit.models import Assessment, CreditRating, RepairApplication
    from enforcement.agreement_actions.models import AgreementAction
    from enforcement.cases.models import Case
    from enforcement.documents.models import Document, PrintBatch
    from enforcement.evidence.models import Evidence, Preservation, Sealing
    from enforcement.public.models import Disclosure
    from enforcement.records.models import InvestigationRecord
    from enforcement.recoveries.models import RecoveryEntry
    from enforcement.rewards.models import Reward
    from supervision.inspections.models import Finding, Inspection, RandomDraw
    from supervision.leads.models import ImportBatch, Lead
    from supervision.notifications.models import Notification
    from supervision.org.models import OrgUnit
    from supervision.register.models import Agreement, Institution
    from supervision.reports.models import Report, ReportAttachment
    from supervision.screening.models import Rule, ScreeningRun, SettlementBatch

    def seen(model):
        objects = model.objects
        return objects.visible_to(user) if hasattr(objects.all(), "visible_to") else objects.all()

    def some(queryset, n=per_kind):
        return [SimpleNamespace(pk=obj.pk, doc=obj.pk, evidence=obj.pk) for obj in queryset.order_by("-pk")[:n]]

    def under(queryset, parent, parent_model):
        queryset = queryset.filter(**{f"{parent}__in": seen(parent_model)}).order_by("-pk")[:per_kind]
        return [SimpleNamespace(pk=getattr(obj, f"{parent}_id"), doc=obj.pk, evidence=obj.pk) for obj in queryset]

    from enforcement.cases.procedure import available_actions

    cases = seen(Case)
    if per_kind > 1:  # the most recent case of each state: a case page differs most by its state
        latest = {}
        for case in cases.order_by("-pk"):
            latest.setdefault(case.state, case)
        chosen = list(latest.values())
    else:  # the most advanced: the longest history
        chosen = [cases.filter(state="closed").order_by("-pk").first() or cases.order_by("-pk").first()]
    # Each case with the actions the user may take on it now: their pages are the forms (the report's penalty
    # items, the decision …).
    case_targets = [
        SimpleNamespace(pk=case.pk, actions=[action.name for action in available_actions(case, user)])
        for case in chosen
        if case is not None
    ]
    # The actions' pages on cases of every state, for the roles that take them.
    for case in ({} if per_kind > 1 else {c.state: c for c in cases.order_by("pk")}).values():
        actions = [action.name for action in available_actions(case, user)]
        if actions:
            case_targets.append(SimpleNamespace(pk=case.pk, actions=actions, only_actions=True))
    return {
        "institution": some(seen(Institution).filter(cases__isnull=False).distinct()) or some(seen(Institution)),
        "agreement": some(seen(Agreement)),
        "orgunit": some(OrgUnit.objects.filter(code__in=["CITY", "B01"])),
        "case": case_targets,
        "recordcase": some(cases.filter(state="investigating"), 1),
        "agreementaction": some(seen(AgreementAction)),
        "casedocument": under(Document.objects.filter(case__isnull=False), "case", Case),
        "actiondocument": under(
            Document.objects.filter(agreement_action__isnull=False), "agreement_action", AgreementAction
        ),
        "caseevidence": under(Evidence.objects.all(), "case", Case),
        "casepreservation": under(Preservation.objects.all(), "case", Case),
        "casesealing": under(Sealing.objects.all(), "case", Case),
        "record": some(InvestigationRecord.objects.filter(case__in=cases)),
        "printbatch": some(PrintBatch.objects.filter(created_by=user)),
        "lead": some(seen(Lead)),
        "inspection": some(seen(Inspection)),
        "finding": some(Finding.objects.filter(inspection__in=seen(Inspection))),
        "importbatch": some(seen(ImportBatch)),
        "randomdraw": some(seen(RandomDraw)),
        "report": some(seen(Report)),
        "reportattachment": under(ReportAttachment.objects.all(), "report", Report),
        "reward": some(seen(Reward)),
        "disclosure": some(seen(Disclosure)),
        "creditrating": some(seen(CreditRating)),
        "repairapplication": some(seen(RepairApplication)),
        "assessment": some(seen(Assessment)),
        "screeningrule": some(Rule.objects.all()),
        "screeningrun": some(ScreeningRun.objects.all()),
        "settlementbatch": some(seen(SettlementBatch)),
        "recoveryentry": some(seen(RecoveryEntry)),
        "notification": some(Notification.objects.filter(recipient=user)),
    }


# Pages whose dedicated column shows codes to the experts who look them up, as the issue allows: the penalty
# rules with their violation codes, the screening rules with their rule codes, the screening knowledge base
# with its items' codes. Upper-case codes pass there; everything else is checked as anywhere.
CODE_PAGES = {
    "enforcement:penaltyrule-list",
    "supervision:screening:rule-list",
    "supervision:screening:rule-detail",
    "supervision:screening:catalogue",
}


# Routes not read: their answer is not a page for people, or not one of ours.
NOT_PAGES = {
    "javascript-catalog",  # the translations' JavaScript
    "api-docs",  # the API's reference for developers: field names and enum values are its content
    "favicon",
    # PDF and ZIP downloads: their documents are checked on the HTML they were laid out from
    "enforcement:case-file-pdf",
    "enforcement:case-file-zip",
    "enforcement:case-document-download",
    "enforcement:agreementaction-document-download",
    "enforcement:printbatch-download",
}
# Routes read by whoever the procedure offers the action to (the sweep table's roles are those of one action).
BY_AVAILABLE_ACTIONS = {"enforcement:case-act"}
# Exports list the same rows for every role that may export them (scoped): read as the director only.
EXPORTS_READ_BY = "director"


def _urls(name, route, targets) -> list[str]:
    params = all_routes()[name] - {"format"}
    if not route.obj:
        return [reverse(name)] if not params else []
    if route.obj not in targets:
        raise AssertionError(f"{name}: the no-codes sweep has no demo records of kind {route.obj!r} (demo_targets)")
    urls = []
    for target in targets[route.obj]:
        if "action" in params:  # a procedure action's page: each action the user may take on the case now
            urls += [reverse(name, kwargs={"pk": target.pk, "action": action}) for action in target.actions]
            continue
        if getattr(target, "only_actions", False):
            continue
        kwargs = {}
        for param in params:
            if param in ("pk", "doc", "evidence"):
                kwargs[param] = getattr(target, param)
            elif param == "record_kind":
                kwargs[param] = "inquiry_record"
            elif param == "kind":
                kwargs[param] = "agreement_notice" if "agreementaction" in name else "filing_form"
            else:
                raise AssertionError(f"{name}: the no-codes sweep does not know how to fill <{param}>")
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def pages(username) -> list[str]:
    """The routes the demo account's role may GET, as HTML pages and exports (not the API, not the admin)."""
    cast_name = DEMO_ROLES[username]
    return sorted(
        name
        for name, route in ROUTES.items()
        if not route.api
        and route.method == "get"
        and route.fixed is None
        and name not in NOT_PAGES
        and not name.startswith("admin:")
        and (cast_name in route.roles or name in BY_AVAILABLE_ACTIONS)
        and (username == EXPORTS_READ_BY or not name.endswith("export"))
    )


def read(response) -> tuple[str, str] | None:
    """(kind, text) of what a user reads in a response: a page's visible text, an export's cells."""
    content_type = response.get("Content-Type", "")
    if response.status_code != 200:
        return None
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("text/html"):
        return "page", visible_text(body.decode())
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = [str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row
                 if value is not None and isinstance(value, str)]  # fmt: skip
        return "export", "\n".join(cells)
    if content_type.startswith("text/csv"):
        return "export", "\n".join(" ".join(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return None  # PDFs (checked on their HTML), ZIPs, JSON of progress bars


@pytest.fixture
def demo_request(demo_no_codes):
    def send(url, username):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        if username:
            client.cookies[settings.SESSION_COOKIE_NAME] = demo_no_codes.sessions[username]
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
        return response

    return send


def _report(found: dict) -> str:
    lines = []
    for where, items in sorted(found.items()):
        lines.append(f"{where}:")
        lines.extend(f"    {item}" for item in sorted(set(items))[:12])
    return "\n".join(lines)


@pytest.mark.parametrize("username", sorted(DEMO_ROLES))
def test_pages_and_exports_show_words_not_codes(username, demo_no_codes, demo_request):
    found = defaultdict(list)
    read_count = 0
    for name in pages(username):
        for url in _urls(name, ROUTES[name], demo_no_codes.targets[username]):
            seen = read(demo_request(url, username))
            if seen is None:
                continue
            read_count += 1
            kind, text = seen
            for item in findings(text, codes_allowed=name in CODE_PAGES):
                found[f"{username} {kind} {url}"].append(item)
    assert read_count, f"{username} read nothing"
    assert not found, "codes shown to the user:\n" + _report(found)


def test_public_pages_show_words_not_codes(demo_no_codes, demo_request):
    found = defaultdict(list)
    for name, route in ROUTES.items():
        if route.anon != 200 or route.api:
            continue
        for url in _urls(name, route, demo_no_codes.targets["director"]):
            seen = read(demo_request(url, None))
            for item in findings(seen[1]) if seen else []:
                found[f"anonymous {url}"].append(item)
    assert not found, "codes shown to the public:\n" + _report(found)


def test_documents_show_words_not_codes(demo_no_codes):
    """Every document the demo issued, on the HTML it was laid out from."""
    from enforcement.documents.models import Document

    found = defaultdict(list)
    for kind, number, html in Document.objects.values_list("kind", "number", "html"):
        for item in findings(visible_text(html)):
            found[f"document {kind} {number}"].append(item)
    assert Document.objects.exists()
    assert not found, "codes printed in documents:\n" + _report(found)


def test_checker_finds_codes():
    """The check itself can fail: one of each kind the issue saw."""
    shown = visible_text(
        "<p>SUBSTITUTION</p><td>legal_review</td><td>investigating</td><li>to: — → user:14</li>"
        "<li>{'public_report': True}</li><span aria-label='b01_officer1'>张伟</span><b title='SUBSTITUTION'>串换</b>"
        "<p>created by</p>"
        "<script>var CODE_NAME = 1;</script><select><option value='DAILY_GOODS_SWIPE'>套刷</option></select>"
    )
    text = " ".join(findings(shown))
    for code in ("SUBSTITUTION", "legal_review", "investigating", "user:14", "{'", "b01_officer1", "created"):
        assert code in text, code
    assert "CODE_NAME" not in text and "DAILY_GOODS_SWIPE" not in text
    # Marked as meant to be read as it stands: another language, or typed as is (an import file's columns).
    assert (
        findings(visible_text("<button lang='en'>English</button><code translate='no'>institution_code</code>")) == []
    )
    assert findings("案件 B01-2026-0023，导出 Excel、下载 PDF，证据 病历.pdf") == []
