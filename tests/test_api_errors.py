"""The API's one place for the services' errors: a ValidationError is a 400 with field errors, a conflict a 409."""

from http import HTTPStatus

from django.core.exceptions import ValidationError
from rest_framework.exceptions import PermissionDenied

from config.api_errors import exception_handler
from programmes.errors import ConflictError


def test_a_field_error_of_a_service_answers_400_under_its_field():
    response = exception_handler(
        ValidationError({"end_date": ["Zu früh.", "Kein Feiertag."], "title": "Fehlt."}), {}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.data == {"end_date": ["Zu früh.", "Kein Feiertag."], "title": ["Fehlt."]}


def test_an_error_without_a_field_answers_400_under_non_field_errors():
    response = exception_handler(ValidationError("Nicht jetzt."), {})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.data == {"non_field_errors": ["Nicht jetzt."]}


def test_a_conflict_with_the_objects_state_answers_409_with_the_message():
    response = exception_handler(ConflictError("Diese Version ist freigegeben."), {})
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.data == {"detail": "Diese Version ist freigegeben."}
    assert response.data["detail"].code == "conflict"


def test_drf_errors_pass_unchanged():
    response = exception_handler(PermissionDenied(), {})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_any_other_error_is_left_to_django():
    assert exception_handler(KeyError("x"), {}) is None
