"""REST API of the enforcement app: cases/ with their procedure actions and timeline, agreement-actions/."""

from collections.abc import Mapping
from contextlib import contextmanager

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from enforcement.cases import services as cases_services
from enforcement.cases.clocks import running_clocks
from enforcement.cases.filters import CaseFilter
from enforcement.cases.forms import ACTION_FORMS, CaseOpenForm, PenaltyItemForm
from enforcement.cases.models import Case, CaseEvent, ProposedPenalty
from enforcement.cases.procedure import ACTIONS, available_actions
from enforcement.cases.selectors import next_steps
from enforcement.cases.views import case_detail_queryset
from portal import bulk, jsonforms
from portal.api import Conflict, ObjectRoutesMixin, PagePermissionsListSerializer, ScopedViewSetMixin
from portal.permissions import object_perm_checker

VIEW_CASE = "enforcement.view_case"


@contextmanager
def domain_errors():
    """Service exceptions → contract status codes: InvalidState 409, PermissionDenied 403 (with the reason).

    Django's ValidationError is turned into 400 field errors by the project's exception handler.
    """
    try:
        yield
    except cases_services.InvalidState as exc:
        raise Conflict(str(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc


def validated(form: forms.Form) -> forms.Form:
    """Raise 400 with ``{"field": ["message"]}`` when the form is invalid."""
    shape = jsonforms.shape_errors(form)  # a list where one value belongs: 400, not a crash (issue 13)
    if shape:
        raise exceptions.ValidationError(shape)
    if not form.is_valid():
        errors = {
            (api_settings.NON_FIELD_ERRORS_KEY if key == forms.forms.NON_FIELD_ERRORS else key): list(messages)
            for key, messages in form.errors.items()
        }
        raise exceptions.ValidationError(errors)
    return form


def request_data(request) -> Mapping:
    """The request body as a mutable mapping (JSON object, form or multipart)."""
    if not isinstance(request.data, Mapping):
        raise exceptions.ValidationError({"detail": _("Send a JSON object.")})
    return request.data.copy()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class BulkActionRequest(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=bulk.BULK_MAX,
        help_text=_("The cases, at most 100 at a time."),
    )  # fmt: skip
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BulkItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    number = serializers.CharField(allow_blank=True)
    state = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)


class BulkReportSerializer(serializers.Serializer):
    detail = serializers.CharField()
    results = BulkItemSerializer(many=True)
    errors = BulkItemSerializer(many=True, required=False)


def bulk_items(report: bulk.BulkReport) -> list[dict]:
    """The per-case report: a case the caller cannot see shows only the id they sent and "not found"."""
    return [
        {
            "id": item.pk,
            "ok": item.ok,
            "number": item.obj.number if item.obj is not None else "",
            "state": item.obj.state if item.obj is not None and item.ok else "",
            "message": item.message,
        }
        for item in report.items
    ]


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description='Bad input: {"field": ["message", ...]}.'),
    403: OpenApiResponse(DetailSerializer, description="Visible, but the caller's role may not do this."),
    404: OpenApiResponse(DetailSerializer, description="Absent or outside the caller's scope (same body)."),
    409: OpenApiResponse(DetailSerializer, description="Not allowed in the record's current state."),
}


def responses(ok, *codes, status_code=200):
    return {status_code: ok, **{code: ERRORS[code] for code in codes}}


def _schema_field(field: forms.Field) -> serializers.Field:
    """A serializer field describing a form field's JSON input (documentation only)."""
    kwargs = {"required": field.required, "help_text": field.help_text or field.label}
    if isinstance(field, forms.ModelMultipleChoiceField):
        child = serializers.CharField() if field.to_field_name else serializers.IntegerField()
        return serializers.ListField(child=child, **kwargs)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.CharField(**kwargs) if field.to_field_name else serializers.IntegerField(**kwargs)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=[c for c in field.choices if c[0] != ""], **kwargs)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**kwargs)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places, **kwargs)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **kwargs)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**kwargs)
    return serializers.CharField(allow_blank=not field.required, **kwargs)


def form_serializer(name: str, form_class, **fields) -> type[serializers.Serializer]:
    """A serializer class documenting ``form_class``'s fields; ``fields`` come first and override."""
    declared = dict(fields)
    for key, field in form_class.base_fields.items():
        declared.setdefault(key, _schema_field(field))
    return type(f"{name}Serializer", (serializers.Serializer,), declared)


