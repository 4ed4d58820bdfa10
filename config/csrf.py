"""The page shown when a form fails Django's CSRF check (settings.CSRF_FAILURE_VIEW).

Instead of Django's English technical page: on the public survey, the survey page again with every answer
kept (evaluation.views_public.answer_csrf_failure); elsewhere a short, translated explanation with a way back.
"""

from urllib.parse import urlsplit

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

SURVEY_PAGES = {"surveys:answer", "surveys:answer_point"}


def _back_url(request) -> str:
    """The page the form came from when it is one of ours, else the address that was posted to."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def csrf_failure(request, reason: str = ""):
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in SURVEY_PAGES:
        from evaluation.views_public import answer_csrf_failure

        return answer_csrf_failure(request, **match.kwargs)
    response = render(request, "403_csrf.html", {"back_url": _back_url(request)}, status=403)
    add_never_cache_headers(response)
    return response
