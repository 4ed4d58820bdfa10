"""Every page of the feature URL modules is named in the permission matrix tests that sit beside its other tests.

The hub and the Transformation app check their core pages against one matrix each
(tests/programmes/test_permissions.py, tests/transformation/test_permissions.py). The feature modules below
keep their matrices in their own test files; this test makes sure a new page there cannot be added without
naming it in a ``check_matrix`` test of those files.
"""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern

from programmes import urls_workshops
from transformation import urls_dashboards, urls_imports, urls_kpis, urls_reports, urls_trail

TESTS = Path(__file__).parent

# URL module → the test files that hold its permission matrices
MATRIX_FILES = {
    urls_workshops: ["programmes/test_workshop_views.py"],
    urls_kpis: ["transformation/test_kpi_views.py"],
    urls_imports: ["transformation/test_import_views.py"],
    urls_reports: ["transformation/test_report_views.py"],
    urls_dashboards: ["transformation/test_dashboards.py"],
    urls_trail: ["transformation/test_trail.py"],
}
EXTENSION_URLS = [module for module in MATRIX_FILES if module.__name__.startswith("transformation.")]


@pytest.mark.parametrize("module", list(MATRIX_FILES), ids=lambda module: module.__name__)
def test_every_feature_page_is_named_in_a_permission_matrix(module):
    sources = [(TESTS / name).read_text() for name in MATRIX_FILES[module]]
    assert all("check_matrix(" in source for source in sources)
    names = [pattern.name for pattern in module.patterns if isinstance(pattern, URLPattern)]
    unnamed = [
        name for name in names if not any(re.search(rf"[\"']{name}[\"']", source) for source in sources)
    ]
    assert not unnamed, f"pages of {module.__name__} without a permission matrix test: {unnamed}"
