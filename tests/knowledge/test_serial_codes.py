"""The sourced table of ANSI/CTA-2063-A manufacturer codes: each listed code names its maker
through `dronevet.broadcast.identity`, an attribution the table marks unverified says so in
the basis and the sources, and a malformed mark is an error naming the file and the code."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dronevet.broadcast.identity import LENGTH_CODES, identify, judged, track_identity
from dronevet.errors import KnowledgeError
from dronevet.knowledge.loader import KnowledgeBase, data_dir, load_builtin, load_from
from dronevet.knowledge.validate import check_directory
from shared_files import require_module

DAY = date(2026, 12, 3)
# One serial per listed code: the code holder's own example where its document gives one.
# (serial, maker entity, whether the attribution is verified)
CASES = [
    ("1581F6N8A23B2ML3Y3KR", "dji", True),  # DJI MSDK: 1581F + flight-controller serial
    ("1596A0123456789", "dronetag", True),  # 1596, length code A (10)
    ("17269123456789", "auterion", True),  # Auterion's documented example
    ("1871C000000007000", "camflite", False),  # CamFlite's documented example
]
SERIAL_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # digits and capitals without O and I


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_builtin()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    return copy


def _serial_codes(data: Path, text: str) -> None:
    (data / "serial_codes.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("serial", "maker", "verified"), CASES)
def test_each_listed_code_names_its_maker(
    kb: KnowledgeBase, serial: str, maker: str, verified: bool
) -> None:
    found = identify(kb, uas_ids=(serial,), id_type="serial_number")
    assert found.manufacturer == maker
    assert f"manufacturer code {serial[:4]} is {kb.name_of(maker)}'s" in found.basis
    assert [s.verified for s in found.sources] == [verified]


def test_every_code_in_the_table_has_a_case_here(kb: KnowledgeBase) -> None:
    # A code added to the table without a case would go untested.
    assert sorted(kb.serial_codes) == sorted(serial[:4] for serial, _, _ in CASES)


def test_an_unverified_code_is_shown_as_unverified(kb: KnowledgeBase) -> None:
    summary = {"key": "1871C000000007000", "uas_ids": ["1871C000000007000"],
               "id_type": "serial_number", "last_seen": "2026-12-03T10:00:00+00:00"}
    identity = track_identity(kb, summary)["identity"]
    assert identity["manufacturer"]["entity_id"] == "camflite"
    assert identity["basis"].endswith("is CamFlite's [UNVERIFIED].")
    assert [s["verified"] for s in identity["sources"]] == [False]


def test_a_verified_code_carries_no_unverified_mark(kb: KnowledgeBase) -> None:
    found = judged(kb, identify(kb, uas_ids=("17269123456789",), id_type="serial_number"), DAY)
    assert "UNVERIFIED" not in found.basis
    assert found.basis.endswith("is Auterion LLC's.")


def test_the_mark_is_on_the_code_not_on_its_document(kb: KnowledgeBase) -> None:
    # CamFlite's page is the maker's own and was read, but shows two codes.
    document = dict(kb.sources.items())["camflite-aurora-serial-number"]
    assert document.verified
    assert not kb.serial_codes["1871"].source.verified


@given(draw=st.data())
def test_any_serial_under_a_listed_code_names_that_code_s_maker(
    kb: KnowledgeBase, draw: st.DataObject
) -> None:
    code = draw.draw(st.sampled_from(sorted(kb.serial_codes)))
    body = draw.draw(st.text(SERIAL_CHARS, min_size=1, max_size=15))
    serial = code + LENGTH_CODES[len(body) - 1] + body
    found = identify(kb, uas_ids=(serial,), id_type="serial_number")
    known = kb.serial_codes[code]
    assert found.manufacturer == known.entity
    assert ("[UNVERIFIED]" in found.basis) is not known.source.verified


@pytest.mark.parametrize("mark", ['"no"', "0", "yes please"])
def test_a_verified_mark_that_is_not_true_or_false_names_the_file_and_code(
    data: Path, mark: str
) -> None:
    _serial_codes(data, '- {code: "1581", entity: dji, source: dji-msdk-remote-id}\n'
                        f'- {{code: "1596", entity: dronetag, source: dronetag-serial-numbers, '
                        f"verified: {mark}}}\n")
    with pytest.raises(KnowledgeError) as raised:
        load_from(data)
    assert "serial_codes.yaml, code 2" in str(raised.value)
    assert "'verified' must be true or false" in str(raised.value)


def test_a_verified_mark_cannot_raise_an_unverified_source(data: Path) -> None:
    # dronesecurity-product-types is a research decoder's table, marked unverified.
    _serial_codes(data, '- {code: "1581", entity: dji, source: dronesecurity-product-types, '
                        "verified: true}\n")
    assert not load_from(data).serial_codes["1581"].source.verified


def test_kb_check_counts_an_unverified_code(data: Path) -> None:
    require_module("followthemoney")
    path = data / "serial_codes.yaml"
    before = check_directory(data).counts["unverified_facts"]
    path.write_text(path.read_text(encoding="utf-8").replace(", verified: false", ""),
                    encoding="utf-8")
    assert check_directory(data).counts["unverified_facts"] == before - 1
