"""The cases of Caspen's support article on QuickBooks sync errors, as the gate checks them.

Mirrors ``shared/reference/article-cases.md`` (a test keeps the two in step). Each scenario proves a
case by carrying the tag ``@article:<id>``; the gate fails a release when a case has none passing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ArticleCase", "ARTICLE_CASES", "CASPEN_CARD_TITLES", "SYNCED_TITLE", "TAG_PREFIX", "case_ids", "marker_name"]

#: the card title of a document QuickBooks accepted (the scenarios' "shows \"Synced\"")
SYNCED_TITLE = "Synced"
#: cards Caspen shows that the article does not list (Caspen's own decisions, docs/sync-client.md)
CASPEN_CARD_TITLES = ("Void failed: payment recorded in QuickBooks",)
TAG_PREFIX = "article:"


@dataclass(frozen=True)
class ArticleCase:
    id: str
    card_title: str  # verbatim UI string; "" where the article says no card
    cause: str


ARTICLE_CASES: tuple[ArticleCase, ...] = (
    ArticleCase("required-param-missing", "Create failed: Required param missing",
                "a finalized invoice with no line items is pushed (ValidationFault 2020)"),
    ArticleCase("historical-invoice", "Update failed: Historical invoice",
                "the invoice predates the connection; a change would be an update; no request reaches QuickBooks"),
    ArticleCase("invalid-refresh-token", "Invalid refresh token",
                "the connection expired or was revoked: the token endpoint answers invalid_grant"),
    ArticleCase("duplicate-document-number", "Duplicate document number",
                "QuickBooks already holds a document with the same number (ValidationFault 6140)"),
    ArticleCase("tax-business-validation", "Business validation error (tax)",
                "a line's tax rate is unlinked, or its QuickBooks code is missing or inactive (ValidationFault 6000)"),
    ArticleCase("voided-invoice", "", "the invoice was voided in Caspen; the void is sent and no card is shown"),
    ArticleCase("unlisted-error", "the exact QuickBooks error text",
                "any other QuickBooks fault; the card shows its exact text and what support needs"),
)


def case_ids() -> list[str]:
    return [case.id for case in ARTICLE_CASES]


def marker_for_tag(tag: str) -> str:
    """The pytest marker a Gherkin tag becomes: ``smoke`` → ``smoke``, ``region-au`` → ``region_au``."""
    return re.sub(r"\W", "_", tag)


def marker_name(case_id: str) -> str:
    """The pytest marker a ``@article:<id>`` tag becomes (markers cannot contain ':' or '-')."""
    return "article_" + case_id.replace("-", "_")
