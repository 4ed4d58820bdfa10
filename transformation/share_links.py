"""Secret links to a programme's read-only stakeholder dashboard (services and the lookup).

Only the SHA-256 hash of a token is stored, as for invitations: the full link is shown once, when it is
created. A link works until it expires or a lead revokes it; an unknown, expired and revoked token all look
the same to a visitor.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Programme

from .models import ShareLink

MAX_VALIDITY = timedelta(days=366)
TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_links_for(programme: Programme):
    """The programme's links, newest first (one query)."""
    return ShareLink.objects.filter(programme=programme).select_related("created_by").order_by("-created_at")


def share_link_state(link: ShareLink, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if link.revoked_at:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    return "active"


@transaction.atomic
def share_link_create(
    *, programme: Programme, label: str, expires_at: datetime, user
) -> tuple[ShareLink, str]:
    """A new link valid until ``expires_at`` (at most a year ahead). Returns the link and the raw token."""
    now = timezone.now()
    errors = {}
    if expires_at <= now:
        errors["expires_at"] = _("The expiry must lie in the future.")
    elif expires_at > now + MAX_VALIDITY:
        errors["expires_at"] = _("A link can be valid for at most one year.")
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        programme=programme,
        label=label.strip(),
        expires_at=expires_at,
        token_hash=hash_token(token),
        created_by=user,
    )
    link.full_clean(exclude=["token_hash", "created_by"])
    link.save()
    return link, token


@transaction.atomic
def share_link_revoke(*, link: ShareLink) -> ShareLink:
    """Revoke the link now (revoking twice keeps the first date)."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def share_link_use(token: str) -> ShareLink | None:
    """The active link of ``token`` with its programme, noting the use; None when unknown, expired or revoked."""
    now = timezone.now()
    link = (
        ShareLink.objects.select_related("programme__organisation")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if link is not None:
        ShareLink.objects.filter(pk=link.pk).update(last_used_at=now)
        link.last_used_at = now
    return link
