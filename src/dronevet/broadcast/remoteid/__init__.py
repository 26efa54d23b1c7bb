"""ASTM F3411 / ASD-STAN Remote ID: one module per message type and per transport."""
