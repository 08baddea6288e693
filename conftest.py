"""Registers the step library and the feature-suite plugin for every pytest run (pytest-bdd needs step
modules registered once, here, not imported from test modules)."""

pytest_plugins = [
    "harness.bdd",
    "steps.world",
    "steps.connection",
    "steps.invoices",
    "steps.quickbooks",
    "steps.status_card",
    "steps.tax",
    "steps.payments",
    "steps.technical",
]
