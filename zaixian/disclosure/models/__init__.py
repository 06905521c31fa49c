"""The models of open government information: reference data and the page types."""

from zaixian.disclosure.models.pages import (
    DisclosureAttachment,
    DisclosureCataloguePage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    PolicyInterpretationLink,
)
from zaixian.disclosure.models.reference import DisclosureCategory, IndexNumberSequence
from zaixian.disclosure.models.requests import AnnualReportFigures, DisclosureRequest

__all__ = [
    "AnnualReportFigures",
    "DisclosureAttachment",
    "DisclosureCataloguePage",
    "DisclosureCategory",
    "DisclosureGuidePage",
    "DisclosureIndexPage",
    "DisclosureItemPage",
    "DisclosureRequest",
    "IndexNumberSequence",
    "PolicyInterpretationLink",
]
