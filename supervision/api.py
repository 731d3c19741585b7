"""REST API of the supervision app: org-units/, institutions/, agreements/ (contract §REST API)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from supervision import services
from supervision.accounts import services as account_services
from supervision.api_common import ScopedReadOnlyViewSet, ScopedViewSetMixin
from supervision.filters import AgreementFilter, InstitutionFilter, OrgUnitFilter
from supervision.models import Agreement, Institution, OrgUnit


class TokenSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenView(APIView):
    """POST {"username", "password"} → {"token"}; the token carries that user's scope and roles."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(request=TokenSerializer, responses=inline_serializer("Token", {"token": serializers.CharField()}))
    def post(self, request):
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request=request, **serializer.validated_data)
        if user is None or not user.is_active:
            return Response({"detail": _("Unable to log in with the given credentials.")}, status=400)
        # The valid token of this user, or a new one (an expired or revoked one is replaced): issue 13.
        return Response({"token": account_services.token_issue(user=user).key})


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "parent", "path", "depth", "is_active"]


class OrgUnitViewSet(ScopedReadOnlyViewSet):
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    perms = {"*": "supervision.view_orgunit"}

    def scoped_queryset(self, user):
        return OrgUnit.objects.visible_to(user).order_by("path")


class InstitutionSerializer(serializers.ModelSerializer):
    agreement_status = serializers.CharField(read_only=True, allow_null=True)
    credit_grade = serializers.CharField(read_only=True)

    class Meta:
        model = Institution
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "level",
            "jurisdiction",
            "credit_grade",
            "agreement_status",
            "credit_code",
            "legal_representative",
            "address",
            "phone",
            "is_public",
        ]
        read_only_fields = ["credit_grade", "agreement_status"]
        # Uniqueness and field rules are checked by the model's full_clean in the service.
        validators = []
        extra_kwargs = {"code": {"validators": []}, "credit_code": {"validators": []}}


class PublicInstitutionSerializer(serializers.ModelSerializer):
    """What a social supervisor may read of the register."""

    agreement_status = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Institution
        fields = ["id", "code", "name", "kind", "jurisdiction", "credit_grade", "agreement_status", "address"]


class InstitutionViewSet(
    ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    perms = {
        "list": "supervision.view_institution",
        "retrieve": "supervision.view_institution",
        "create": "supervision.add_institution",
        "update": "supervision.change_institution",
        "partial_update": "supervision.change_institution",
    }

    def scoped_queryset(self, user):
        return Institution.objects.visible_to(user).with_agreement_status().order_by("code")

    def get_serializer_class(self):
        user = self.request.user
        if user.is_authenticated and not user.is_staff_member:
            return PublicInstitutionSerializer
        return InstitutionSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        jurisdiction = data.get("jurisdiction")
        if jurisdiction is not None and not self.request.user.has_perm("supervision.add_institution", jurisdiction):
            raise serializers.ValidationError({"jurisdiction": [_("You may not register institutions there.")]})
        serializer.instance = services.institution_create(by=self.request.user, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "jurisdiction" in data and data["jurisdiction"] != serializer.instance.jurisdiction:
            raise serializers.ValidationError(
                {"jurisdiction": [_("The jurisdiction changes only by a recorded transfer.")]}
            )
        data.pop("jurisdiction", None)
        if data.get("code", serializer.instance.code) != serializer.instance.code:
            raise serializers.ValidationError({"code": [_("The national code cannot be changed.")]})
        data.pop("code", None)
        updated = services.institution_update(institution=serializer.instance, by=self.request.user, data=data)
        serializer.instance = self.get_queryset().get(pk=updated.pk)


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["id", "number", "institution", "status", "valid_from", "valid_to", "jurisdiction"]
        read_only_fields = ["status", "jurisdiction"]
        validators = []
        extra_kwargs = {"number": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "institution" in self.fields:
            # Only institutions the caller can see may be named; others read as "does not exist".
            self.fields["institution"].queryset = Institution.objects.visible_to(request.user)


class AgreementViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    perms = {
        "list": "supervision.view_agreement",
        "retrieve": "supervision.view_agreement",
        "create": "supervision.add_agreement",
    }

    def scoped_queryset(self, user):
        return Agreement.objects.visible_to(user).order_by("-valid_from", "number")

    def perform_create(self, serializer):
        data = serializer.validated_data
        institution = data["institution"]
        if not self.request.user.has_perm("supervision.add_agreement", institution):
            raise serializers.ValidationError({"institution": [_("You may not sign agreements for this institution.")]})
        serializer.instance = services.agreement_create(
            by=self.request.user,
            institution=institution,
            number=data["number"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
        )
