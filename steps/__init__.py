"""The step library QA writes features with: Caspen's and an accountant's language, never HTTP or JSON.

Each step is one or two calls to the sync client facade (:class:`sync_client.CaspenAccount`) or the
simulator's control handle (:class:`simulator.testing.SimulatorHandle`). ``qbo-sim steps`` lists them.
"""
