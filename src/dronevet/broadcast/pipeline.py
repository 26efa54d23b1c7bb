"""From captured frames to detections: link layer, transport, message decoder, one frame at a time.

This is the streaming path used for every capture format, for live interfaces and for
frames the batch path (`dronevet.broadcast.fastpath`) hands back. A link-layer reader is
chosen by the packet's link type from `LINK_LAYERS`; the transports it calls lift out
`BroadcastPayload`s; each payload is decoded into messages. Whatever cannot be read is
counted in `StreamDecoder.skipped` by reason with its frame numbers; the frame's other
payloads, and every other frame, still decode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dronevet.broadcast import fr_beacon
from dronevet.broadcast.detection import Detection
from dronevet.broadcast.dji import wifi as dji_wifi
from dronevet.broadcast.payload import DJI, FRANCE, BroadcastPayload
from dronevet.broadcast.remoteid import decode as remoteid
from dronevet.broadcast.remoteid import (
    transport_bluetooth,
    transport_wifi_beacon,
    transport_wifi_nan,
)
from dronevet.capture import ble, ieee80211, linktypes, ppi, radiotap
from dronevet.capture.packets import LinkLayerError, Packet, SkipTally
from dronevet.errors import DronevetError

BroadcastMessage = (
    remoteid.RemoteIdMessage | dji_wifi.DjiFlightInfo | dji_wifi.DjiFlightPurpose
    | fr_beacon.FrBeacon
)  # fmt: skip


def message_fields(message: BroadcastMessage) -> dict[str, Any]:
    """A decoded message's fields under the contract's keys (`msg_type` first)."""
    if isinstance(message, dji_wifi.DjiFlightInfo | dji_wifi.DjiFlightPurpose):
        return dji_wifi.dji_record(message)
    if isinstance(message, fr_beacon.FrBeacon):
        return message.record()
    return remoteid.message_record(message)


def _wifi(frame: bytes) -> Iterator[BroadcastPayload]:
    management = ieee80211.parse_management(frame)
    if management is None:
        return
    yield from transport_wifi_beacon.payloads(management)
    yield from transport_wifi_nan.payloads(management)


def _radiotap(data: bytes) -> Iterator[BroadcastPayload]:
    return _wifi(radiotap.strip(data))


def _ppi(data: bytes) -> Iterator[BroadcastPayload]:
    inner, frame = ppi.strip(data)
    if inner == linktypes.IEEE802_11:
        return _wifi(frame)
    if inner == linktypes.IEEE802_11_RADIOTAP:
        return _radiotap(frame)
    raise LinkLayerError(f"PPI carries {linktypes.name(inner)}, not 802.11")


def _bluetooth(linktype: int) -> Callable[[bytes], Iterator[BroadcastPayload]]:
    def read(data: bytes) -> Iterator[BroadcastPayload]:
        advertisement = ble.advertisement(linktype, data)
        if advertisement is not None:
            yield from transport_bluetooth.payloads(advertisement)

    return read


LINK_LAYERS: dict[int, Callable[[bytes], Iterator[BroadcastPayload]]] = {
    linktypes.IEEE802_11: _wifi,
    linktypes.IEEE802_11_RADIOTAP: _radiotap,
    linktypes.PPI: _ppi,
    linktypes.BLUETOOTH_LE_LL: _bluetooth(linktypes.BLUETOOTH_LE_LL),
    linktypes.BLUETOOTH_LE_LL_WITH_PHDR: _bluetooth(linktypes.BLUETOOTH_LE_LL_WITH_PHDR),
    linktypes.NORDIC_BLE: _bluetooth(linktypes.NORDIC_BLE),
}
"""Link type -> reader yielding the broadcast payloads in one frame."""


def payloads(packet: Packet) -> Iterator[BroadcastPayload]:
    """The broadcast payloads in a packet; `LinkLayerError` for an unreadable frame."""
    reader = LINK_LAYERS.get(packet.linktype)
    if reader is None:
        raise LinkLayerError(f"link type {linktypes.name(packet.linktype)} not supported")
    return reader(packet.data)


def decode_broadcast(payload: BroadcastPayload, errors: list[DronevetError]) -> list[Any]:
    """Messages in one payload; bad messages inside a pack go to `errors`."""
    if payload.protocol == DJI:
        return [dji_wifi.decode_dji_ie(payload.data)]
    if payload.protocol == FRANCE:
        return [fr_beacon.decode_fr_beacon(payload.data)]
    message_errors: list[remoteid.MessageError] = []
    messages = remoteid.decode_payload(payload.data, errors=message_errors)
    errors.extend(message_errors)
    return list(messages)


@dataclass(slots=True)
class StreamDecoder:
    """Turns packets into detections, one at a time, keeping counts of what it saw and skipped."""

    frames: int = 0
    frames_with_broadcast: int = 0
    detections: int = 0
    skipped: SkipTally = field(default_factory=SkipTally)

    def packet(self, packet: Packet) -> list[Detection]:
        """The detections in one packet; problems are counted, never raised."""
        self.frames += 1
        found: list[Detection] = []
        carried = False
        try:
            for payload in payloads(packet):
                carried = True
                found.extend(self._decode(packet, payload))
        except LinkLayerError as error:
            self.skipped.add(error.message, packet.number)
        if carried:
            self.frames_with_broadcast += 1
        self.detections += len(found)
        return found

    def _decode(self, packet: Packet, payload: BroadcastPayload) -> list[Detection]:
        errors: list[DronevetError] = []
        try:
            messages = decode_broadcast(payload, errors)
        except DronevetError as failure:
            self.skipped.add(f"{payload.transport}: {failure.message}", packet.number)
            return []
        for error in errors:
            self.skipped.add(f"{payload.transport}: {error.message}", packet.number)
        if not messages and not errors:
            self.skipped.add(f"{payload.transport}: empty message pack", packet.number)
        return [
            Detection.of(packet.time_ns, payload.protocol, payload.transport, payload.mac,
                         packet.number, message_fields(message))
            for message in messages
        ]  # fmt: skip

    def run(self, packets: Iterable[Packet]) -> Iterator[Detection]:
        """Every detection in a stream of packets, in frame order."""
        for packet in packets:
            yield from self.packet(packet)
