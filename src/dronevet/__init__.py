"""dronevet: vet drones for government use.

Who controls a drone, what it leaks, and whether a policy lets an agency buy, fly or
fund it on a given date for a given mission. The public Python API re-exports the
functions the CLI calls; import the submodules for the rest.
"""

from __future__ import annotations

__version__ = "0.1.0"
