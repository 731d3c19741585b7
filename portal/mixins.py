"""The one project mixin for views: scope first (404), then the named permission (403)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from portal.errors import InvalidState
from portal.forms import style_form
from portal.widgets import COMPACT_RENDERER


class ScopedMixin(LoginRequiredMixin):
    """For generic views over a scoped model. The order of checks is the same on every page:

    1. not logged in → the login page;
    2. the user holds no role that grants ``permission_required`` anywhere (or is not staff on a staff
       page) → 403, whatever the URL names;
    3. single objects come from ``visible_to(user)``: absent or out of scope → the same 404;
    4. the permission on the object itself (role held in a unit covering it, or a grant) → else 403.
    """

    permission_required: str | None = None
    model = None
    staff_only = True  # social supervisors have their own pages
    object_view = False  # form views about one object: load and check it in dispatch
    select_related: tuple[str, ...] = ()  # what every row or the object shows, fetched with it
    # Flags for the page's buttons, each a permission held anywhere: {"can_add": "app.add_model"}.
    page_permissions: dict[str, str] = {}

    def get_permission_required(self) -> str:
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} needs permission_required")
        return self.permission_required

    def scoped_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_queryset(self):
        return self.scoped_queryset()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if (self.staff_only and not user.is_staff_member) or not user.has_perm(self.get_permission_required()):
            raise PermissionDenied(_("Your role may not open this page."))
        if self.object_view:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for name, permission in self.page_permissions.items():
            context[name] = self.request.user.has_perm(permission)
        return context

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        try:
            obj = queryset.get(pk=self.kwargs["pk"])
        except (queryset.model.DoesNotExist, ValueError, TypeError):
            raise Http404(_("Not found.")) from None
        if not self.request.user.has_perm(self.get_permission_required(), obj):
            raise PermissionDenied(_("Your role may not do this for this record."))
        return obj


PAGE_SIZES = (20, 50, 100)


class FilteredListMixin:
    """A list page driven by one FilterSet; ``filterset`` is in the context for the filter form.

    Sorting: ``sort_orders`` names the columns a reader may sort by (``?sort=key``, ``?sort=-key`` for the
    other direction), each an order that an index serves, ending in a unique column so pages never overlap.
    The export of a list subclasses it and so keeps the reader's order. Page size: ``?per_page=`` 20, 50, 100.
    """

    filterset_class = None
    sort_orders: dict[str, tuple[str, ...]] = {}
    sort = ""

    def get_queryset(self):
        queryset = super().get_queryset()
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        style_form(self.filterset.form)
        self.filterset.form.renderer = COMPACT_RENDERER  # same markup, no template per option (issue 19)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.sorted(self.filterset.qs)

    def sorted(self, queryset):
        wanted = self.request.GET.get("sort", "")
        order = self.sort_orders.get(wanted.removeprefix("-"))
        if not order:
            return queryset
        self.sort = wanted
        if wanted.startswith("-"):
            order = tuple(f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in order)
        return queryset.order_by(*order)

    def get_paginate_by(self, queryset):
        if self.paginate_by is None:
            return None
        wanted = self.request.GET.get("per_page", "")
        return int(wanted) if wanted.isdigit() and int(wanted) in PAGE_SIZES else self.paginate_by

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        query.pop("sort", None)
        context["sort_querystring"] = query.urlencode()
        query.pop("per_page", None)
        context["size_querystring"] = query.urlencode()
        context["sort"] = self.sort
        context["sortable"] = set(self.sort_orders)
        context["page_sizes"] = PAGE_SIZES
        return context


def error_message(exc: Exception) -> str:
    """A service's refusal as one line for the page's message area."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class StepView(ScopedMixin, View):
    """POST-only step on one record (dispatch a lead, approve a measure, ...): read the step's inputs, call
    ``perform``, and go back to the record's page with the outcome as a message. The record is loaded and
    checked in dispatch (404 out of scope, 403 without the permission on it)."""

    http_method_names = ["post"]
    object_view = True
    done_message = ""
    form_class = None  # the step's inputs; without a form the step reads an optional "comment"
    invalid_message = ""  # shown for an invalid form instead of the form's own errors
    step_errors: tuple[type[Exception], ...] = (InvalidState, ValidationError)

    def perform(self, obj, user, data: dict) -> None:
        raise NotImplementedError

    def form_kwargs(self) -> dict:
        return {}

    def post(self, request, *args, **kwargs):
        if self.form_class is not None:
            form = self.form_class(request.POST, **self.form_kwargs())
            if not form.is_valid():
                errors = " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
                messages.error(request, self.invalid_message or errors)
                return redirect(self.object)
            data = form.cleaned_data
        else:
            data = {"comment": request.POST.get("comment", "").strip()}
        try:
            self.perform(self.object, request.user, data)
        except self.step_errors as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, self.done_message)
        return redirect(self.object)


