"""pytest plugin that registers the whole step library and the feature-suite plugins (``-p steps.library``)."""

from steps import STEP_MODULES

pytest_plugins = ["harness.bdd", "harness.capabilities", *STEP_MODULES]
