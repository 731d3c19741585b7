"""The account pages of issue 13: one's own API tokens (see, revoke) and the password change, which
revokes them."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from supervision.accounts import services


class TokenListView(LoginRequiredMixin, TemplateView):
    """The signed-in user's API tokens: when issued, last used, when they expire."""

    template_name = "supervision/accounts/token_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = services.tokens_of(self.request.user)
        context["idle_days"] = services.idle_limit().days
        return context


class TokenRevokeView(LoginRequiredMixin, View):
    """POST: revoke all of one's own tokens."""

    def post(self, request, *args, **kwargs):
        if services.tokens_revoke(user=request.user, by=request.user, reason="by the user"):
            messages.success(request, _("Your API tokens were revoked."))
        return redirect("supervision:account-tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, and every API token of the user is revoked with the old password."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.tokens_revoke(user=self.request.user, by=self.request.user, reason="password changed")
        return response
