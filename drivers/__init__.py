"""Drivers: how the gate's scenarios reach a Caspen QuickBooks integration.

:mod:`drivers.protocol` is the seam (``CaspenDriver``, ``DriverError``, the capabilities);
:mod:`drivers.model` its values. Implementations: :mod:`drivers.reference` (``sync_client`` in-process,
the default), :mod:`drivers.http` (any integration behind the HTTP protocol; :mod:`drivers.server`
serves the reference one that way), or your own class (:mod:`drivers.loader`).
"""
