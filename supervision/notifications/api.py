"""``GET /api/v1/inbox/`` (my inbox, paginated) and ``/api/v1/notifications/`` (mine; mark read)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from portal.api import ObjectRoutesMixin
from portal.inbox import inbox_for
from supervision.notifications import services
from supervision.notifications.models import Notification


class InboxItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="What the record is, in the caller's language.")
    label = serializers.CharField(help_text="The record's name or number.")
    action = serializers.CharField(help_text="What is to be done, in the caller's language.")
    due = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True, help_text="Working days to the due date (negative: overdue).")
    urgency = serializers.ChoiceField(choices=["overdue", "due_soon", "normal"])
    urgency_label = serializers.CharField()
    record_type = serializers.SerializerMethodField()
    record_id = serializers.IntegerField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_record_type(self, item) -> str:
        return item.key.split(":", 1)[0]

    def get_url(self, item) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(item.url) if request and item.url else item.url


class InboxAPIView(ListAPIView):
    """The caller's inbox, most urgent first: each kind of work's 50 most urgent items (``count`` is what is
    listed; the items that wait beyond those are in each kind's own list)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = InboxItemSerializer
    filter_backends = []  # a list of items, not a queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        if not self.request.user.is_staff_member:
            raise exceptions.PermissionDenied()
        return inbox_for(self.request.user).items


class NotificationSerializer(serializers.ModelSerializer):
    verb_label = serializers.CharField(source="get_verb_display")
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "verb", "verb_label", "actor", "record_label", "url", "note", "created_at", "read_at"]

    def get_actor(self, notification) -> str | None:
        actor = notification.actor
        return (actor.full_name or str(actor)) if actor else None


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only the unread ones (the bell).")]
    )
)
class NotificationViewSet(ObjectRoutesMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first; another user's notification is missing (404)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationSerializer
    lookup_value_regex = r"\d+"  # /notifications/null/read/ is no route (404), not a query for pk "null"
    queryset = Notification.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        notifications = Notification.objects.filter(recipient=self.request.user).select_related("actor")
        if self.action == "list" and self.request.query_params.get("unread") in ("true", "1"):
            notifications = notifications.filter(read_at__isnull=True)  # the bell's count
        return notifications

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request, pk=None):
        notification = services.notification_mark_read(user=request.user, pk=pk)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})