def lookup_response(queryset, q: str, search_fields: tuple[str, ...], label, page_size: int = 20) -> JsonResponse:
    """What a type-ahead picker reads: ``{"results": [{"value", "text"}], "more"}``, the first ``page_size``
    rows of ``queryset`` matching every word of ``q`` in one of ``search_fields``."""
    for word in q.split()[:5]:
        condition = Q()
        for field in search_fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    rows = list(queryset[: page_size + 1])
    results = [{"value": row.pk, "text": label(row)} for row in rows[:page_size]]
    response = JsonResponse({"results": results, "more": len(rows) > page_size})
    response["Cache-Control"] = "private, no-store"
    return response


class LookupView(ScopedMixin, View):
    """Type-ahead search behind a picker (``portal.widgets.TypeAheadSelect``): the user's scoped rows only,
    searched by ``?q=`` and paginated, so a form never lists 10,000 institutions in one ``<select>``."""

    http_method_names = ["get"]
    search_fields: tuple[str, ...] = ()

    def label(self, row) -> str:
        return str(row)

    def get(self, request, *args, **kwargs):
        q = request.GET.get("q", "").strip()[:60]
        return lookup_response(self.scoped_queryset(), q, self.search_fields, self.label)


class BulkStepView(ScopedMixin, View):
    """批量操作 pages for one batchable step of a transition table (``portal.bulk``), post-redirect-get:

    GET ``?ids=..&ids=..``: the ticked records by name, one shared comment, the button (nothing changes);
    POST: ``run(ids=, by=, comment=)`` takes the step on all of them, all or nothing; the per-record outcome
    goes into the session and the user is sent to ``result_url`` (``BulkResultView``), where a reload reads it
    again and nothing is done twice. Bad ids (none, too many) go back to the list with a message.
    """

    table = None  # the record's TransitionTable
    step = ""  # the batchable step's name
    list_url = ""  # where the ticks are (and "cancel" / "back" go)
    result_url = ""  # the BulkResultView's URL name
    session_key = ""
    template_name = "includes/bulk_confirm.html"
    comment_max = 2000

    def get_permission_required(self) -> str:
        return self.table.get(self.step).permission

    def run(self, *, ids, by, comment):  # the service: returns a BulkReport or raises BulkRefused
        raise NotImplementedError

    def describe(self, obj) -> str:
        """How a record is named on the pages (never an id)."""
        return str(obj)

    def confirm_queryset(self, ids):
        return self.scoped_queryset().filter(pk__in=ids)

    def _back(self):
        return redirect(self.list_url)

    def get(self, request, *args, **kwargs):
        from portal.bulk import clean_ids

        try:
            ids = clean_ids(request.GET.getlist("ids"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self._back()
        records = list(self.confirm_queryset(ids))
        context = {
            "view": self,
            "step": self.table.get(self.step),
            "records": [(obj, self.describe(obj), self.table.state_label(obj)) for obj in records],
            "ids": ids,
            "unknown": len(ids) - len(records),
            "back": self.list_url,
        }
        from django.template.response import TemplateResponse

        return TemplateResponse(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        from portal.bulk import BulkRefused

        comment = (request.POST.get("comment") or "").strip()
        if len(comment) > self.comment_max:
            messages.error(request, _("The comment is too long."))
            return self._back()
        try:
            report, done = self.run(ids=request.POST.getlist("ids"), by=request.user, comment=comment), True
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self._back()
        except BulkRefused as refused:
            report, done = refused.outcome, False
        request.session[self.session_key] = {
            "step": self.step,
            "done": done,
            "back": self.list_url,
            "items": [
                {
                    "name": self.describe(item.obj) if item.obj is not None else "",
                    "url": item.obj.get_absolute_url() if item.obj is not None else "",
                    "ok": item.ok,
                    "message": item.message,
                }
                for item in report.items
            ],
        }
        return redirect(self.result_url)


class BulkResultView(ScopedMixin, View):
    """The outcome of the user's last bulk step of one kind, record by record (read from the session)."""

    table = None
    session_key = ""
    template_name = "includes/bulk_result.html"
    fallback_url = ""

    def get(self, request, *args, **kwargs):
        from django.template.response import TemplateResponse

        result = request.session.get(self.session_key)
        step = self.table.get(result.get("step", "")) if result else None
        if step is None:
            return redirect(self.fallback_url)
        return TemplateResponse(request, self.template_name, {"result": result, "step": step})
