"""The step library QA writes features with: Caspen's and an accountant's language, never HTTP or JSON.

Each step is one or two calls to the driver protocol (:class:`drivers.protocol.CaspenDriver`, Caspen's
side) or the simulator's control handle (:class:`simulator.testing.SimulatorHandle`, QuickBooks' side);
nothing here imports ``sync_client``. ``qbo-sim steps`` lists them.
"""

#: the step library, in reading order: what a gate run registers (``-p steps.library``)
STEP_MODULES = ("steps.world", "steps.connection", "steps.invoices", "steps.quickbooks", "steps.status_card",
                "steps.tax", "steps.payments", "steps.technical")
