"""A member imports a pedestrian counter export in the browser: upload, progress bar and preview, import, then
the KPI page shows the chart and the table of the imported days."""

import pytest
from django.urls import reverse

from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory
from tests.transformation.factories_imports import counter_csv
from transformation.models import KPI, FootfallDay

from .conftest import check_a11y, goto, save_artifact

pytestmark = pytest.mark.e2e

PASSWORD = "Geheim-Passwort-123"  # the password of tests.programmes.factories.UserFactory


@pytest.fixture
def setup():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    user = MembershipFactory(programme=programme, role=Role.MEMBER).user
    kpi = KPI.objects.create(
        programme=programme,
        code="FOOTFALL",
        name_de="Passantenfrequenz",
        name_en="Footfall",
        unit="Personen/Tag",
        direction="higher",
        frequency="daily",
    )
    return programme, user, kpi


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def test_member_imports_a_counter_export_and_sees_the_kpi_chart(page, setup, tmp_path, monkeypatch):
    from transformation import import_services, import_tasks
    from transformation.models import DataImport

    programme, user, kpi = setup
    queued = []  # the check waits in the "queue" so that the page shows the progress bar while it polls
    monkeypatch.setattr(import_tasks.check_import, "delay", queued.append)
    export = tmp_path / "zaehlung-juli.csv"
    export.write_bytes(
        counter_csv(locations=("Marktplatz", "Bahnhofstraße"), days=14, count=lambda loc, t: 5 + t.hour)
    )
    sign_in(page, user)

    goto(page, reverse("programmes:transformation", kwargs=programme.url_kwargs))
    page.locator("#link-imports").click()
    page.wait_for_url("**/imports/")
    check_a11y(page)
    page.locator("#import-new").click()
    page.wait_for_url("**/imports/new/")
    check_a11y(page)
    page.check("input[name=kind][value=counter]")
    page.select_option("#id_kpi", str(kpi.pk))
    page.check("input[name=scope][value=all]")
    page.set_input_files("#id_file", str(export))
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/imports/*/")

    progress = page.locator("#import-progress-bar")
    assert progress.is_visible() and progress.get_attribute("value") == "0"
    assert page.locator("#import-panel").get_attribute("hx-trigger") == "every 1s"
    check_a11y(page)
    waiting = page.locator("#import-live").inner_text()
    import_services.data_import_check(data_import=DataImport.objects.get(pk=queued[0]))  # the "worker"
    page.locator("#import-preview").wait_for()  # the next poll brings the preview and stops polling
    assert page.locator("#import-live").inner_text() != waiting  # the live region announced the change
    assert progress.get_attribute("value") == "100"
    assert "Marktplatz" in page.locator("#import-groups").inner_text()
    assert page.locator("#import-live").get_attribute("aria-live") == "polite"
    check_a11y(page)
    save_artifact(page, "import-ready")

    page.locator("#import-apply").click()
    page.locator("#import-summary").wait_for()
    assert page.locator("#import-progress-bar").get_attribute("value") == "100"
    assert FootfallDay.objects.filter(programme=programme).count() == 28
    check_a11y(page)
    save_artifact(page, "import-done")

    page.locator("#import-summary ~ ul a").first.click()
    page.wait_for_url(f"**/kpis/{kpi.pk}/")
    page.locator("canvas[data-kpi-source]").wait_for()
    assert page.locator("#measurements tbody tr").count() >= 14
    check_a11y(page)
