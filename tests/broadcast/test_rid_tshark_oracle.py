"""Every shared capture checked against tshark as an independent reader.

tshark says, frame by frame, which frames carry a Remote ID payload (beacon vendor
element OUI FA:0B:BC type 13, NAN Service Descriptor with service id
88:69:19:9d:92:09, Bluetooth service data UUID 0xFFFA with a good CRC), the source
address, the capture time and the payload bytes. dronevet's transports must find the
same frames and lift out the same bytes.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from dronevet.broadcast.pipeline import payloads
from dronevet.capture.files import open_capture
from dronevet.capture.packets import LinkLayerError
from shared_files import require_tool, shared_path

FIELDS = (
    "frame.number", "frame.time_epoch", "wlan.sa", "wlan.tag.oui", "wlan.tag.vendor.oui.type",
    "wlan.tag.vendor.data", "nan.service_id", "nan.sda.service_info",
    "btle.advertising_address", "btcommon.eir_ad.entry.uuid_16",
    "btcommon.eir_ad.entry.service_data", "nordic_ble.crcok",
)  # fmt: skip
ODID_OUI = str(0xFA0BBC)


def _tshark(path: Path) -> list[dict[str, str]]:
    tshark = require_tool("tshark")
    command = [tshark, "-r", str(path), "-T", "fields", "-E", "separator=|", "-E", "occurrence=a"]
    for name in FIELDS:
        command += ["-e", name]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [dict(zip(FIELDS, line.split("|"), strict=True)) for line in out.splitlines()]


def _bytes(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", "").replace("-", ""))


def _expected(row: dict[str, str]) -> list[tuple[str, str, bytes]]:
    """(transport, mac, bytes after the counter) that tshark shows in one frame."""
    found = []
    ouis = row["wlan.tag.oui"].split(",") if row["wlan.tag.oui"] else []
    types = row["wlan.tag.vendor.oui.type"].split(",")
    datas = row["wlan.tag.vendor.data"].split(",")
    odid = [i for i, oui in enumerate(ouis) if oui == ODID_OUI]
    for index, (kind, data) in enumerate(zip(types, datas, strict=False)):
        if index < len(odid) and kind == "13":
            # tshark shows the vendor data from the OUI type (0x0D): type, counter, pack
            found.append(("wifi-beacon", row["wlan.sa"], _bytes(data)[2:]))
    if "88:69:19:9d:92:09" in row["nan.service_id"] and row["nan.sda.service_info"]:
        found.append(("wifi-nan", row["wlan.sa"], _bytes(row["nan.sda.service_info"])[1:]))
    if row["btcommon.eir_ad.entry.uuid_16"] == "0xfffa" and row["nordic_ble.crcok"] == "1":
        data = _bytes(row["btcommon.eir_ad.entry.service_data"])
        assert data[0] == 0x0D, "application code"
        found.append(("bt-extended", row["btle.advertising_address"], data[2:]))
    return found


@pytest.mark.parametrize(
    "name",
    ["odid_wifi_bcn_sample.pcap", "odid_wifi_sample.pcap", "odid_bt5_lr_sample.pcapng"],
)
def test_payload_frames_addresses_times_and_bytes_match_tshark(name: str) -> None:
    path = shared_path(f"captures/remoteid/{name}")
    rows = _tshark(path)
    packets = list(open_capture(path))
    assert len(packets) == len(rows)
    carrying = 0
    for packet, row in zip(packets, rows, strict=True):
        assert packet.number == int(row["frame.number"])
        assert packet.time_ns == int(Decimal(row["frame.time_epoch"]) * 10**9)
        try:
            ours = [(p.transport, p.mac, p.data) for p in payloads(packet)]
        except LinkLayerError:
            ours = []
        assert ours == _expected(row), f"frame {packet.number}"
        carrying += bool(ours)
    assert carrying > 0


def test_bt5_sample_frames_with_bad_crc_are_the_ones_tshark_flags() -> None:
    path = shared_path("captures/remoteid/odid_bt5_lr_sample.pcapng")
    bad = {int(row["frame.number"]) for row in _tshark(path) if row["nordic_ble.crcok"] != "1"}
    rejected = set()
    for packet in open_capture(path):
        try:
            list(payloads(packet))
        except LinkLayerError as error:
            assert "CRC" in error.message
            rejected.add(packet.number)
    assert rejected == bad and bad
