"""Programme dashboard, stakeholder view, share-link management and the public shared dashboard. Thin views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from programmes.views import apply_validation_error

from . import share_links
from .dashboards import programme_dashboard
from .forms_dashboards import ShareLinkForm
from .models import ShareLink
from .views import LEAD, TMixin

SESSION_NEW_LINK = "transformation.new_share_link"
PUBLIC_HEADERS = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


class DashboardView(TMixin, TemplateView):
    """The programme dashboard for every role of the programme."""

    template_name = "transformation/dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(dashboard=programme_dashboard(self.programme), **kwargs)


class StakeholderView(TMixin, TemplateView):
    """The same figures, read-only and printable, without names of people."""

    template_name = "transformation/dashboard/stakeholder.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            dashboard=programme_dashboard(self.programme, public=True),
            back_url=self.t_url("dashboard"),
            **kwargs,
        )


class ShareLinksView(TMixin, TemplateView):
    """Leads create and revoke secret links to the stakeholder view; a new link is shown once."""

    permission_required = LEAD
    template_name = "transformation/dashboard/share_links.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = list(share_links.share_links_for(self.programme))
        for link in links:
            link.state = share_links.share_link_state(link)
        context.update(
            links=links,
            form=kwargs.get("form") or ShareLinkForm(),
            new_link=self.request.session.pop(SESSION_NEW_LINK, None),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ShareLinkForm(request.POST)
        if form.is_valid():
            try:
                _link, token = share_links.share_link_create(
                    programme=self.programme,
                    label=form.cleaned_data["label"],
                    expires_at=form.expires_at(),
                    user=request.user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "expires_at" in error.error_dict:
                    error = ValidationError({"valid_until": error.error_dict.pop("expires_at")})
                apply_validation_error(form, error)
            else:
                request.session[SESSION_NEW_LINK] = request.build_absolute_uri(
                    reverse("share:dashboard", kwargs={"token": token})
                )
                messages.success(request, _("The link was created. Copy it now; it is shown only once."))
                return redirect(self.t_url("share_links"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ShareLinkRevokeView(TMixin, View):
    permission_required = LEAD

    def post(self, request, *args, **kwargs):
        link = get_object_or_404(ShareLink, programme=self.programme, pk=self.kwargs["link"])
        share_links.share_link_revoke(link=link)
        messages.success(request, _("The link “%(label)s” was revoked.") % {"label": link.label})
        return redirect(self.t_url("share_links"))


def _public(response):
    for header, value in PUBLIC_HEADERS.items():
        response.headers[header] = value
    return response


@never_cache
@require_GET
def shared_dashboard(request, token: str):
    """The stakeholder view through a secret link, without an account. Unknown, expired, revoked: one 404."""
    link = share_links.share_link_use(token)
    if link is None:
        return _public(render(request, "transformation/dashboard/share_missing.html", status=404))
    programme = link.programme
    return _public(
        render(
            request,
            "transformation/dashboard/stakeholder.html",
            {
                "programme": programme,
                "dashboard": programme_dashboard(programme, public=True),
                "shared": True,
            },
        )
    )
