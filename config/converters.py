"""URL converters. Database ids are bounded so that an absurd number in a URL is a 404, not a database error."""

import re

from django.urls import register_converter

ID_REGEX = "[0-9]{1,18}"  # fits a PostgreSQL bigint and a SQLite INTEGER


class IdConverter:
    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


def parse_id(value) -> int | None:
    """A database id from user input (query string, form value), or None when it is not one.

    ``str.isdigit`` is not enough: it accepts digits such as "²" that ``int()`` rejects.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not re.fullmatch(ID_REGEX, text, flags=re.ASCII):
        return None
    return int(text)


TOKEN_REGEX = "[A-Za-z0-9_-]{1,128}"  # noqa: S105 - the shape of secrets.token_urlsafe, not a secret


class TokenConverter:
    """Public tokens (survey links, invitations). Anything else is a 404 before it reaches the database."""

    regex = TOKEN_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(TokenConverter, "token")


def clean_text_param(value, *, max_length: int = 100) -> str:
    """A free-text query parameter made safe for any database: trimmed, shortened, without NUL characters."""
    return str(value or "").replace("\x00", "").strip()[:max_length]
