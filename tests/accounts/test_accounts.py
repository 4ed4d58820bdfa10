"""Accounts: sign-up with e-mail verification, sign-in, password reset, admin sign-in, 2FA page, API token."""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import User
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Stadtlotse-Passwort-2026"


def link_in(message, path_prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", message.body)
    assert match, f"no link to {path_prefix} in:\n{message.body}"
    return match.group(1)


def sign_up(client, email="neu@example.org"):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_needs_a_verified_email_before_signing_in(client):
    response = sign_up(client, "Neu@Example.org")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="neu@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["neu@example.org"]
    confirm_path = link_in(mail.outbox[0], "/accounts/confirm-email/")

    # Before verification, signing in is refused and sends the person to the "check your mail" page.
    client.logout()
    response = sign_in(client, "neu@example.org")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    # Opening the link shows a confirmation button; confirming verifies the address.
    assert client.get(confirm_path).status_code == HTTPStatus.OK
    assert not EmailAddress.objects.get(user=user).verified  # a GET (e.g. a mail scanner) changes nothing
    response = client.post(confirm_path)
    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = sign_in(client, "neu@example.org")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("programmes:portfolio")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("programmes:portfolio")).status_code == HTTPStatus.OK


def test_sign_up_refuses_a_weak_password(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": "12345678", "password2": "12345678"},
    )

    assert response.status_code == HTTPStatus.OK
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="x@example.org").exists()


def test_sign_up_with_a_taken_address_does_not_reveal_the_account(client):
    UserFactory(email="vergeben@example.org")

    response = sign_up(client, "Vergeben@example.org")

    # Same answer as for a new address (no account enumeration); the owner gets a note by e-mail instead.
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="vergeben@example.org").count() == 1
    assert [m.to for m in mail.outbox] == [["vergeben@example.org"]]
    assert "/accounts/confirm-email/" not in mail.outbox[0].body


def test_sign_up_can_be_closed_for_an_installation(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUP = False

    sign_up(client, "zu@example.org")

    assert not User.objects.filter(email="zu@example.org").exists()


def test_sign_in_with_a_wrong_password_fails(client):
    UserFactory(email="anna@example.org")

    response = sign_in(client, "anna@example.org", "falsch")

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_sign_in_returns_to_the_page_asked_for(client):
    UserFactory(email="anna@example.org", password=PASSWORD)

    response = client.post(
        reverse("account_login") + "?next=/organisations/new/",
        {"login": "anna@example.org", "password": PASSWORD, "next": "/organisations/new/"},
    )

    assert response["Location"] == "/organisations/new/"


def test_sign_in_does_not_redirect_to_another_site(client):
    UserFactory(email="anna@example.org", password=PASSWORD)

    response = client.post(
        reverse("account_login"),
        {"login": "anna@example.org", "password": PASSWORD, "next": "https://evil.example.com/"},
    )

    assert "evil.example.com" not in response["Location"]


def test_password_reset_by_email(client):
    UserFactory(email="anna@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "anna@example.org"})

    assert response.status_code == HTTPStatus.FOUND
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    reset_path = link_in(mail.outbox[0], "/accounts/password/reset/key/")
    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == HTTPStatus.OK
    new_password = "Ganz-neues-Passwort-42"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == HTTPStatus.FOUND
    client.logout()
    assert sign_in(client, "anna@example.org", new_password)["Location"] == reverse("programmes:portfolio")


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_reset_password_done")


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_admin_is_closed_to_non_staff(client):
    client.force_login(UserFactory())

    response = client.get("/admin/", follow=True)

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_two_factor_page_requires_sign_in(client):
    response = client.get(reverse("mfa_index"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(UserFactory())
    assert client.get(reverse("mfa_index")).status_code == HTTPStatus.OK
    assert client.get(reverse("mfa_activate_totp")).status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


def test_api_token_is_shown_once_and_works(client):
    user = UserFactory()
    client.force_login(user)
    page = reverse("account_api_token")

    assert client.get(page).context["has_token"] is False
    response = client.post(page)
    assert response["Location"] == page

    shown = client.get(page)
    key = shown.context["new_token"]
    assert key == Token.objects.get(user=user).key
    assert key in shown.content.decode()
    again = client.get(page)
    assert again.context["new_token"] is None
    assert again.context["has_token"] is True
    assert key not in again.content.decode()

    from rest_framework.test import APIClient

    api = APIClient()
    assert api.get("/api/v1/programmes/", HTTP_AUTHORIZATION=f"Token {key}").status_code == HTTPStatus.OK

    client.post(page)  # rotating replaces the old token
    assert api.get("/api/v1/programmes/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401

    client.post(page, {"action": "delete"})
    assert not Token.objects.filter(user=user).exists()


def test_user_model_uses_email_only():
    user = User.objects.create_user("Mixed@Example.ORG", PASSWORD)

    assert user.email == "mixed@example.org"
    assert user.check_password(PASSWORD)
    assert str(user) == "mixed@example.org"
    assert user.get_short_name() == "mixed"
    with pytest.raises(ValueError):
        User.objects.create_user("", PASSWORD)
    admin = User.objects.create_superuser("chef@example.org", PASSWORD)
    assert admin.is_staff and admin.is_superuser
