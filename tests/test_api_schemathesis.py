"""Property-based API test: schemathesis generates requests from our OpenAPI schema and sends them through
the whole WSGI stack with a lead's token. No generated request may cause a server error (5xx)."""

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from config.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture
def api_schema(world, wsgi_keeps_test_connection):  # else PostgreSQL loses the test's connection
    return schemathesis.from_wsgi("/api/schema/", application)


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_with_a_server_error(case, world):
    token, _created = Token.objects.get_or_create(user=world.user("lead"))
    case.headers = {**(case.headers or {}), "Authorization": f"Token {token.key}"}
    # Every other case aims at the lead's real programme so that the deeper code paths run too.
    if case.path_parameters and hash(repr(sorted(case.path_parameters.items()))) % 2 == 0:
        for name in ("id", "programme_pk"):
            if name in case.path_parameters:
                case.path_parameters[name] = world.programme.pk
    with transaction.atomic():  # a failing example rolls back alone instead of breaking all that follow
        response = case.call_wsgi()
    case.validate_response(response, checks=(schemathesis.checks.not_a_server_error,))
