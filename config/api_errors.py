"""API errors: DRF's handler, plus the services' errors turned into HTTP answers in one place.

A view or serializer calls a service and lets its errors through: Django's ``ValidationError`` becomes a 400
with field errors (``{"field": ["message"]}``, or ``non_field_errors`` without a field), a
``programmes.errors.ConflictError`` a 409 with the message as ``detail``.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from programmes.errors import ConflictError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The object's state does not allow this change.")
    default_code = "conflict"


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """Django's ValidationError as DRF's, field by field."""
    if hasattr(exc, "error_dict"):
        detail = {field: [m for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    else:
        detail = {"non_field_errors": exc.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, ConflictError):
        exc = Conflict(exc.message)
    return drf_exception_handler(exc, context)
