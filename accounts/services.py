from django.db import transaction
from rest_framework.authtoken.models import Token


def api_token_exists(*, user) -> bool:
    return Token.objects.filter(user=user).exists()


@transaction.atomic
def api_token_rotate(*, user) -> str:
    """Replace the user's API token with a new one and return it (the only time it is shown)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


@transaction.atomic
def api_token_delete(*, user) -> None:
    Token.objects.filter(user=user).delete()