PenaltyItemSerializer = form_serializer(
    "PenaltyItem",
    PenaltyItemForm,
    kind=serializers.ChoiceField(choices=ProposedPenalty.Kind.choices, help_text=_("Kind")),
    rule=serializers.CharField(required=False, help_text=_("Penalty rule code, e.g. R38.")),
)


def _action_request(name: str, form_class) -> type[serializers.Serializer]:
    camel = "".join(part.title() for part in name.split("_"))
    extra = {"action": serializers.ChoiceField(choices=[(name, ACTIONS[name].label)])}
    if "penalties" in form_class.base_fields:
        extra["penalties"] = PenaltyItemSerializer(many=True, required=False, help_text=_("Proposed penalties"))
    return form_serializer(f"CaseAction{camel}", form_class, **extra)


CaseActionRequest = PolymorphicProxySerializer(
    component_name="CaseAction",
    serializers={name: _action_request(name, form) for name, form in ACTION_FORMS.items()},
    resource_type_field_name="action",
)


CaseOpenSerializer = form_serializer(
    "CaseOpen",
    CaseOpenForm,
    violation_codes=serializers.ListField(child=serializers.CharField(), help_text=_("Violation codes")),
)


class CaseSerializer(serializers.ModelSerializer):
    violation_codes = serializers.SlugRelatedField(
        source="violation_types", slug_field="code", many=True, read_only=True, help_text=_("Violation codes")
    )
    officers = serializers.SerializerMethodField(help_text="User ids of the assigned officers, the lead officer first.")
    overdue = serializers.SerializerMethodField(help_text="A clock that runs in the case's state has passed its date.")
    available_actions = serializers.SerializerMethodField(
        help_text="Procedure actions the caller may take now (POST them to cases/{id}/actions/)."
    )

    perm_checker = None

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "institution",
            "jurisdiction",
            "state",
            "violation_codes",
            "amount_involved",
            "officers",
            "decision_due",
            "filing_due",
            "lead_received_on",
            "filed_on",
            "party_kind",
            "party_name",
            "is_major",
            "outcome",
            "fine_amount",
            "return_amount",
            "decided_on",
            "closed_on",
            "opened_at",
            "overdue",
            "available_actions",
        ]
        read_only_fields = fields
        # What the caller may do on each row is read for the whole page at once, not per row.
        list_serializer_class = PagePermissionsListSerializer

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_officers(self, case) -> list[int]:
        return [a.user_id for a in case.assignments.all()]  # CaseOfficer's ordering puts the lead first

    def get_overdue(self, case) -> bool:
        return any(badge.days_left < 0 for badge in running_clocks(case))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, case) -> list[str]:
        user = self.context["request"].user
        checker = self.perm_checker or object_perm_checker(user, [case])
        return [a.name for a in available_actions(case, user, has_perm=checker)]


class NextStepSerializer(serializers.Serializer):
    who = serializers.CharField(help_text="Who must act, in words (unit and role); empty when nobody must.")
    text = serializers.CharField(help_text="The whole line, in the request's language (Chinese by default).")
    missing = serializers.ListField(child=serializers.CharField(), help_text="What is still missing for the step.")


class CaseDetailSerializer(CaseSerializer):
    next_steps = serializers.SerializerMethodField(
        help_text="What happens next: who must act and what is missing, then what the caller may do."
    )

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "next_steps"]
        read_only_fields = fields

    @extend_schema_field(NextStepSerializer(many=True))
    def get_next_steps(self, case) -> list[dict]:
        return NextStepSerializer(next_steps(case, self.context["request"].user), many=True).data


class AvailableActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    comment_required = serializers.BooleanField()
    changes_state = serializers.BooleanField()
    help = serializers.CharField()


class CaseEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "from_state", "to_state", "actor", "actor_name", "at", "comment", "payload"]
        read_only_fields = fields

    def get_actor_name(self, event) -> str:
        return str(event.actor) if event.actor_id else ""


