"""Numbers in charts follow the page language, not the browser's: a German page in an English browser shows
"12,5 %" in the chart tooltip and axis as in the table beside it, and an English page in a German browser
shows "12.5%". The tooltip is opened by moving the mouse over the bar, then read from Chart.js."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from evaluation import services as evaluation_services
from programmes.models import Role
from tests.evaluation.factories import make_survey
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory
from transformation import services_kpis
from transformation.models import KPI

from .conftest import goto
from .test_evaluation import sign_in

pytestmark = pytest.mark.e2e

NBSP = "\u00a0"


@pytest.fixture
def member():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    return programme, MembershipFactory(programme=programme, role=Role.MEMBER).user


@pytest.fixture
def survey_with_eighths(member):
    """8 responses: 1 by car (12.5 %), 3 by bus (37.5 %), 4 on foot (50 %)."""
    programme, _user = member
    survey = make_survey(programme)
    for transport in ["car"] + ["bus"] * 3 + ["foot"] * 4:
        evaluation_services.response_submit(survey=survey, answers={"transport": transport})
    return survey


def set_language_cookie(page, live_server_url: str, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server_url}]
    )


def hover_first_bar(page, canvas_selector: str) -> dict:
    """Move the mouse over the first bar of the chart; return the tooltip lines and the value-axis tick labels."""
    canvas = page.locator(canvas_selector).first
    canvas.wait_for()
    page.wait_for_function(
        "selector => { const c = document.querySelector(selector); return c && window.Chart.getChart(c); }",
        arg=canvas_selector,
    )
    point = page.evaluate(
        """selector => {
            const canvas = document.querySelector(selector);
            const chart = window.Chart.getChart(canvas);
            const bar = chart.getDatasetMeta(0).data[0];
            const box = canvas.getBoundingClientRect();
            // Halfway along the bar, so the pointer is on it whichever way it lies.
            const x = chart.options.indexAxis === "y" ? (bar.base + bar.x) / 2 : bar.x;
            const y = chart.options.indexAxis === "y" ? bar.y : (bar.base + bar.y) / 2;
            return { x: box.left + x, y: box.top + y };
        }""",
        canvas_selector,
    )
    page.mouse.move(point["x"], point["y"])
    page.wait_for_function(
        "selector => { const t = window.Chart.getChart(document.querySelector(selector)).tooltip;"
        " return t && t.opacity > 0 && t.body && t.body.length > 0; }",
        arg=canvas_selector,
    )
    return page.evaluate(
        """selector => {
            const chart = window.Chart.getChart(document.querySelector(selector));
            const valueAxis = chart.options.indexAxis === "y" ? "x" : "y";
            return {
                lines: chart.tooltip.body.flatMap((item) => item.lines),
                ticks: chart.scales[valueAxis].ticks.map((tick) => tick.label),
            };
        }""",
        canvas_selector,
    )


def results_path(programme, survey) -> str:
    return reverse("programmes:evaluation:results", kwargs={**programme.url_kwargs, "survey": survey.pk})


def transport_selector(survey) -> str:
    question = survey.questions.get(code="transport")
    return f"#result-{question.pk} canvas[data-chart-source]"


def test_a_german_page_in_an_english_browser_writes_the_decimal_comma(
    new_page, live_server, member, survey_with_eighths
):
    programme, user = member
    page = new_page(locale="en-US")
    set_language_cookie(page, live_server.url, "de")
    sign_in(page, user)
    goto(page, results_path(programme, survey_with_eighths))
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.evaluate("new Intl.NumberFormat().format(12.5)") == "12.5", "the browser should speak English"

    question = survey_with_eighths.questions.get(code="transport")
    table = page.locator(f"#result-{question.pk} table")
    assert table.locator("tr", has_text="Auto").locator("td").nth(1).inner_text().strip() == "12,5 %"

    seen = hover_first_bar(page, transport_selector(survey_with_eighths))
    assert seen["lines"] == [f"12,5{NBSP}% (n = 1)"]
    assert seen["ticks"], "the value axis has ticks"
    assert all(label.endswith(f"{NBSP}%") and "." not in label for label in seen["ticks"]), seen["ticks"]


def test_an_english_page_in_a_german_browser_writes_the_decimal_point(
    new_page, live_server, member, survey_with_eighths
):
    programme, user = member
    page = new_page(locale="de-DE")
    set_language_cookie(page, live_server.url, "en")
    sign_in(page, user)
    goto(page, results_path(programme, survey_with_eighths))
    assert page.locator("html").get_attribute("lang") == "en"

    seen = hover_first_bar(page, transport_selector(survey_with_eighths))
    assert seen["lines"] == ["12.5% (n = 1)"]
    assert all(label.endswith("%") and "," not in label for label in seen["ticks"]), seen["ticks"]


def test_kpi_tooltips_give_german_numbers_with_the_unit(new_page, live_server, member):
    programme, user = member
    kpi = KPI.objects.create(
        programme=programme,
        code="FOOTFALL",
        name_de="Passantenfrequenz",
        unit="Personen/Tag",
        direction="higher",
        frequency="monthly",
        baseline_value=Decimal("1000"),
        baseline_date=date(2025, 1, 1),
    )
    services_kpis.measurement_create(
        kpi=kpi, period_start=date(2025, 6, 1), period_end=date(2025, 6, 30), value=Decimal("1234.5")
    )
    page = new_page(locale="en-US")
    set_language_cookie(page, live_server.url, "de")
    sign_in(page, user)
    goto(page, reverse("programmes:transformation:kpi_detail", kwargs={**programme.url_kwargs, "pk": kpi.pk}))
    assert page.locator("#measurements tbody td").first.inner_text().strip() == "1234,5"

    selector = "canvas[data-kpi-source]"
    page.wait_for_function(
        "s => window.Chart && window.Chart.getChart(document.querySelector(s))", arg=selector
    )
    line = page.evaluate(
        """selector => {
            const chart = window.Chart.getChart(document.querySelector(selector));
            const point = chart.getDatasetMeta(0).data[0];
            chart.tooltip.setActiveElements([{ datasetIndex: 0, index: 0 }], { x: point.x, y: point.y });
            chart.update();
            return { lines: chart.tooltip.body.flatMap((item) => item.lines), title: chart.options.scales.y.title.text };
        }""",
        selector,
    )
    assert line["lines"] == [f"Messwerte: 1.234,5{NBSP}Personen/Tag"]
    assert line["title"] == "Personen/Tag"
