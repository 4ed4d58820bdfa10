"""The permission matrix helper every app reuses: URL × role → expected status code.

    check_matrix(client_as, url, {"anonymous": 302, "stakeholder": 200, ...})

Every role of ``tests.conftest.ROLES`` must be named, so a new page cannot forget one.
"""

from http import HTTPStatus

from tests.conftest import ROLES


def check_matrix(
    client_factory, url: str, expected: dict[str, int], *, method: str = "get", data=None, **extra
):
    missing = set(ROLES) - set(expected)
    assert not missing, f"permission matrix for {url} lacks roles: {sorted(missing)}"
    failures = []
    for role in ROLES:
        client = client_factory(role)
        response = getattr(client, method)(url, data=data, **extra)
        if response.status_code != expected[role]:
            failures.append(f"{role}: expected {expected[role]}, got {response.status_code}")
    assert not failures, f"{method.upper()} {url}\n" + "\n".join(failures)


OK = HTTPStatus.OK
REDIRECT = HTTPStatus.FOUND
FORBIDDEN = HTTPStatus.FORBIDDEN
NOT_FOUND = HTTPStatus.NOT_FOUND
UNAUTHORIZED = HTTPStatus.UNAUTHORIZED
