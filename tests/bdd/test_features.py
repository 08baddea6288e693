"""Binds every ``.feature`` under ``features/`` (or ``$QBO_SIM_FEATURES``) as pytest tests."""

import os
from pathlib import Path

from pytest_bdd import scenarios

FEATURES = Path(os.environ.get("QBO_SIM_FEATURES") or Path(__file__).resolve().parents[2] / "features")

scenarios(str(FEATURES))
