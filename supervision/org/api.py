"""REST API of the supervision app: org-units/, institutions/, agreements/ (contract §REST API)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import ScopedReadOnlyViewSet
from supervision.accounts import services as account_services
from supervision.org.filters import OrgUnitFilter
from supervision.org.models import OrgUnit


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
