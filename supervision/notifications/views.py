"""My inbox (我的待办) and my notifications: the pages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from portal.inbox import due_soon_days, inbox_for, remember_total
from supervision.notifications import services
from supervision.notifications.models import Notification


class InboxView(LoginRequiredMixin, TemplateView):
    """Everything waiting on the signed-in staff member, most urgent first (a supervisor's work is their
    report portal: 403 here)."""

    template_name = "supervision/notifications/inbox.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff_member:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["inbox"] = inbox_for(self.request.user)
        remember_total(self.request, context["inbox"])
        context["due_soon_days"] = due_soon_days()
        return context


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "supervision/notifications/notification_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).select_related("actor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread"] = services.unread_count(self.request.user)
        return context


def _back(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one of one's own notifications read, then open its record (``open``) or go back. Another
    user's notification is missing, whatever the method."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        get_object_or_404(Notification, pk=kwargs["pk"], recipient=request.user)
        return super().http_method_not_allowed(request, *args, **kwargs)

    def post(self, request, pk):
        notification = services.notification_mark_read(user=request.user, pk=pk)
        if request.POST.get("open") and notification.url:
            return redirect(notification.url)
        return _back(request, "supervision:notification-list")


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        if count:
            messages.success(request, _("All notifications are marked read."))
        return _back(request, "supervision:notification-list")
