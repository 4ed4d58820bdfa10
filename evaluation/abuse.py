"""Abuse controls of the public survey: the client address behind proxies and a per-client rate limit.

The address itself is never stored; the cache key uses the same daily-salted HMAC as the response.
"""

from django.conf import settings
from django.core.cache import cache

from .services import client_hash

# A field only bots fill. Its name must mean nothing to a browser's autofill (which fills "website", "url",
# "email", "name", "company" and the like for real visitors, whose answers would then be dropped).
HONEYPOT_FIELD = "hp_answer_check"
# The API's former name of the honeypot, still honoured for existing clients
LEGACY_HONEYPOT_FIELD = "website"


def trusted_proxy_count() -> int:
    return int(getattr(settings, "TRUSTED_PROXY_COUNT", getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)))


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the entry the last trusted proxy added to X-Forwarded-For."""
    count = trusted_proxy_count()
    if count:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def _incr(key: str) -> int | None:
    try:
        return cache.incr(key)
    except ValueError:  # no such key (yet, or no longer)
        return None


def rate_limit_exceeded(*, scope: str, ip: str, limit: int | None = None) -> bool:
    """Count one attempt of this client for the scope; True once the limit of the window is passed.

    ``limit`` is the survey's own (``Survey.effective_rate_limit``); without it the platform's setting applies.
    """
    if limit is None:
        limit = int(getattr(settings, "SURVEY_RATE_LIMIT", 30))
    window = int(getattr(settings, "SURVEY_RATE_WINDOW", 600))
    if limit <= 0:
        return False
    key = f"evaluation:rate:{scope}:{client_hash(ip or 'unknown')}"
    # incr first: a client within its window costs one round trip to the cache, not two
    count = _incr(key)
    if count is None:  # the first attempt of the window; another request may have started it meanwhile
        count = 1 if cache.add(key, 1, timeout=window) else (_incr(key) or 1)
    return count > limit
