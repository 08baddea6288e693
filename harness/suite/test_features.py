"""Binds feature files as pytest tests: ``$QBO_SIM_FEATURES`` (files or folders, separated by the OS path
separator, as ``qbo-sim gate PATH ...`` sets it), else the bundled article suite (``harness/features``)."""

import os
from pathlib import Path

from pytest_bdd import scenarios

BUNDLED = Path(__file__).resolve().parents[1] / "features"
FEATURES = [path for path in os.environ.get("QBO_SIM_FEATURES", "").split(os.pathsep) if path] or [str(BUNDLED)]

scenarios(*FEATURES)
