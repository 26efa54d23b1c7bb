"""Airspace awareness: detections from a network of sensors (over MQTT or from files) stored
once each, fused into tracks, joined with the fleet register, flight authorisations and
protected zones, and the alerts that follow (`messages`, `ingest`, `detection_store`,
`tracks`, `zones`, `authorisations`, `correlation`, `alerts`, `delivery`)."""
