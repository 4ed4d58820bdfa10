"""German and English are complete: every string of the code is in both catalogues, translated, not fuzzy,
with the same placeholders, and the pages really render in the language the visitor asked for.

The catalogues are locale/<lang>/LC_MESSAGES/django.po (and djangojs.po once JavaScript uses gettext).
Update them with `make messages`, translate the new entries, remove every `#, fuzzy` flag after checking.
"""

import gettext as gettext_module
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
LANGUAGES = ["de", "en"]
DOMAINS = ["django", "djangojs"]
MSGFMT = shutil.which("msgfmt")
needs_gettext = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")

# Strings a user meets on the first pages; each must read differently in German.
KEY_STRINGS = {
    "Programme overview": "Programmübersicht",
    "Members": "Mitglieder",
    "Stakeholders": "Stakeholder",
    "Sign in": "Anmelden",
    "Sign out": "Abmelden",
    "Invite someone": "Person einladen",
    "Two-factor authentication": "Zwei-Faktor-Authentifizierung",
    "E-mail address": "E-Mail-Adresse",
    "Programme lead": "Programmleitung",
    "Initiative circle member": "Mitglied des Initiativkreises",
    "Stakeholder (read only)": "Stakeholder (nur lesen)",
    "Citizens": "Bürger*innen",
    "Findings": "Erkenntnisse",
    "Wave": "Welle",
}
# The EKT phases keep their names in German.
SAME_IN_GERMAN = ["Evaluation", "Konzeption", "Transformation"]