@extend_schema(tags=["cases"])
class CaseViewSet(ObjectRoutesMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases in the caller's scope. ``officers`` are user ids; money is a decimal string."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    perms = {
        "create": "enforcement.add_case",
        "bulk_approve_filing": ACTIONS["approve_filing"].permission,
        # Reading a case is enough to ask for an action; the action's own permission is checked on the case.
        "*": VIEW_CASE,
    }

    def scoped_queryset(self, user):
        return (
            Case.objects.visible_to(user)
            .select_related("jurisdiction")
            .prefetch_related("violation_types", "assignments")
            .order_by("-opened_at", "-pk")
        )

    def get_serializer_class(self):
        # The browsable API renders the POST form of the list with the list's action name.
        if self.action == "create" or (self.action == "list" and self.request.method == "POST"):
            return CaseOpenSerializer
        if self.action == "retrieve":  # next_steps reads the case page's prefetches
            return CaseDetailSerializer
        return CaseSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return case_detail_queryset(self.request.user)
        return super().get_queryset()

    def _case_response(self, case, status_code=status.HTTP_200_OK) -> Response:
        # Re-read through the scoped queryset so that the answer has the same shape (and prefetches) as a GET.
        fresh = self.get_queryset().filter(pk=case.pk).first() or case
        return Response(CaseSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        request=CaseOpenSerializer,
        responses=responses(CaseSerializer, 400, 403, status_code=201),
        description="Open a case in state `filing` (officers only); the jurisdiction is the institution's. "
        "`party_kind` defaults to `organisation`.",
    )
    def create(self, request, *args, **kwargs):
        data = request_data(request)
        data.setdefault("party_kind", Case.PartyKind.ORGANISATION)
        form = validated(CaseOpenForm(data=data, user=request.user))
        with domain_errors():
            case = cases_services.case_open(by=request.user, **form.to_kwargs())
        return self._case_response(case, status.HTTP_201_CREATED)

    @extend_schema(
        request=BulkActionRequest,
        responses={
            200: BulkReportSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            409: OpenApiResponse(BulkReportSerializer, description="Nothing was approved; each refusal listed."),
        },
        description="批量批准立案: approve the filing of several cases at once, all or nothing, each case audited on "
        "its own. A case outside the caller's scope is refused as not found, like one that does not exist.",
    )
    @action(detail=False, methods=["post"], url_path="bulk-approve-filing", url_name="bulk-approve-filing",
            filter_backends=[], pagination_class=None)  # fmt: skip
    def bulk_approve_filing(self, request, **kwargs):
        body = BulkActionRequest(data=request_data(request))
        body.is_valid(raise_exception=True)
        try:
            report = cases_services.cases_act_many(
                ids=body.validated_data["ids"], action="approve_filing", by=request.user,
                comment=body.validated_data["comment"],
            )  # fmt: skip
        except bulk.BulkRefused as refused:
            items = bulk_items(refused.outcome)
            detail = _("Nothing was approved: %(count)d of the chosen cases cannot be.") % {
                "count": len(refused.report)}  # fmt: skip
            errors = [item for item in items if not item["ok"]]
            return Response({"detail": detail, "results": items, "errors": errors}, status=status.HTTP_409_CONFLICT)
        detail = _("%(count)d cases approved.") % {"count": len(report.items)}
        return Response({"detail": detail, "results": bulk_items(report)})

    @extend_schema(
        methods=["GET"],
        responses=responses(AvailableActionSerializer(many=True), 403, 404),
        description="The procedure actions the caller may take on the case now.",
    )
    @extend_schema(
        methods=["POST"],
        request=CaseActionRequest,
        responses=responses(CaseSerializer, 400, 403, 404, 409),
        description="Take a procedure action (domain §4). Checked in this order: 404 outside the caller's "
        "scope, 403 when the caller's role may not take it on this case, 409 when the case's state does "
        "not allow it, then 400 for the action's fields.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def actions(self, request, pk=None, **kwargs):
        case = self.get_object()
        if request.method == "GET":
            return Response(AvailableActionSerializer(available_actions(case, request.user), many=True).data)
        data = request_data(request)
        name = data.get("action")
        if not isinstance(name, str) or not name:
            raise exceptions.ValidationError({"action": [_("Name the action.")]})
        with domain_errors():
            cases_services.case_check_action(case=case, action=name, by=request.user)
            form = validated(ACTION_FORMS[name](data=data, case=case, user=request.user))
            cases_services.case_act(
                case=case, action=name, by=request.user, comment=form.cleaned_data.get("comment") or "",
                data=form.to_data(),
            )  # fmt: skip
        return self._case_response(case)

    @extend_schema(responses=responses(CaseEventSerializer(many=True), 403, 404))
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, pk=None, **kwargs):
        """The case's timeline, oldest first."""
        case = self.get_object()
        page = self.paginate_queryset(case.events.select_related("actor").order_by("at", "pk"))
        return self.get_paginated_response(CaseEventSerializer(page, many=True).data)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=_("The reason."))
