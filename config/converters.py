"""URL converters. Database ids are bounded so that an absurd number in a URL is a 404, not a database error."""

from django.urls import register_converter

ID_REGEX = "[0-9]{1,18}"  # fits a PostgreSQL bigint and a SQLite INTEGER


class IdConverter:
    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
