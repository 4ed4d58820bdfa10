"""German pages and e-mails of the accounts area address people formally ("Sie"), never with "du".

django-allauth's own German catalogue is informal. locale_overrides/de/LC_MESSAGES/django.po translates every
informal entry again; it is in LOCALE_PATHS after our own catalogue, so Django prefers it to allauth's.
docs/operations.md ("Translations: formal address") says how to update it after an allauth upgrade.
"""

import gettext as gettext_module
import html
import os
import re
import shutil
import subprocess
from http import HTTPStatus
from pathlib import Path

import allauth
import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.programmes.factories import UserFactory
from tests.test_translations import TAG, parse_po, placeholders

BASE_DIR = Path(settings.BASE_DIR)
OVERRIDES = BASE_DIR / "locale_overrides" / "de" / "LC_MESSAGES" / "django.po"
OURS = BASE_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po"
ALLAUTH = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
MSGFMT = shutil.which("msgfmt")

PASSWORD = "Geheim-Passwort-123"  # UserFactory's password
NEW_PASSWORD = "Ganz-neues-Passwort-42"
EMAIL = "anna@example.org"

INFORMAL = {"du", "dein", "deine", "deinen", "deinem", "deiner", "deines", "dich", "dir"}
# Verbs in the du-form that give away an informal sentence without a pronoun ("Bitte gib ... ein").
DU_VERBS = {
    "gib", "wähle", "versuche", "bestätige", "lass", "erstelle", "kontaktiere", "klick", "klicke", "melde",
    "folge", "überprüfe", "prüfe", "rufe", "verwende", "nutze", "gehe", "sieh", "trage", "füge", "scanne",
    "speichere", "lade", "wende", "hast", "bist", "kannst", "musst", "möchtest", "willst", "solltest",
    "erhältst",
}  # fmt: skip


def words(text: str) -> set[str]:
    """The lowercase words of a text. Runs of letters and digits are one token, so a generated code or
    secret (TOTP secret, token, recovery code) never yields a word such as "du" by accident."""
    return {token for token in re.split(r"[^0-9a-zäöüß]+", text.lower()) if token.isalpha()}


def informal_words(text: str) -> list[str]:
    return sorted(words(text) & INFORMAL)


def is_informal(text: str) -> bool:
    return bool(words(text) & (INFORMAL | DU_VERBS))


