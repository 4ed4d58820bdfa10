"""The foundation in the browser: from the home page to a programme with an invited member.

Every page the person sees is checked with axe (serious and critical violations fail). Texts are
compared with the translation catalogues at test time, so the assertions hold whether or not a
string has been translated yet.
"""

import pytest
from django.utils import translation

from accounts.models import User
from programmes.models import Invitation, Membership, Organisation, Programme, Role

from .conftest import check_a11y, goto, link_path, links_in_mail, mails_to, save_artifact

pytestmark = pytest.mark.e2e

PASSWORD = "Lotse-Test-Passwort-42"


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def german(message: str) -> str:
    return in_language("de", message)


def submit(page, form: str = "main form") -> None:
    """Press the primary submit button of a form in the page's main area (not the header's)."""
    page.locator(f"{form} .kern-btn--primary[type=submit]").first.click()
    page.wait_for_load_state()
    check_a11y(page)


def heading(page) -> str:
    return page.locator("main h1").inner_text().strip()


def sign_up_and_confirm(page, email: str) -> None:
    """On the sign-up page: register, see "verify your e-mail", open the link from the mail, confirm."""
    assert heading(page) == german("Sign Up")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    submit(page)
    assert page.url.endswith("/accounts/confirm-email/")
    assert heading(page) == german("Verify Your Email Address")
    save_artifact(page, "verification-sent")

    (link,) = [
        url
        for message in mails_to(email)
        for url in links_in_mail(message)
        if "/accounts/confirm-email/" in url
    ]
    goto(page, link_path(link))
    assert heading(page) == german("Confirm Email Address")
    assert email in page.locator("main").inner_text()
    submit(page)


def test_person_signs_up_creates_organisation_and_programme_and_invites(page):
    email = "lea.lotsin@musterstadt.example"

    # (1) Home page, German by default.
    goto(page, "/")
    assert page.locator("html").get_attribute("lang") == "de"

    # (2) Sign up with e-mail and password, (3) verify the address.
    page.locator("main a[href='/accounts/signup/']").click()
    page.wait_for_load_state()
    check_a11y(page)
    sign_up_and_confirm(page, email)

    # (4) Signed in right after confirming: the (empty) programme overview.
    assert page.url.endswith("/programmes/")
    assert page.locator("header details.user-menu").is_visible()
    assert User.objects.filter(email=email, emailaddress__verified=True).exists()

    # (5) Asked to create the organisation first.
    assert page.locator("main").get_by_text(german("You are not part of any programme yet.")).is_visible()
    page.locator("main a[href='/organisations/new/']").click()
    page.wait_for_load_state()
    check_a11y(page)
    assert page.url.endswith("/organisations/new/")
    page.fill("#id_name", "Musterstadt")
    submit(page)
    organisation = Organisation.objects.get(name="Musterstadt")
    assert organisation.admins.filter(email=email).exists()

    # (6) The programme form, with the organisation chosen; first an end date before the start date.
    assert "/programmes/new/" in page.url
    assert page.locator("#id_organisation").input_value() == str(organisation.pk)
    page.fill("#id_title", "Digitale Innenstadt Musterstadt")
    page.fill("#id_start_date", "2026-03-01")
    page.fill("#id_end_date", "2025-12-31")
    submit(page)
    error = page.locator("#id_end_date_error")
    assert error.is_visible()
    assert error.inner_text().strip() == german("The end date must not be before the start date.")
    assert page.locator("#id_end_date").get_attribute("aria-invalid") == "true"
    save_artifact(page, "programme-form-error")
    page.fill("#id_end_date", "2027-02-28")
    submit(page)
    programme = Programme.objects.get(title="Digitale Innenstadt Musterstadt")
    assert page.url.endswith(programme.get_absolute_url())
    assert heading(page) == programme.title
    assert Membership.objects.filter(programme=programme, user__email=email, role=Role.LEAD).exists()

    # (7) Members: invite someone by e-mail and see the invitation listed.
    page.locator("nav.main-nav a[href$='/members/']").click()
    page.wait_for_load_state()
    check_a11y(page)
    members_heading_de = heading(page)
    assert members_heading_de == german("Members")
    page.fill("#id_email", "kollegin@musterstadt.example")
    submit(page, "#invite-form")
    assert page.locator("#invitations-table").get_by_text("kollegin@musterstadt.example").is_visible()
    assert Invitation.objects.filter(programme=programme, email="kollegin@musterstadt.example").exists()
    assert len(mails_to("kollegin@musterstadt.example")) == 1
    save_artifact(page, "members-invited")

    # (8) Switch to English: same page, English language attribute and heading.
    page.locator("#switch-language-en").click()
    page.wait_for_load_state()
    check_a11y(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith(f"{programme.get_absolute_url()}members/")
    assert heading(page) == in_language("en", "Members")
    if german("Members") != "Members":
        assert heading(page) != members_heading_de
    assert page.locator("#switch-language-de").is_visible()


def test_invited_person_signs_up_in_a_second_browser_and_joins_the_programme(new_page):
    from allauth.account.models import EmailAddress

    from programmes import services

    lead = User.objects.create_user("leitung@musterstadt.example", PASSWORD, name="Lena Leitung")
    EmailAddress.objects.create(user=lead, email=lead.email, verified=True, primary=True)
    organisation = services.organisation_create(creator=lead, name="Musterstadt", slug="musterstadt")
    programme = services.programme_create(
        organisation=organisation,
        creator=lead,
        title="Digitale Innenstadt Musterstadt",
        slug="digitale-innenstadt",
    )

    # The lead invites in one browser ...
    lead_page = new_page()
    goto(lead_page, "/accounts/login/")
    lead_page.fill("#id_login", lead.email)
    lead_page.fill("#id_password", PASSWORD)
    submit(lead_page)
    goto(lead_page, f"{programme.get_absolute_url()}members/")
    lead_page.fill("#id_email", "neu@musterstadt.example")
    submit(lead_page, "#invite-form")
    assert lead_page.locator("#invitations-table").get_by_text("neu@musterstadt.example").is_visible()

    # ... the invited person opens the link from the mail in another one.
    (invitation_mail,) = mails_to("neu@musterstadt.example")
    (link,) = [url for url in links_in_mail(invitation_mail) if "/invitations/" in url]
    page = new_page()
    goto(page, link_path(link))
    assert programme.title in page.locator("main").inner_text()
    page.locator("main a[href^='/accounts/signup/']").click()
    page.wait_for_load_state()
    check_a11y(page)
    sign_up_and_confirm(page, "neu@musterstadt.example")

    # Back on the invitation, now signed in: accept and land in the programme.
    assert page.url.endswith(link_path(link))
    page.locator("#accept-invitation").click()
    page.wait_for_load_state()
    check_a11y(page)
    assert page.url.endswith(programme.get_absolute_url())
    assert heading(page) == programme.title
    assert Membership.objects.filter(
        programme=programme, user__email="neu@musterstadt.example", role=Role.MEMBER
    ).exists()
    assert Invitation.objects.get(email="neu@musterstadt.example").accepted_at is not None
