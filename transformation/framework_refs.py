"""U4SSC KPI numbers as framework references of a KPI: the format and its validator.

The U4SSC "Collection Methodology for Key Performance Indicators for Smart Sustainable Cities" numbers each
KPI as ``DIMENSION: SUB-DIMENSION: CATEGORY: <n><C|A>``, for example ``EC: ICT: T: 1C`` (Economy, ICT,
Transport, core KPI 1) or ``EC: I: T: 2A`` (Economy, Infrastructure, Transport, advanced KPI 2):

- the dimension is ``EC`` (Economy), ``EN`` (Environment) or ``SC`` (Society and Culture);
- each dimension has its own sub-dimensions: ``EC`` → ``ICT``, ``P`` (Productivity), ``I`` (Infrastructure);
  ``EN`` → ``EN`` (Environment), ``E`` (Energy); ``SC`` → ``EH`` (Education, Health and Culture), ``SH``
  (Safety, Housing and Social Inclusion);
- the category is one to three capital letters (``ICT``, ``T``, ``PS``, ``WS``, ``IN``, ``AQ``, ``PSN``, …);
- the number counts from 1 (no leading zero) and ends in ``C`` (core) or ``A`` (advanced).

Parts are separated by a colon and one space, as in the U4SSC documents.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

SUB_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "EC": ("ICT", "P", "I"),
    "EN": ("EN", "E"),
    "SC": ("EH", "SH"),
}
PATTERN = re.compile(
    r"(?P<dimension>[A-Z]{2}): (?P<sub>[A-Z]{1,3}): (?P<category>[A-Z]{1,3}): [1-9][0-9]?[CA]"
)

FORMAT_MESSAGE = _(
    "Enter a U4SSC KPI number: dimension, sub-dimension, category and number with C (core) or A (advanced), "
    "separated by a colon and a space, for example EC: ICT: T: 1C or EC: I: T: 2A."
)
DIMENSION_MESSAGE = _("“%(dimension)s” is not a U4SSC dimension: use EC, EN or SC.")
SUB_DIMENSION_MESSAGE = _(
    "“%(sub)s” is not a sub-dimension of the U4SSC dimension %(dimension)s: use %(allowed)s."
)


@deconstructible
class FrameworkRefValidator:
    """Accepts a U4SSC KPI number such as ``EC: ICT: ICT: 1C``; the error says which part is wrong."""

    code = "invalid_framework_ref"

    def __call__(self, value) -> None:
        match = PATTERN.fullmatch(str(value or ""))
        if match is None:
            raise ValidationError(FORMAT_MESSAGE, code=self.code)
        dimension, sub = match.group("dimension"), match.group("sub")
        if dimension not in SUB_DIMENSIONS:
            raise ValidationError(DIMENSION_MESSAGE, code=self.code, params={"dimension": dimension})
        allowed = SUB_DIMENSIONS[dimension]
        if sub not in allowed:
            raise ValidationError(
                SUB_DIMENSION_MESSAGE,
                code=self.code,
                params={"sub": sub, "dimension": dimension, "allowed": ", ".join(allowed)},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, FrameworkRefValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_framework_ref = FrameworkRefValidator()
