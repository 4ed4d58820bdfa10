from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import services


class ApiTokenView(LoginRequiredMixin, TemplateView):
    """Shows whether the user has an API token; creates or replaces it on request (shown once)."""

    template_name = "account/api_token.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_token"] = services.api_token_exists(user=self.request.user)
        context["new_token"] = self.request.session.pop("new_api_token", None)
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "delete":
            services.api_token_delete(user=request.user)
            messages.success(request, _("Your API token was deleted."))
        else:
            request.session["new_api_token"] = services.api_token_rotate(user=request.user)
            messages.success(request, _("A new API token was created. Copy it now; it is shown only once."))
        return redirect("account_api_token")
