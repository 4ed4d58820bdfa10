"""The mixins every programme page builds on, here and in the phase apps."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views import View

from .errors import ConflictError
from .models import Programme
from .rules import effective_role
from .selectors import programmes_visible_to


class ProgrammeMixin(LoginRequiredMixin):
    """Resolves the programme from the URL for the signed-in user.

    A programme the user holds no role in answers 404 (its existence is not revealed); a role too weak for
    the page answers 403. ``permission_required`` names a rules permission checked against the programme;
    ``post_permission_required`` one checked in addition for a POST, for pages every role of the programme
    may read but only some may change (e.g. ``EDIT``).
    """

    permission_required = "programmes.view_programme"
    post_permission_required: str | None = None
    model_does_not_exist = Programme.DoesNotExist

    @cached_property
    def programme(self):
        try:
            return programmes_visible_to(self.request.user).get(
                organisation__slug=self.kwargs["org"], slug=self.kwargs["slug"]
            )
        except self.model_does_not_exist as exc:
            raise Http404 from exc

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.permission_required, self.programme):
            raise PermissionDenied
        if (
            request.method == "POST"
            and self.post_permission_required
            and not request.user.has_perm(self.post_permission_required, self.programme)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        programme = self.programme
        context.update(
            programme=programme,
            role=effective_role(user, programme),
            can_edit=user.has_perm("programmes.edit_content", programme),
            is_lead=user.has_perm("programmes.change_programme", programme),
        )
        return context


class ActionView(View):
    """POST-only actions on one object, the action named in urls.py (``as_view(action="publish")``).

    ``post`` calls the method ``do_<action>(request)``, which calls a service and returns the success message,
    or a response of its own (e.g. a redirect elsewhere after a delete). A ValidationError or ConflictError of the
    service becomes an error message; either way the browser goes back to ``success_url()``.
    """

    action = ""

    def success_url(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        handler = getattr(self, f"do_{self.action}", None)
        if handler is None:
            raise Http404
        try:
            result = handler(request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ConflictError as error:
            messages.error(request, error.message)
        else:
            if isinstance(result, HttpResponseBase):
                return result
            if result:
                messages.success(request, result)
        return redirect(self.success_url())