# --- A small .po reader (polib when installed, otherwise this) ----------------------------------------
@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _decode(quoted: str) -> str:
    """A C-style quoted .po string → text (handles \\n, \\t, \\" and \\\\, keeps UTF-8 intact)."""
    body = quoted.strip()[1:-1]
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header (msgid "") excluded."""
    try:
        import polib
    except ImportError:
        polib = None
    if polib is not None:
        entries = []
        for e in polib.pofile(str(path)):
            msgstr = {int(k): v for k, v in e.msgstr_plural.items()} if e.msgid_plural else {0: e.msgstr}
            entries.append(
                Entry(e.msgid, e.msgid_plural or "", e.msgctxt, msgstr, set(e.flags), bool(e.obsolete))
            )
        return entries

    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] | None = None
    flags: set[str] = set()

    def finish():
        nonlocal current
        if current is not None and current.msgid != "":
            entries.append(current)
        current = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            key = None
            continue
        if line.startswith("#,"):
            finish()
            flags = {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _decode(match.group(3))
            if (
                keyword in ("msgctxt", "msgid")
                and current is not None
                and (keyword == "msgctxt" or current.msgstr)
            ):
                finish()
            if current is None:
                current = Entry(msgid="", flags=flags, obsolete=obsolete)
                flags = set()
            if keyword == "msgctxt":
                current.msgctxt = value
                key = ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid = value
                key = ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural = value
                key = ("msgid_plural", 0)
            else:
                number = int(index) if index is not None else 0
                current.msgstr[number] = value
                key = ("msgstr", number)
            continue
        if line.startswith('"') and current is not None and key is not None:
            value = _decode(line)
            name, number = key
            if name == "msgstr":
                current.msgstr[number] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
    finish()
    return entries


def catalogue(language: str, domain: str = "django") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def catalogues() -> list[tuple[str, str]]:
    return [
        (lang, dom)
        for dom in DOMAINS
        for lang in LANGUAGES
        if dom == "django" or catalogue(lang, dom).exists()
    ]


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\{\s*\w+\s*\}\}|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


# --- The catalogues ---------------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_exists(language):
    assert catalogue(language).exists(), f"run `make messages` and translate {catalogue(language)}"


@pytest.mark.parametrize(("language", "domain"), catalogues())
def test_every_entry_is_translated_and_none_is_fuzzy(language, domain):
    entries = [e for e in parse_po(catalogue(language, domain)) if not e.obsolete]
    assert entries, "the catalogue is empty"
    untranslated = [e.msgid for e in entries if not e.translated]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, (
        f"{len(untranslated)} untranslated in {language}/{domain}.po: {untranslated[:10]}"
    )
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy in {language}/{domain}.po (check, then remove the flag): {fuzzy[:10]}"
    )


@pytest.mark.parametrize(("language", "domain"), catalogues())
def test_no_obsolete_entries_are_left(language, domain):
    obsolete = [e.msgid for e in parse_po(catalogue(language, domain)) if e.obsolete]
    assert not obsolete, f"remove obsolete entries (makemessages --no-obsolete): {obsolete[:10]}"


@pytest.mark.parametrize(("language", "domain"), catalogues())
def test_translations_keep_placeholders_and_markup(language, domain):
    problems = []
    for e in parse_po(catalogue(language, domain)):
        if e.obsolete or not e.translated:
            continue
        if e.msgid_plural:
            # The singular may spell the number out ("one ..."): it may drop a placeholder, never add one.
            pairs = [(e.msgid_plural, e.msgstr[0], True)]
            pairs += [(e.msgid_plural, e.msgstr[i], False) for i in sorted(e.msgstr) if i > 0]
        else:
            pairs = [(e.msgid, e.msgstr[0], False)]
        for source, target, may_drop in pairs:
            wanted, got = placeholders(source), placeholders(target)
            if (may_drop and not set(got) <= set(wanted)) or (not may_drop and got != wanted):
                problems.append((e.msgid, target, "placeholders"))
            if sorted(TAG.findall(e.msgid)) != sorted(TAG.findall(target)):
                problems.append((e.msgid, target, "markup"))
    assert not problems, problems[:10]


@pytest.mark.parametrize(("language", "domain"), catalogues())
def test_the_header_is_complete(language, domain):
    text = catalogue(language, domain).read_text(encoding="utf-8")
    assert f'"Language: {language}\\n"' in text
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in text
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text


def test_key_strings_have_their_german_translation():
    german = {e.msgid: e.msgstr.get(0) for e in parse_po(catalogue("de")) if not e.obsolete}
    for msgid, expected in KEY_STRINGS.items():
        assert german.get(msgid) == expected, msgid
    for msgid in SAME_IN_GERMAN:
        assert german.get(msgid) == msgid


@needs_gettext
@pytest.mark.parametrize(("language", "domain"), catalogues())
def test_msgfmt_accepts_the_catalogue(language, domain):
    """GNU msgfmt with --check: syntax, header, python-format placeholders, plural forms; 0 fuzzy, 0 untranslated."""
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", os.devnull, str(catalogue(language, domain))],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics


@needs_gettext
def test_every_string_of_the_code_is_in_the_catalogues(tmp_path):
    """makemessages over a copy of the code finds nothing new: the catalogues are up to date."""
    copy = tmp_path / "src"
    skip = {".venv", ".git", "tests", "node_modules", "media", "staticfiles", ".test-media", "test-results"}
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=lambda directory, names: [
            name
            for name in names
            if (Path(directory) == BASE_DIR and name in skip)
            or name.startswith(".")
            or name in {"__pycache__", "vendor"}
            or name.endswith((".mo", ".sqlite3", ".pyc"))
        ],
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    languages = [f"--locale={language}" for language in LANGUAGES]
    options = ["--no-obsolete", "--ignore=static/vendor", "--ignore=tests", "--verbosity=0"]
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, *languages, *options],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        for language in LANGUAGES:
            path = copy / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():  # no strings of this domain in the code (djangojs until JS uses gettext)
                continue
            missing = [
                e.msgid for e in parse_po(path) if not e.obsolete and (not e.translated or "fuzzy" in e.flags)
            ]
            assert not missing, (
                f"{len(missing)} strings of the code are not translated in {language}/{domain}.po "
                f"(run `make messages` and translate them): {missing[:10]}"
            )


# --- The running application -----------------------------------------------------------------------
def _compile_if_stale() -> None:
    """Compile .po → .mo where the .mo is missing or older (`make test` does it before; this is for pytest alone)."""
    compiled_any = False
    for language, domain in catalogues():
        po = catalogue(language, domain)
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if MSGFMT is None:
            pytest.skip("the .mo files are stale and msgfmt is not installed")
        partial = mo.with_name(f".{mo.stem}-{os.getpid()}.mo")  # *.mo: ignored by git
        try:
            subprocess.run([MSGFMT, "--check-format", "-o", str(partial), str(po)], check=True)
            partial.replace(mo)  # atomic, so parallel workers never read half a file
        finally:
            partial.unlink(missing_ok=True)
        compiled_any = True
    if compiled_any:
        # Python's gettext keeps every .mo it has read; forget them so the new files are read.
        getattr(gettext_module, "_translations", {}).clear()


@pytest.fixture
def compiled(settings):
    _compile_if_stale()
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # setting_changed empties Django's catalogue cache
    yield
    translation.deactivate()


@pytest.mark.usefixtures("compiled")
def test_gettext_answers_in_german_and_english():
    with translation.override("de"):
        for msgid, expected in KEY_STRINGS.items():
            assert translation.gettext(msgid) == expected
        assert translation.ngettext("%(counter)s member", "%(counter)s members", 1) == "%(counter)s Mitglied"
        assert (
            translation.ngettext("%(counter)s member", "%(counter)s members", 3) == "%(counter)s Mitglieder"
        )
    with translation.override("en"):
        for msgid in KEY_STRINGS:
            assert translation.gettext(msgid) == msgid


@pytest.mark.usefixtures("compiled")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [("de", "Programmübersicht", "Programme overview"), ("en", "Programme overview", "Programmübersicht")],
)
def test_the_portfolio_renders_in_the_chosen_language(client_as, language, heading, other):
    client = client_as("lead")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("programmes:portfolio"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert re.search(rf"<h1[^>]*>\s*{heading}\s*</h1>", html), heading
    assert other not in html


@pytest.mark.usefixtures("compiled")
@pytest.mark.django_db
def test_the_browser_language_decides_without_a_cookie(client_as):
    client = client_as("lead")
    english = client.get(
        reverse("programmes:portfolio"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"
    ).content.decode()
    german = client.get(
        reverse("programmes:portfolio"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9"
    ).content.decode()
    french = client.get(reverse("programmes:portfolio"), HTTP_ACCEPT_LANGUAGE="fr-FR").content.decode()
    assert "Programme overview" in english
    assert "Programmübersicht" in german
    assert "Programmübersicht" in french, "German is the default for languages we do not offer"
