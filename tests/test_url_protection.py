"""No page is public by accident: every URL pattern of the project, requested anonymously, must send the
visitor to the sign-in page or answer 401/403, unless its name is on the explicit PUBLIC list below.

A new view is therefore protected by default in the test suite: making it public means adding its name here,
in review, with a reason.
"""

import re
from http import HTTPStatus

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

# name → why it is public
PUBLIC = {
    "programmes:home": "landing page",
    "programmes:invitation": "invitation link: shows what it is for, sign-in or sign-up follows",
    "healthz": "load balancer and monitoring probe",
    "set_language": "language switch in the header of every page",
    "api-schema": "OpenAPI document of the API",
    "api-docs": "API documentation",
    # Visitors answer surveys on their phones without an account (DOMAIN.md, "Who uses it").
    "surveys:answer": "public survey",
    "surveys:answer_point": "public survey via a QR code of a touchpoint",
    "surveys:thanks": "public survey",
    "api:public-survey": "public survey for app and kiosk clients",
    "api:public-survey-responses": "public survey: anonymous answers",
    # A lead shares the read-only stakeholder dashboard by a secret, expiring, revocable link (issue 6).
    "share:dashboard": "shared stakeholder dashboard (secret link, read-only, no personal data)",
    # Guests of a workshop vote through their personal signed link, without an account (issue 7).
    "workshop_public:guest": "workshop guest link: vote without an account",
    "workshop_public:guest_results": "workshop guest link: live results polled by the guest page",
    "workshop_public:guest_ics": "workshop guest link: the guest's calendar entry, while the link works",
    # allauth: signing in, signing up and recovering an account happen before one is signed in.
    "account_login": "sign in",
    "account_logout": "sign out (signed-out visitors are sent on)",
    "account_signup": "sign up",
    "account_inactive": "notice for deactivated accounts",
    "account_email_verification_sent": "notice after sign-up",
    "account_confirm_email": "link in the verification e-mail",
    "account_reset_password": "forgotten password",
    "account_reset_password_done": "forgotten password",
    "account_reset_password_from_key": "link in the password reset e-mail",
    "account_reset_password_from_key_done": "forgotten password",
}


def walk(patterns, prefix=(), namespace=None):
    """(route template, full name, pattern) for every URLPattern, through every include()."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, [*prefix, pattern.pattern], inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield [*prefix, pattern.pattern], name, pattern


FALLBACK_VALUES = ["1", "a", "abc", "json"]


def value_for(name: str | None, regex: str, values: dict, to_url=str) -> str:
    """The value named in ``values``, else the first fallback the URL accepts (e.g. an id of a phase app's
    object: the sign-in check runs before any lookup, so the object need not exist)."""
    candidates = ([str(values[name])] if name in values else []) + FALLBACK_VALUES
    for candidate in candidates:
        if re.fullmatch(regex, str(to_url(candidate))):
            return str(to_url(candidate))
    raise AssertionError(f"no value for URL parameter {name!r} ({regex}); add one to url_values")


def fill_regex(regex: str, values: dict) -> str:
    """Turn a URL regex into a concrete path: groups get values, optional slashes and escapes resolve."""
    out, index = [], 0
    regex = regex.removeprefix("^").removesuffix("$")
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            out.append(regex[index + 1])
            index += 2
        elif char == "(":
            depth, end, in_class = 0, index, False
            while True:
                c = regex[end]
                if c == "\\":
                    end += 2
                    continue
                if c == "[":
                    in_class = True
                elif c == "]":
                    in_class = False
                elif c == "(" and not in_class:
                    depth += 1
                elif c == ")" and not in_class:
                    depth -= 1
                    if depth == 0:
                        break
                end += 1
            group = regex[index : end + 1]
            named = re.match(r"\(\?P<(\w+)>(.*)\)$", group, re.DOTALL)
            if named:
                out.append(value_for(named.group(1), named.group(2), values))
            else:
                out.append(value_for(None, group[1:-1], values))
            index = end + 1
        elif char == "?" and out and out[-1] == "/":
            index += 1  # "/?" → "/"
        else:
            out.append(char)
            index += 1
    return "".join(out)


def build_url(pieces, values: dict) -> str:
    path = ""
    for piece in pieces:
        if isinstance(piece, RoutePattern):

            def substitute(match, piece=piece):
                name = match.group(2)
                converter = piece.converters[name]
                return value_for(name, converter.regex, values, to_url=converter.to_url)

            path += re.sub(r"<(?:(\w+):)?(\w+)>", substitute, str(piece))
        elif isinstance(piece, RegexPattern):
            path += fill_regex(str(piece), values)
        else:  # pragma: no cover - LocalePrefixPattern is not used
            raise AssertionError(f"unknown pattern type {piece!r}")
    return "/" + path


def all_patterns():
    return list(walk(get_resolver().url_patterns))


@pytest.fixture
def url_values(world):
    return {
        "org": world.organisation.slug,
        "slug": world.programme.slug,
        "pk": world.programme.pk,
        "programme_pk": world.programme.pk,
        "token": "some-token",
        "format": "json",
        "key": "some-key",
        "uidb36": "1",
        "url": "unknown/",
        "app_label": "programmes",
        "object_id": "1",
        "content_type_id": "1",
        "id": "1",
    }


def test_the_public_list_names_only_existing_pages():
    names = {name for _pieces, name, _pattern in all_patterns()}
    assert set(PUBLIC) - names == set()


def signed_in_required(client, url: str) -> tuple[bool, str]:
    for method in ("get", "post"):
        response = getattr(client, method)(url, follow=True)
        if response.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
            continue
        chain = [location for location, _status in response.redirect_chain]
        if response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN) and not chain:
            return True, ""
        login = reverse("account_login")
        if any(location.split("?")[0] == login for location in chain):
            return True, ""
        return False, f"{method.upper()} {url} → {response.status_code} via {chain}"
    return False, f"{url} accepts neither GET nor POST"


@pytest.mark.django_db
def test_every_url_is_protected_unless_explicitly_public(client, url_values):
    failures, checked = [], 0
    for pieces, name, pattern in all_patterns():
        url = build_url(pieces, url_values)
        match = resolve(url)
        assert match.func == pattern.callback, f"{url} does not resolve to the pattern of {name}"
        if name in PUBLIC:
            response = client.get(url)
            assert response.status_code < 500, f"public {name} ({url}) fails: {response.status_code}"
            continue
        checked += 1
        ok, detail = signed_in_required(client, url)
        if not ok:
            failures.append(f"{name or '(unnamed)'}: {detail}")
    assert not failures, "URLs reachable without signing in:\n" + "\n".join(failures)
    assert checked > 50  # the walk really went through the project


def test_the_walker_fills_regex_routes():
    assert fill_regex(
        r"^programmes/(?P<pk>[0-9]{1,18})\.(?P<format>[a-z0-9]+)/?$", {"pk": 5, "format": "json"}
    ) == ("programmes/5.json/")
    assert fill_regex(r"^(?P<app_label>auth|programmes)/$", {"app_label": "programmes"}) == "programmes/"
    assert fill_regex(r"^([^/]+)/history/([^/]+)/$", {}) == "1/history/1/"
