"""The support article's card titles, copied verbatim from the article (``shared/reference/article-cases.md``,
"Card titles are UI strings: use them verbatim").

Tests compare what a card shows with these literals, never with the product's own ``sync_client.TITLES``:
a typo in the product's table must fail a test. ``tests/harness/test_reports.py`` checks this copy against
the article itself whenever ``shared/`` is beside the checkout (always on CI).
"""

from __future__ import annotations

__all__ = ["ARTICLE_TITLES"]

ARTICLE_TITLES = {
    "required-param-missing": "Create failed: Required param missing",
    "historical-invoice": "Update failed: Historical invoice",
    "invalid-refresh-token": "Invalid refresh token",
    "duplicate-document-number": "Duplicate document number",
    "tax-business-validation": "Business validation error (tax)",
}
