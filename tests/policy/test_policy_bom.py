"""Bills of materials: makers given as names are resolved; malformed BOMs name file, line, field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dronevet.errors import BadInputError
from dronevet.knowledge.model import ComponentKind, Use
from dronevet.policy.bom import read_bom
from dronevet.policy.model import VerdictKind
from policy.policy_fixtures import kb, verdict

GOOD = """\
name: Test Inspector
manufacturer: Skydio
manufacturer_country: us
final_assembly_country: us
components:
  - {kind: flight_controller, maker: Skydio, made_in: us}
  - {kind: camera, maker: "SZ DJI Technology Co., Ltd.", made_in: cn}
  - {kind: radio, maker: null, made_in: null}
"""


def write(tmp_path: Path, text: str, name: str = "bom.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bom_maker_names_resolve_to_knowledge_base_entities(tmp_path):
    product = read_bom(write(tmp_path, GOOD), kb())
    assert product.manufacturer == "skydio"
    camera = product.components_of(ComponentKind.camera)[0]
    assert camera.maker == "dji" and camera.made_in == "cn"
    radio = product.components_of(ComponentKind.radio)[0]
    assert not radio.maker_known
    assert not product.source.verified


def test_bom_with_prc_camera_is_prohibited_under_ndaa_848_a2(tmp_path):
    product = read_bom(write(tmp_path, GOOD), kb())
    result = verdict(product, "us-dod-ndaa2020-848", Use.procure, date(2025, 1, 1))
    assert result.verdict is VerdictKind.prohibited


def test_bom_maker_unknown_to_the_knowledge_base_gives_review(tmp_path):
    text = "name: Garage Quad\nmanufacturer: Zzyzx Qwerty Aeronautics\nfinal_assembly_country: us\n"
    product = read_bom(write(tmp_path, text), kb())
    assert product.manufacturer == ""
    result = verdict(product, "us-asda-2023", Use.procure, date(2025, 1, 1))
    assert result.verdict is VerdictKind.review


def test_bom_maker_unknown_but_stated_prc_based_is_covered_by_domicile(tmp_path):
    text = (
        "name: Garage Quad\nmanufacturer: Zzyzx Qwerty Aeronautics\n"
        "manufacturer_country: cn\nfinal_assembly_country: vn\n"
    )
    product = read_bom(write(tmp_path, text), kb())
    result = verdict(product, "us-asda-2023", Use.procure, date(2025, 1, 1))
    assert result.verdict is VerdictKind.prohibited


def test_bom_in_json_reads_the_same(tmp_path):
    data = {
        "name": "J",
        "manufacturer": "Skydio",
        "components": [{"kind": "radio", "made_in": "us"}],
    }
    product = read_bom(write(tmp_path, json.dumps(data), "bom.json"), kb())
    assert product.manufacturer == "skydio"
    assert product.components[0].made_in == "us"


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ("name: X\nmanufacturer: A\ncomponents:\n  - kind: propeller\n", "components[0].kind", 4),
        ("name: X\nmanufacturer: A\nfinal_assembly_country: China\n", "final_assembly_country", 3),
        ("name: X\nmanufacturer: A\ncomponents:\n  - {kind: radio, made_in: 12}\n",
         "components[0].made_in", 4),
        ("manufacturer: Skydio\n", "name", 1),
        ("name: X\n\ncolour: red\n", "colour", 3),
        ("name: X\nmanufacturer: A\ncomponents: radio\n", "components", 3),
        ("name: X\nfinal_assembly_country: us\n", "manufacturer", 1),
    ],
)
def test_malformed_bom_names_the_file_line_and_field(tmp_path, text, field, line):
    # The line is the line of the field at fault (or of the mapping that lacks it).
    path = write(tmp_path, text)
    with pytest.raises(BadInputError) as error:
        read_bom(path, kb())
    message = str(error.value)
    assert str(path) in message
    assert f"line {line}" in message
    assert repr(field) in message


def test_misspelled_component_kind_gets_a_suggestion(tmp_path):
    path = write(tmp_path, "name: X\nmanufacturer: A\ncomponents:\n  - kind: camra\n")
    with pytest.raises(BadInputError) as error:
        read_bom(path, kb())
    assert "camera" in error.value.suggestions


def test_component_with_unknown_maker_but_stated_western_country_stays_review(tmp_path):
    # Only the place of manufacture is stated: §848(a)(1)(B) asks about the maker too, so
    # "made in the US by someone" is not shown to be clear.
    text = (
        "name: Half-Known Quad\nmanufacturer: Skydio\nfinal_assembly_country: us\n"
        "components:\n  - {kind: radio, maker: unknown, made_in: us}\n"
    )
    product = read_bom(write(tmp_path, text), kb())
    (radio,) = product.components_of(ComponentKind.radio)
    assert not radio.maker_known and radio.made_in == "us"
    result = verdict(product, "us-dod-ndaa2020-848", Use.procure, date(2025, 1, 1))
    assert result.verdict is VerdictKind.review
    components = next(r for r in result.reasons if r.rule.startswith("dod848-a2"))
    assert components.outcome.value == "review"
    assert "maker unknown, though said to be made in the United States (radio)" in components.text


def test_unknown_manufacturer_stays_unknown_and_is_not_screened(tmp_path):
    text = "name: Mystery Quad\nmanufacturer: unknown\nfinal_assembly_country: us\n"
    product = read_bom(write(tmp_path, text), kb(), resolve=lambda name: "dji")
    assert product.manufacturer == "" and product.manufacturer_name == ""


def test_bom_that_is_not_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "name: X\ncomponents: [\n  {kind: radio\n")
    with pytest.raises(BadInputError) as error:
        read_bom(path, kb())
    assert error.value.line is not None and error.value.path == str(path)


def test_bom_json_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, '{"name": "X",\n "components": [}\n', "bom.json")
    with pytest.raises(BadInputError) as error:
        read_bom(path, kb())
    assert error.value.line == 2


def test_missing_bom_file_is_bad_input(tmp_path):
    with pytest.raises(BadInputError):
        read_bom(tmp_path / "absent.yaml", kb())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_fuzzed_bom_text_is_read_or_refused_with_bad_input(tmp_path, text):
    path = write(tmp_path, text)
    try:
        product = read_bom(path, kb(), resolve=lambda name: None)
    except BadInputError as error:
        assert error.path == str(path)
    else:
        assert product.name


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["name", "manufacturer", "final_assembly_country", "components"]),
        st.one_of(
            st.none(),
            st.text(max_size=5),
            st.integers(),
            st.lists(
                st.dictionaries(
                    st.sampled_from(["kind", "maker", "made_in"]),
                    st.one_of(
                        st.none(), st.sampled_from(["radio", "cn", "us", "xx"]), st.integers()
                    ),
                ),
                max_size=3,
            ),
        ),
    )
)
def test_fuzzed_bom_structures_are_read_or_refused_with_bad_input(tmp_path, data):
    path = write(tmp_path, json.dumps(data), "bom.json")
    try:
        read_bom(path, kb(), resolve=lambda name: None)
    except BadInputError as error:
        assert error.path == str(path)
