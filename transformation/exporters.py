"""Business case exports: XLSX (figures as values) and PDF from the printable page when WeasyPrint works."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from . import finance, selectors
from .models import BusinessCase

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Neutralise text a spreadsheet would run as a formula (CSV/XLSX injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _number(value):
    return None if value is None else float(value)


def business_case_xlsx(case: BusinessCase) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)

    sheet = workbook.active
    sheet.title = _("Figures")[:31]
    sheet.append(
        [safe(case.title), safe(_("version %(v)s") % {"v": case.version}), case.get_status_display()]
    )
    sheet.append([_("Horizon (years)"), case.horizon_years])
    sheet.append([_("Discount rate"), float(case.discount_rate)])
    sheet.append([_("Price basis (year)"), case.price_basis_year])
    sheet.append([_("Recommendation"), case.get_recommendation_display(), safe(case.recommendation_reason)])
    sheet.append([])
    results = selectors.case_figures(case)
    header = [_("Figure"), *[result.label for result in results.values()]]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    rows = [
        (_("Cost factor"), lambda r: float(r.cost_factor)),
        (_("Benefit factor"), lambda r: float(r.benefit_factor)),
        (_("NPV (EUR)"), lambda r: float(finance.cents(r.figures.npv))),
        (_("ROI"), lambda r: _number(r.figures.roi)),
        (_("Static payback (years)"), lambda r: _number(r.figures.payback_static_years)),
        (_("Dynamic payback (years)"), lambda r: _number(r.figures.payback_dynamic_years)),
        (_("Benefit–cost ratio"), lambda r: _number(r.figures.benefit_cost_ratio)),
        (_("Funding share"), lambda r: _number(r.funding_share)),
    ]
    for label, get in rows:
        sheet.append([label, *[get(result) for result in results.values()]])
    sheet.append([])
    sheet.append([_("Non-monetary appraisal (points 0–100)")])
    for key, label in case.criteria.model.Catalogue.choices:
        sheet.append([str(label), _number(selectors.appraisal_points(case)[key])])

    years = workbook.create_sheet(_("Per year")[:31])
    costs, benefits, funding = selectors.yearly_series(case)
    cumulative = results["base"].figures.cumulative
    years.append(
        [
            _("t"),
            _("Year"),
            _("Costs"),
            _("Benefits"),
            _("Net"),
            _("Funding"),
            _("Cumulative discounted (base)"),
        ]
    )
    for cell in years[1]:
        cell.font = bold
    for t in range(case.horizon_years + 1):
        years.append(
            [
                t,
                case.price_basis_year + t,
                float(costs[t]),
                float(benefits[t]),
                float(benefits[t] - costs[t]),
                float(funding[t]),
                float(finance.cents(cumulative[t])),
            ]
        )

    inputs = workbook.create_sheet(_("Inputs")[:31])
    inputs.append(
        [
            _("Type"),
            _("Label"),
            _("Kind"),
            _("Category"),
            _("Year (t)"),
            _("Amount (EUR)"),
            _("Source or assumption"),
        ]
    )
    for cell in inputs[1]:
        cell.font = bold
    for line in case.cost_lines.all():
        inputs.append(
            [
                _("cost"),
                safe(line.label),
                line.get_kind_display(),
                line.get_category_display(),
                line.year,
                float(line.amount),
                safe(line.note),
            ]
        )
    for line in case.benefit_lines.all():
        inputs.append(
            [
                _("benefit"),
                safe(line.label),
                line.get_kind_display(),
                "",
                line.year,
                float(line.amount),
                safe(line.note),
            ]
        )
    for line in case.funding_lines.all():
        inputs.append(
            [_("funding"), safe(line.label), "", "", line.year, float(line.amount), safe(line.note)]
        )
    for criterion in case.criteria.all():
        inputs.append(
            [
                _("appraisal"),
                safe(criterion.name),
                criterion.get_catalogue_display(),
                "",
                None,
                None,
                f"{criterion.weight} × {criterion.score}",
            ]
        )

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError):
        return None
    return weasyprint


def pdf_available() -> bool:
    return _weasyprint() is not None


def html_to_pdf(html: str) -> bytes:
    """Render the printable page. No base URL: WeasyPrint fetches nothing over the network (the tables and text
    carry the content; the page's own print CSS does not apply)."""
    return _weasyprint().HTML(string=html).write_pdf()
