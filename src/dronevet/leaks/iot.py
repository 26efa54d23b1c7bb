"""Cleartext IoT and telemetry protocols, recognised by port and first bytes.

- MQTT (OASIS MQTT 3.1.1 and 5.0): TCP 1883 (8883 is MQTT over TLS, not cleartext); a
  connection opens with CONNECT: `0x10, remaining length (varint), 00 04 "MQTT"` (3.1:
  `00 06 "MQIsdp"`).
- CoAP (RFC 7252): UDP 5683, `version 1` in the top two bits of the first byte.
- MAVLink (drone telemetry, mavlink.io): UDP 14550/14540, frames start 0xFE (v1) or 0xFD (v2).
- AMQP 0-9-1 / 1.0: TCP 5672, `"AMQP"` first.
Each gives the protocol's name for a flow's `protocols` and a finding: its data are not
encrypted on the way.
"""

from __future__ import annotations

MQTT_PORTS = frozenset({1883})
MAVLINK_PORTS = frozenset({14550, 14540})


def tcp_protocol(port: int, start: bytes) -> str | None:
    """The cleartext protocol a TCP client's first bytes speak to server port `port`."""
    if len(start) >= 8 and start[0] == 0x10:
        for at in range(2, 6):
            if start[at : at + 6] in (b"\x00\x04MQTT", b"\x00\x06MQIsd"):
                return "mqtt"
    if start.startswith(b"AMQP"):
        return "amqp"
    if port in MQTT_PORTS and start:
        return "mqtt"
    return None


def udp_protocol(ports: tuple[int, int], payload: bytes) -> str | None:
    """The cleartext protocol of a UDP datagram between `ports`."""
    if 5683 in ports and payload and payload[0] >> 6 == 1:
        return "coap"
    mavlink = ports[0] in MAVLINK_PORTS or ports[1] in MAVLINK_PORTS
    if mavlink and payload[:1] in (b"\xfe", b"\xfd"):
        return "mavlink"
    return None
