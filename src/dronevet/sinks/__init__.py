"""Where detections go besides standard output: network sinks at the edge (MQTT; CoT later).

The core decodes and decides; these modules only publish, so nothing in `broadcast` opens
a network connection.
"""
