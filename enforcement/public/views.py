"""Public pages under /public/ (no login, domain §8): the disclosure index (decided penalties, terminated
agreements, published random draws), one published decision, the public report form (举报) and its tracking.

Only masked snapshots are read (``Disclosure``), every free text goes through ``mask_text`` once more when
rendered, and the lists are cached (a version key bumped on publication and withdrawal keeps them fresh).
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enforcement.public.models import Disclosure
from enforcement.public.services import cache_version
from portal.forms import form_errors_from
from portal.masking import mask_text
from supervision.inspections.models import RandomDraw
from supervision.register.models import Institution
from supervision.reports import services as reports_services
from supervision.reports.forms import PublicReportForm, TrackForm
from supervision.reports.models import Report

LIST_LIMIT = 100


def _cached(name: str, build):
    key = f"public:{name}:{cache_version()}:{translation.get_language()}"
    return cache.get_or_set(key, build, timeout=settings.PUBLIC_DISCLOSURE["cache_seconds"])


def _entry(d: Disclosure) -> dict:
    return {
        "pk": d.pk,
        "title": mask_text(d.title),
        "party": mask_text(d.party),
        "document_number": d.document_number,
        "violations": mask_text(d.violations),
        "outcome": mask_text(d.outcome),
        "decided_on": d.decided_on,
        "unit": d.jurisdiction.name,
    }


def _index_data() -> dict:
    live = Disclosure.objects.filter(withdrawn_at__isnull=True).select_related("jurisdiction")
    penalties = [
        _entry(d) for d in live.filter(kind=Disclosure.Kind.PENALTY).order_by("-decided_on", "-pk")[:LIST_LIMIT]
    ]
    terminations = [
        _entry(d) for d in live.filter(kind=Disclosure.Kind.TERMINATION).order_by("-decided_on", "-pk")[:LIST_LIMIT]
    ]
    draws = list(RandomDraw.objects.published().select_related("jurisdiction").order_by("-published_at")[:20])
    names = dict(
        Institution.objects.filter(pk__in={row["institution"] for d in draws for row in d.result}).values_list(
            "pk", "name"
        )
    )
    draw_rows = [
        {
            "title": mask_text(d.title),
            "kind": d.get_kind_display(),
            "unit": d.jurisdiction.name,
            "planned_on": d.planned_on,
            "published_at": d.published_at,
            "institutions": [names.get(row["institution"], "") for row in d.result],
            "inspectors": sum(len(row.get("team", [])) for row in d.result),
        }
        for d in draws
    ]
    return {"penalties": penalties, "terminations": terminations, "draws": draw_rows}


def _grade_e_url() -> str:
    try:
        return reverse("credit_public:grade-e")
    except NoReverseMatch:
        return ""


def index(request):
    """执法公示: what the bureau has decided and published, for everyone."""
    context = _cached("index", _index_data)
    return render(request, "public/index.html", {**context, "grade_e_url": _grade_e_url()})


def case_detail(request, pk: int):
    """One published decision (or termination); a withdrawn or unknown entry is a 404."""
    try:
        disclosure = Disclosure.objects.select_related("jurisdiction").get(pk=pk, withdrawn_at__isnull=True)
    except Disclosure.DoesNotExist:
        raise Http404(_("Not found.")) from None
    entry = _entry(disclosure)
    entry["facts"] = mask_text(disclosure.facts)
    entry["kind"] = disclosure.get_kind_display()
    entry["published_at"] = disclosure.published_at
    return render(request, "public/case_detail.html", {"entry": entry})


def _client_address(request) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a client can write any forwarded header (behind a proxy, set
    # REMOTE_ADDR from the proxy's header in the proxy itself).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@require_http_methods(["GET", "POST"])
def report(request):
    """举报: anonymous or named; rate-limited per address; answers with a tracking code."""
    institutions = Institution.objects.all()
    if request.method == "POST":
        address = _client_address(request)
        if not reports_services.public_report_allowed(address):
            response = render(request, "public/report_limited.html", status=429)
            response["Retry-After"] = str(settings.REPORTS["public_rate_window_seconds"])
            return response
        form = PublicReportForm(request.POST, request.FILES, institutions=institutions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = reports_services.public_report_submit(
                    institution=data["institution"],
                    summary=data["summary"],
                    details=data["details"],
                    observed_on=data.get("observed_on"),
                    is_anonymous=data["is_anonymous"],
                    reporter_name=data.get("reporter_name", ""),
                    reporter_id_number=data.get("reporter_id_number", ""),
                    reporter_phone=data.get("reporter_phone", ""),
                    reporter_address=data.get("reporter_address", ""),
                    wants_reward=data.get("wants_reward", False),
                    address=address,
                    files=data.get("attachments") or [],
                )
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                # Post/redirect/get: reloading the confirmation never sends the report again. The tracking code
                # stays out of the address (and so of logs and history): the session remembers the report.
                request.session[DONE_SESSION_KEY] = created.pk
                return redirect("public:report-done")
    else:
        form = PublicReportForm(institutions=institutions)
    return render(request, "public/report_form.html", {"form": form})


report.upload_kind = "attachment"  # portal.uploads: the size cap is checked before the body is read


DONE_SESSION_KEY = "public_report_done"


@require_http_methods(["GET"])
def report_done(request):
    """The confirmation of the report this browser just sent, with its tracking code; reloading is harmless."""
    created = Report.objects.filter(pk=request.session.get(DONE_SESSION_KEY)).first()
    if created is None:
        return redirect("public:report")
    response = render(request, "public/report_done.html", {"report": created})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def report_track(request):
    """Check a public report's status with its tracking code (POST, so codes stay out of logs and history)."""
    found = None
    searched = False
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        searched = True
        found = reports_services.report_by_tracking_code(form.cleaned_data["code"])
    context = {"form": form, "searched": searched}
    if found is not None:
        context["tracked"] = {
            "institution": found.institution.name,
            "summary": mask_text(found.summary),
            "received_on": found.received_on,
            "reply_due": found.reply_due,
            "status": found.get_status_display(),
            "progress": found.progress,
            "replies": [{"at": f.at, "text": mask_text(f.text)} for f in found.feedback.all()],
        }
    response = render(request, "public/report_track.html", context)
    response["Cache-Control"] = "no-store"
    return response