VISIBLE_ATTRIBUTES = re.compile(
    r"""\s(?:title|placeholder|aria-label|alt|data-confirm)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I
)


def visible_text(page: str) -> str:
    """Text a person reads or hears: the page without scripts, styles and tags, plus the texts of
    attributes that screen readers announce or the browser shows (title, placeholder, aria-label, alt,
    and the "really remove?" question in data-confirm)."""
    page = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    attributes = [a or b for a, b in VISIBLE_ATTRIBUTES.findall(page)]
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *attributes]))


def assert_formal(page: str, where: str) -> str:
    text = visible_text(page)
    found = informal_words(text)
    assert not found, f"{where} addresses the reader informally ({found}):\n{' '.join(text.split())[:3000]}"
    return text


# --- Catalogues -------------------------------------------------------------------------------------
def key(entry):
    return entry.msgctxt, entry.msgid


def entries(path: Path) -> dict:
    return {key(e): e for e in parse_po(path) if not e.obsolete}


def _compile(po: Path) -> bool:
    """.po → .mo when the .mo is missing or older (the test command runs compilemessages before)."""
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return False
    if MSGFMT is None:
        pytest.fail(f"{mo} is missing or stale and msgfmt is not installed: run compilemessages")
    partial = mo.with_name(f".{mo.stem}-{os.getpid()}.mo")  # *.mo: ignored by git
    try:
        subprocess.run([MSGFMT, "--check-format", "-o", str(partial), str(po)], check=True)
        partial.replace(mo)  # atomic, so parallel workers never read half a file
    finally:
        partial.unlink(missing_ok=True)
    return True


@pytest.fixture
def german(settings):
    """The compiled catalogues, read afresh, and German as the active language."""
    if any([_compile(OURS), _compile(OVERRIDES)]):
        getattr(gettext_module, "_translations", {}).clear()
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # setting_changed empties Django's catalogue cache
    with translation.override("de"):
        yield
    translation.deactivate()


def test_the_overrides_are_in_locale_paths_after_our_catalogue():
    paths = [Path(p) for p in settings.LOCALE_PATHS]
    assert paths.index(OURS.parents[2]) < paths.index(OVERRIDES.parents[2])


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_accepts_the_override_catalogue():
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", os.devnull, str(OVERRIDES)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages?\.", result.stderr.strip().splitlines()[-1]), result.stderr
    header = OVERRIDES.read_text(encoding="utf-8")
    assert '"Language: de\\n"' in header
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in header
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header


def test_every_override_replaces_an_informal_allauth_translation():
    ours, theirs = entries(OVERRIDES), entries(ALLAUTH)
    assert ours, "the override catalogue is empty"
    problems = []
    for k, entry in ours.items():
        original = theirs.get(k)
        if original is None:
            problems.append((k, "allauth has no such msgid any more: remove the entry"))
            continue
        if not any(is_informal(text) for text in original.msgstr.values()):
            problems.append((k, "allauth's translation is formal now: remove the entry"))
        for form, text in entry.msgstr.items():
            if not text or is_informal(text):
                problems.append((k, f"msgstr[{form}] is empty or informal: {text!r}"))
            if text == original.msgstr.get(form):
                problems.append((k, f"msgstr[{form}] is allauth's informal translation"))
            source = entry.msgid_plural if form else entry.msgid
            if placeholders(text) != placeholders(source) or sorted(TAG.findall(text)) != sorted(
                TAG.findall(source)
            ):
                problems.append((k, f"msgstr[{form}] changes placeholders or markup: {text!r}"))
    assert not problems, problems


def test_every_informal_allauth_translation_is_overridden():
    ours = entries(OVERRIDES)
    missing = [
        k
        for k, entry in entries(ALLAUTH).items()
        if any(is_informal(text) for text in entry.msgstr.values()) and k not in ours
    ]
    assert not missing, f"translate these formally in {OVERRIDES.relative_to(BASE_DIR)}: {missing}"


@pytest.mark.usefixtures("german")
def test_django_translates_with_the_overrides():
    """Effective: gettext answers with the override (or with our own catalogue, which comes first)."""
    ours, overrides, theirs = entries(OURS), entries(OVERRIDES), entries(ALLAUTH)
    for k, entry in overrides.items():
        context, msgid = k
        expected = (ours.get(k) or entry).msgstr
        if entry.msgid_plural:
            for form, n in ((0, 1), (1, 2)):
                got = (
                    translation.npgettext(context, msgid, entry.msgid_plural, n)
                    if context
                    else translation.ngettext(msgid, entry.msgid_plural, n)
                )
                assert got == expected[form] != theirs[k].msgstr[form], msgid
        else:
            got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            assert got == expected[0] != theirs[k].msgstr[0], msgid
            assert not is_informal(got), got


# --- Pages --------------------------------------------------------------------------------------------
def german_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    return client


def get_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, (url, response.status_code, response.get("Location"))
    page = response.content.decode()
    assert '<html lang="de"' in page, url
    return page


def sign_in(client, user):
    """Sign in and confirm the password once more: the two-factor settings need a recent
    reauthentication and show the reauthentication form instead otherwise."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]


@pytest.fixture
def anna(db):
    return UserFactory(email=EMAIL, name="Anna Beispiel")


@pytest.fixture
def anna_signed_in(client, anna, german):
    client = german_client(client)
    sign_in(client, anna)
    return client


ANONYMOUS_PAGES = [
    ("account_login", {}),
    ("account_signup", {}),
    ("account_reset_password", {}),
    ("account_reset_password_done", {}),
    ("account_reset_password_from_key", {"uidb36": "0", "key": "kein-schluessel"}),  # "Bad Token"
    ("account_reset_password_from_key_done", {}),
    ("account_email_verification_sent", {}),
    ("account_confirm_email", {"key": "kein-schluessel"}),  # expired or invalid link
]


@pytest.mark.django_db
@pytest.mark.usefixtures("german")
@pytest.mark.parametrize(("name", "kwargs"), ANONYMOUS_PAGES, ids=[name for name, _ in ANONYMOUS_PAGES])
def test_pages_for_visitors_are_formal(client, name, kwargs):
    assert_formal(get_page(german_client(client), reverse(name, kwargs=kwargs)), name)


@pytest.mark.usefixtures("german")
def test_the_sign_in_page_invites_formally_to_sign_up(client, db):
    text = " ".join(visible_text(get_page(german_client(client), reverse("account_login"))).split())
    assert "Sie haben noch kein Konto? Dann registrieren Sie sich bitte zuerst." in text


@pytest.mark.usefixtures("german")
def test_form_errors_for_visitors_are_formal(client, anna):
    client = german_client(client)
    wrong_password = client.post(reverse("account_login"), {"login": EMAIL, "password": "falsch"})
    assert wrong_password.status_code == HTTPStatus.OK
    assert_formal(wrong_password.content.decode(), "sign-in with a wrong password")

    mismatch = client.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": NEW_PASSWORD, "password2": "Anderes-Passwort-42"},
    )
    assert mismatch.status_code == HTTPStatus.OK
    text = assert_formal(mismatch.content.decode(), "sign-up with two different passwords")
    assert "Sie müssen zweimal dasselbe Passwort eingeben." in text


