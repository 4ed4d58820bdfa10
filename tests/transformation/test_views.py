from datetime import date, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from transformation import services
from transformation.models import BusinessCase, CostLine


def t_url(world, name, **kwargs):
    if name == "transformation":
        return reverse("programmes:transformation", kwargs=world.programme.url_kwargs)
    return reverse(f"programmes:transformation:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


def test_start_page_keeps_the_hub_name(world, client_as, case):
    response = client_as("stakeholder").get(t_url(world, "transformation"))
    assert response.status_code == HTTPStatus.OK
    assert "Parkleitsystem" in response.content.decode()


def test_detail_shows_scenarios_side_by_side_and_chart_data(world, client_as, case):
    response = client_as("member").get(t_url(world, "case_detail", pk=case.pk))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "41.403,79" in html or "41,403.79" in html
    assert 'id="cashflow-chart-data"' in html and "style=" not in html.split("<main", 1)[-1]


def test_create_case_with_percent_rate(world, client_as, measure):
    response = client_as("member").post(
        t_url(world, "case_create"),
        {
            "measure": measure.pk,
            "title": "",
            "horizon_years": 5,
            "discount_rate": "2",
            "price_basis_year": 2026,
            "cost_factor_pessimistic": "1.2",
            "cost_factor_base": "1",
            "cost_factor_optimistic": "0.9",
            "benefit_factor_pessimistic": "0.8",
            "benefit_factor_base": "1",
            "benefit_factor_optimistic": "1.1",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    case = BusinessCase.objects.get()
    assert case.discount_rate == Decimal("0.02") and case.title == "Parkleitsystem"


def test_rate_out_of_range_is_a_field_error(world, client_as, case):
    response = client_as("member").post(
        t_url(world, "case_edit", pk=case.pk),
        {"title": "x", "horizon_years": 20, "discount_rate": "31", "price_basis_year": 2026},
    )
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "discount_rate" in form.errors and "horizon_years" in form.errors


def test_line_beyond_horizon_and_non_numeric_amount(world, client_as, case):
    client = client_as("member")
    response = client.post(
        t_url(world, "line_create", pk=case.pk, side="cost"),
        {"label": "x", "kind": "running", "category": "staff", "year": 9, "amount": "12"},
    )
    assert "year" in response.context["form"].errors
    response = client.post(
        t_url(world, "line_create", pk=case.pk, side="cost"),
        {"label": "x", "kind": "running", "category": "staff", "year": 1, "amount": "zwölf"},
    )
    assert "amount" in response.context["form"].errors
    client.post(
        t_url(world, "line_create", pk=case.pk, side="cost"),
        {"label": "Lizenz", "kind": "running", "category": "licences", "year": 1, "amount": "1200"},
    )
    assert CostLine.objects.filter(case=case, label="Lizenz").exists()


def test_approve_then_edit_shows_message_and_new_version(world, client_as, case):
    services.business_case_update(case=case, recommendation="go", recommendation_reason="positiv")
    assert client_as("member").post(t_url(world, "case_approve", pk=case.pk)).status_code == 403
    client = client_as("lead")
    client.post(t_url(world, "case_approve", pk=case.pk))
    case.refresh_from_db()
    assert case.is_approved
    response = client.get(t_url(world, "line_create", pk=case.pk, side="cost"), follow=True)
    assert (
        "new draft version" in response.content.decode().lower()
        or "neue" in response.content.decode().lower()
    )
    response = client.post(t_url(world, "case_new_version", pk=case.pk))
    draft = BusinessCase.objects.get(previous=case)
    assert response.url == t_url(world, "case_detail", pk=draft.pk)


def test_xlsx_export_values_and_neutralised_cells(world, client_as, case):
    services.line_add(
        case=case, side="cost", kind="running", year=1, amount=Decimal("1"), label="=HYPERLINK(1)"
    )
    response = client_as("stakeholder").get(t_url(world, "case_xlsx", pk=case.pk))
    assert response.status_code == HTTPStatus.OK
    from io import BytesIO

    workbook = load_workbook(BytesIO(response.content))
    figures = workbook.worksheets[0]
    values = {row[0]: row[1:] for row in figures.iter_rows(values_only=True) if row and row[0]}
    npv_row = next(v for k, v in values.items() if "NPV" in str(k) or "Kapitalwert" in str(k))
    assert npv_row[1] == pytest.approx(41403.79 - 0.98, abs=0.01)  # base scenario minus the 1 € line
    inputs = workbook.worksheets[2]
    labels = [row[1] for row in inputs.iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in labels


def test_print_page(world, client_as, case):
    assert client_as("stakeholder").get(t_url(world, "case_print", pk=case.pk)).status_code == HTTPStatus.OK


def test_plan_page_quick_wins_first_and_warning(world, client_as, measure):
    services.measure_start_implementation(measure=measure)
    today = date.today()
    services.milestone_create(
        measure=measure, title="Ausschreibung", start=today, due=today + timedelta(days=200)
    )
    client = client_as("stakeholder")
    html = client.get(t_url(world, "plan", measure=measure.pk)).content.decode()
    assert 'id="quick-win-warning"' in html
    services.milestone_create(
        measure=measure, title="Erste Schilder", start=today, due=today + timedelta(days=30), quick_win=True
    )
    services.milestone_create(
        measure=measure,
        title="Altlast",
        start=today - timedelta(days=20),
        due=today - timedelta(days=1),
        status="blocked",
    )
    html = client.get(t_url(world, "plan", measure=measure.pk)).content.decode()
    assert 'id="quick-win-warning"' not in html
    assert html.index("Erste Schilder") < html.index("Ausschreibung")
    assert "style=" not in html.split("<main", 1)[-1]
    timeline = client.get(t_url(world, "timeline")).content.decode()
    assert "Erste Schilder" in timeline and "tl-w-" in timeline


def test_plan_milestone_form(world, client_as, measure):
    services.measure_start_implementation(measure=measure)
    response = client_as("member").post(
        t_url(world, "milestone_create", measure=measure.pk),
        {
            "title": "Pilot",
            "start": "2026-01-01",
            "due": "2026-02-01",
            "status": "planned",
            "quick_win": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert measure.milestones.get().quick_win


def test_pdf_export_or_hidden_link(world, client_as, case):
    from transformation import exporters

    client = client_as("stakeholder")
    detail = client.get(t_url(world, "case_detail", pk=case.pk)).content.decode()
    pdf_url = t_url(world, "case_pdf", pk=case.pk)
    if exporters.pdf_available():
        assert pdf_url in detail
        response = client.get(pdf_url)
        assert response.status_code == HTTPStatus.OK and response.content.startswith(b"%PDF")
    else:
        assert pdf_url not in detail
        assert client.get(pdf_url).status_code == HTTPStatus.NOT_FOUND


def test_pdf_link_hidden_when_weasyprint_is_missing(world, client_as, case, monkeypatch):
    from transformation import exporters

    monkeypatch.setattr(exporters, "_weasyprint", lambda: None)
    client = client_as("stakeholder")
    pdf_url = t_url(world, "case_pdf", pk=case.pk)
    assert pdf_url not in client.get(t_url(world, "case_detail", pk=case.pk)).content.decode()
    assert client.get(pdf_url).status_code == HTTPStatus.NOT_FOUND


def test_take_over_button_creates_lines(world, client_as, measure):
    from concept import services as concept_services

    concept_services.feasibility_update(measure=measure, running_costs_per_year=Decimal("5000"))
    case = services.business_case_create(programme=world.programme, measure=measure, horizon_years=2)
    response = client_as("member").post(t_url(world, "case_take_over", pk=case.pk), follow=True)
    assert response.status_code == HTTPStatus.OK
    assert case.cost_lines.count() == 3


def test_negative_npv_go_without_appraisal_is_a_field_error(world, client_as, measure):
    case = services.business_case_create(programme=world.programme, measure=measure)
    services.line_add(case=case, side="cost", kind="investment", year=0, amount=Decimal("1000"), label="x")
    response = client_as("member").post(
        t_url(world, "case_recommendation", pk=case.pk), {"recommendation": "go", "recommendation_reason": ""}
    )
    assert response.status_code == HTTPStatus.OK
    assert {"recommendation", "recommendation_reason"} <= set(response.context["form"].errors)


def test_case_actions_show_why_they_were_refused_and_stay_on_the_case(world, client_as, case):
    client = client_as("lead")
    detail = t_url(world, "case_detail", pk=case.pk)
    response = client.post(t_url(world, "criterion_add", pk=case.pk), {"name": "", "weight": "x"})
    assert response.url == detail and not case.criteria.exists()
    assert "Das Kriterium wurde nicht gespeichert" in client.get(detail).content.decode()

    response = client.post(t_url(world, "case_new_version", pk=case.pk))  # a draft has no new version
    assert response.url == detail and not BusinessCase.objects.filter(previous=case).exists()
    assert "Dieser ist noch ein Entwurf" in client.get(detail).content.decode()
