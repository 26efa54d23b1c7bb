"""Who is flying: a broadcast's serial number or DroneID product type, through the knowledge
base, to the maker, the model and whether the maker is covered."""

from __future__ import annotations

from datetime import date

import pytest

from dronevet.broadcast.identity import identify, judged, parse_serial, track_identity
from dronevet.knowledge.loader import load_builtin
from dronevet.screening.model import CoveredStatus

DAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("serial", "parsed"),
    [
        ("1581F6N8A23B2ML3Y3KR", ("1581", "6N8A23B2ML3Y3KR")),  # DJI's example form
        ("15965ABCDE", ("1596", "ABCDE")),  # length code 5
        ("MFR1C123456789ABC", ("MFR1", "123456789ABC")),  # the help page's example, C = 12
        ("MFG1A0123456789", ("MFG1", "0123456789")),  # the shared capture's test serial
    ],
)
def test_an_ansi_cta_2063_a_serial_splits_into_maker_code_and_serial(serial, parsed) -> None:
    assert parse_serial(serial) == parsed


@pytest.mark.parametrize(
    "serial",
    ["SSEVTFG93700070", "1581", "1581G123", "15815ABCDEF", "1581O12345"],
)
def test_text_not_in_the_serial_form_is_not_parsed(serial: str) -> None:
    # Length code not matching, a length code past F, too short, or the letters O and I.
    assert parse_serial(serial) is None


def test_a_dji_serial_names_dji_and_dji_is_covered() -> None:
    kb = load_builtin()
    found = judged(kb, identify(kb, uas_ids=("1581F6N8A23B2ML3Y3KR",),
                                id_type="serial_number"), DAY)
    assert found.manufacturer == "dji"
    assert "manufacturer code 1581" in found.basis
    assert found.covered_status is CoveredStatus.covered
    assert found.sources and found.sources[0].verified


def test_a_maker_code_the_knowledge_base_cannot_attribute_stays_unknown() -> None:
    kb = load_builtin()
    found = identify(kb, uas_ids=("1748F6N8A23B2ML3Y3KR",), id_type="serial_number")
    assert found.manufacturer is None and "1748" in found.basis


def test_a_registration_number_does_not_name_the_maker() -> None:
    kb = load_builtin()
    found = identify(kb, uas_ids=("FIN87astrdge12k8",), id_type="caa_registration_id")
    assert found.manufacturer is None and "caa registration id" in found.basis


def test_dji_droneid_names_dji_and_the_product_its_type_code_names() -> None:
    kb = load_builtin()
    m300 = identify(kb, dji_serial="1ZNBJ2B00C00AB", dji_product_type=60)
    assert (m300.manufacturer, m300.product_id) == ("dji", "dji-matrice-300-rtk")
    # Mavic Air 2 (58, the shared recording's drone) is not a product of the knowledge base:
    # the model is named from DJI's type table, with no product record behind it.
    air2 = identify(kb, dji_serial="3YTBJ7R0030RH7", dji_product_type=58)
    assert (air2.manufacturer, air2.product_id, air2.product_name) == ("dji", None, "Mavic Air 2")


def test_a_track_summary_gains_identity_and_covered_status() -> None:
    kb = load_builtin()
    summary = {"key": "1581F6N8A23B2ML3Y3KR", "uas_ids": ["1581F6N8A23B2ML3Y3KR"],
               "id_type": "serial_number", "last_seen": "2026-03-02T10:00:00+00:00"}
    row = track_identity(kb, summary)
    assert row["identity"]["manufacturer"] == {"entity_id": "dji",
                                               "name": "SZ DJI Technology Co., Ltd."}
    assert row["covered_status"] == "covered"


def test_an_id_of_serial_form_under_no_declared_type_is_noted_not_attributed() -> None:
    # The shared beacon capture's Basic ID declares no ID type; its ID has the serial form.
    kb = load_builtin()
    found = identify(kb, uas_ids=("MFG1A0123456789",), id_type="none")
    assert found.manufacturer is None
    assert "no ID type" in found.basis and "MFG1" in found.basis