SIGNED_IN_PAGES = [
    "account_email",
    "account_change_password",
    "account_reset_password",  # "You are already logged in as …"
    "account_reauthenticate",
    "account_logout",  # the "really sign out?" question
    "mfa_index",
    "mfa_activate_totp",
]
# With an authenticator app and recovery codes set up.
TWO_FACTOR_PAGES = [
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_deactivate_totp",
    "mfa_reauthenticate",
]


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_pages_for_signed_in_people_are_formal(anna_signed_in, name):
    assert_formal(get_page(anna_signed_in, reverse(name)), name)


@pytest.fixture
def anna_with_two_factor(anna_signed_in, anna):
    TOTP.activate(anna, generate_totp_secret())
    RecoveryCodes.activate(anna)
    return anna_signed_in


@pytest.mark.parametrize("name", TWO_FACTOR_PAGES)
def test_two_factor_pages_are_formal(anna_with_two_factor, name):
    assert_formal(get_page(anna_with_two_factor, reverse(name)), name)


def test_the_logout_question_and_message_are_formal(anna_signed_in):
    question = assert_formal(get_page(anna_signed_in, reverse("account_logout")), "sign-out page")
    assert "Möchten Sie sich wirklich abmelden?" in question

    response = anna_signed_in.post(reverse("account_logout"), follow=True)
    assert response.status_code == HTTPStatus.OK
    text = assert_formal(response.content.decode(), "page after signing out")
    assert "Sie haben sich abgemeldet." in text


def test_messages_and_errors_for_signed_in_people_are_formal(anna_signed_in):
    wrong_current = anna_signed_in.post(
        reverse("account_change_password"),
        {"oldpassword": "falsch", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong_current.status_code == HTTPStatus.OK
    text = assert_formal(wrong_current.content.decode(), "password change with a wrong current password")
    assert "Bitte geben Sie Ihr aktuelles Passwort ein." in text

    remove_primary = anna_signed_in.post(
        reverse("account_email"), {"action_remove": "", "email": EMAIL}, follow=True
    )
    assert remove_primary.status_code == HTTPStatus.OK
    text = assert_formal(remove_primary.content.decode(), "removing the primary address")
    assert f"Sie können Ihre primäre E-Mail-Adresse ({EMAIL}) nicht entfernen." in " ".join(text.split())


# --- E-mails ------------------------------------------------------------------------------------------
def assert_formal_mail(message) -> str:
    text = f"{message.subject}\n{message.body}"
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            text += "\n" + visible_text(content)
    found = informal_words(text)
    assert not found, f"e-mail {message.subject!r} addresses the reader informally ({found}):\n{text}"
    return " ".join(text.split())


@pytest.mark.usefixtures("german")
def test_the_password_reset_mail_is_formal(client, anna):
    client = german_client(client)
    client.post(reverse("account_reset_password"), {"email": EMAIL})
    client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})  # unknown address

    assert [m.to for m in mail.outbox] == [[EMAIL], ["niemand@example.org"]]
    reset = assert_formal_mail(mail.outbox[0])
    assert "Sie erhalten diese E-Mail, weil Sie oder jemand anderes das Zurücksetzen des Passworts" in reset
    assert "Vielen Dank, dass Sie" in reset
    assert_formal_mail(mail.outbox[1])


@pytest.mark.usefixtures("german")
def test_sign_up_mails_and_the_confirmation_are_formal(client, anna):
    client = german_client(client)
    for address in ("neu@example.org", EMAIL):  # a new address, then one that has an account already
        client.post(
            reverse("account_signup"),
            {"email": address, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

    assert [m.to for m in mail.outbox] == [["neu@example.org"], [EMAIL]]
    confirmation = assert_formal_mail(mail.outbox[0])
    assert "Vielen Dank, dass Sie" in confirmation
    already_exists = assert_formal_mail(mail.outbox[1])
    assert "Sie erhalten diese E-Mail, weil Sie oder jemand anderes versucht hat" in already_exists

    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    page = assert_formal(get_page(client, path), "e-mail confirmation page")
    assert "Bitte bestätigen Sie, dass neu@example.org" in " ".join(page.split())
    confirmed = client.post(path, follow=True)
    assert confirmed.status_code == HTTPStatus.OK
    text = assert_formal(confirmed.content.decode(), "page after confirming the address")
    assert "Sie haben die Adresse neu@example.org bestätigt." in text
