"""The device under test: told apart by MAC address where the capture has real ones; with
none (raw IP from PCAPdroid or a tunnel, or PCAPdroid's zeroed Ethernet trailer) every local
address that reached the internet is the device's, and the report says so."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from dronevet import api
from dronevet.capture import linktypes
from dronevet.leaks import synth
from dronevet.leaks.report import LeakReport

PHONE, OTHER = synth.PHONE, synth.OTHER


def _report(path: Path, device: str | None = None) -> LeakReport:
    return api.analyze_capture(path, device=device, as_of="2026-12-01")


def test_ethernet_mac_addresses_join_the_phone_s_ipv4_and_ipv6_and_leave_the_other_out(
        tmp_path: Path) -> None:
    report = _report(synth.write_pcap(tmp_path / "e.pcap", linktypes.ETHERNET, synth.session()))
    assert report.device == tuple(sorted((PHONE, synth.PHONE6)))
    assert any(OTHER in f.text and "left out" in f.text for f in report.findings)


def test_raw_ip_takes_every_local_address_and_says_why(tmp_path: Path) -> None:
    report = _report(synth.write_pcap(tmp_path / "r.pcap", linktypes.RAW, synth.session()))
    assert set(report.device) == {PHONE, synth.PHONE6, OTHER}
    assert any("no MAC addresses" in f.text and "device under test" in f.text
               for f in report.findings)
    narrowed = _report(tmp_path / "r.pcap", device=PHONE)
    assert narrowed.device == (PHONE,)
    assert not any("no MAC addresses" in f.text for f in narrowed.findings)


def test_zeroed_mac_addresses_do_not_make_servers_part_of_the_device(tmp_path: Path) -> None:
    zero = bytes(6)
    frames = [dataclasses.replace(f, source_mac=zero, destination_mac=zero)
              for f in synth.session()]
    report = _report(synth.write_pcap(tmp_path / "z.pcap", linktypes.ETHERNET, frames))
    assert set(report.device) == {PHONE, synth.PHONE6, OTHER}
    assert all(d.mac is None for d in report.devices)
    assert report.destinations
    assert not set(report.device) & {a for d in report.destinations for a in d.addresses}
