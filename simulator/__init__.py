"""A faithful QuickBooks Online Accounting API v3 + OAuth 2.0 simulator.

``create_app()`` builds an independent simulator (a Flask app); ``LiveServer`` serves it over
real HTTP; ``simulator.testing.SimulatorHandle`` drives its control API from tests and steps.
"""

from simulator.app import create_app
from simulator.server import LiveServer

__all__ = ["create_app", "LiveServer"]
