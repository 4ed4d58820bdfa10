"""Errors the services of every app raise besides Django's ValidationError."""


class ConflictError(Exception):
    """The change clashes with the object's state (e.g. an approved business case is frozen).

    The browser shows the message; the API answers 409 Conflict (config/api_errors.py).
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
