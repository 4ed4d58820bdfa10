"""Every allauth page in the browser: it loads, it is accessible (axe) and it breaks no CSP rule.

The templates under templates/allauth/ (and the overridden account/email.html and
mfa/recovery_codes/index.html) render these pages in the KERN frame of the rest of Stadtlotse.
"""

import time
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.utils import translation

from accounts.models import User

from .conftest import check_a11y, goto, link_path, links_in_mail, mails_to, save_artifact

pytestmark = pytest.mark.e2e

EMAIL = "lotsin@example.org"
PASSWORD = "Lotse-Test-Passwort-42"


def german(message: str) -> str:
    with translation.override("de"):
        return translation.gettext(message)


def make_user(email: str = EMAIL, password: str = PASSWORD) -> User:
    user = User.objects.create_user(email, password, name="Lea Lotsin")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def submit(page) -> None:
    """Press the main form's primary button (the header has forms and buttons of its own)."""
    page.locator("main form .kern-btn--primary[type=submit]").first.click()
    page.wait_for_load_state()


def heading(page) -> str:
    return page.locator("main h1").inner_text().strip()


def sign_in(page, email: str = EMAIL, password: str = PASSWORD) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    submit(page)


def current_totp_code(secret: str) -> str:
    """The authenticator app's code now; near the end of a period, wait for the next one (no tolerance)."""
    if time.time() % mfa_settings.TOTP_PERIOD > mfa_settings.TOTP_PERIOD - 3:
        time.sleep(3)
    counter = list(yield_hotp_counters_from_time())[mfa_settings.TOTP_TOLERANCE]
    return format_hotp_value(hotp_value(secret, counter))


def test_entrance_pages_and_password_reset(page):
    make_user()

    goto(page, "/accounts/login/")
    assert heading(page) == german("Sign In")
    submit(page)  # empty: the server's errors, linked to the fields
    assert page.locator("#id_login").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_login_error").is_visible()
    check_a11y(page)
    save_artifact(page, "login-errors")

    goto(page, "/accounts/signup/")
    assert heading(page) == german("Sign Up")

    goto(page, "/accounts/password/reset/")
    page.fill("#id_email", EMAIL)
    submit(page)
    assert page.url.endswith("/accounts/password/reset/done/")
    check_a11y(page)
    save_artifact(page)

    (reset_mail,) = mails_to(EMAIL)
    (link,) = [url for url in links_in_mail(reset_mail) if "/password/reset/key/" in url]
    goto(page, link_path(link))  # allauth moves the key into the session and redirects
    assert heading(page) == german("Change Password")
    page.fill("#id_password1", "Neues-Lotsen-Passwort-7")
    page.fill("#id_password2", "Neues-Lotsen-Passwort-7")
    submit(page)
    assert page.url.endswith("/accounts/password/reset/key/done/")
    check_a11y(page)
    save_artifact(page)

    goto(page, "/accounts/confirm-email/not-a-key/")
    assert heading(page) == german("Confirm Email Address")


def test_account_settings_and_two_factor_authentication(page):
    make_user()
    sign_in(page)
    assert page.url.endswith("/programmes/")

    # Add a second address, then remove it again (after a confirmation question from static/js/app.js);
    # with an unverified address allauth would not activate two-factor authentication below.
    goto(page, "/accounts/email/")
    assert page.locator("nav.account-nav a[aria-current=page]").count() == 1
    page.fill("#id_email", "zweite-adresse@example.org")
    page.locator("main form button[name=action_add]").click()
    page.wait_for_load_state()
    assert page.locator("main .kern-badge--warning").count() == 1  # the new address is unverified
    check_a11y(page)
    save_artifact(page, "accounts-email-two-addresses")
    page.locator("main input[type=radio][value='zweite-adresse@example.org']").check()
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.locator("main form button[name=action_remove]").click()
    page.wait_for_load_state()
    assert questions == [german("Do you really want to remove the selected email address?")]
    assert page.locator("main input[type=radio]").count() == 1
    check_a11y(page)

    goto(page, "/accounts/password/change/")
    assert page.locator("#id_oldpassword").is_visible()

    goto(page, "/accounts/api-token/")
    goto(page, "/accounts/2fa/")
    assert page.locator("main .account-panel").count() == 2  # authenticator app, recovery codes

    # Activating the app asks for the password again first.
    goto(page, "/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in page.url
    page.fill("#id_password", PASSWORD)
    submit(page)
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    check_a11y(page)
    save_artifact(page)
    qr = page.locator("main img.account-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "CSP must allow the data: QR code"
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", current_totp_code(secret))
    submit(page)
    assert page.url.endswith("/accounts/2fa/recovery-codes/")
    check_a11y(page)
    save_artifact(page)
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) >= 5

    goto(page, "/accounts/2fa/")
    assert page.locator("main .account-panel .kern-btn").count() >= 3
    goto(page, "/accounts/2fa/recovery-codes/generate/")
    goto(page, "/accounts/2fa/totp/deactivate/")
    goto(page, "/accounts/reauthenticate/")
    goto(page, "/accounts/2fa/reauthenticate/")
    assert page.locator("#id_code").is_visible()

    goto(page, "/accounts/logout/")
    submit(page)
    assert urlsplit(page.url).path == "/"
    check_a11y(page)

    # Signing in again asks for the second factor; a recovery code will do.
    sign_in(page)
    assert page.url.endswith("/accounts/2fa/authenticate/")
    check_a11y(page)
    save_artifact(page)
    page.fill("#id_code", codes[0])
    submit(page)
    assert page.url.endswith("/programmes/")
    check_a11y(page)
