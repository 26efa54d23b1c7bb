"""Hostile FtM files: whatever bytes or JSON a user hands to `kb import`, validation either
reports problems with their lines or accepts the file, never crashes; and a file it accepts
always loads into the knowledge base."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dronevet.errors import KnowledgeError
from dronevet.knowledge.ftm import read_ftm_file
from dronevet.knowledge.sources import SourceRegistry
from dronevet.knowledge.validate import validate_ftm_file
from shared_files import require_module

require_module("followthemoney")
import followthemoney  # noqa: E402, F401 - imported once here, not inside a timed example

SCHEMATA = ["Company", "Organization", "Person", "LegalEntity", "Sanction", "Ownership",
            "UnknownLink", "Succession", "Address", "Thing", "Vessel", "Nope"]
PROPS = ["name", "alias", "country", "jurisdiction", "entity", "programId", "listingDate",
         "startDate", "endDate", "asset", "owner", "percentage", "role", "subject", "object",
         "predecessor", "successor", "parent", "weakAlias", "bogus"]
VALUES = st.one_of(
    st.sampled_from(["a", "b", "cn", "us", "2024-06-12", "2024-13-45", "60", "sixty", "control",
                     "affiliate", "us-bis-entity-list", ""]),
    st.text(max_size=12),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8,
)
# Shaped like FtM (id, schema, properties of string lists), with hostile values.
RECORD = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["a", "b", "c", "", " "]),
        "schema": st.sampled_from(SCHEMATA),
        "properties": st.dictionaries(st.sampled_from(PROPS), st.lists(VALUES, max_size=2),
                                      max_size=6),
    },
    optional={"first_seen": st.sampled_from(["2024-01-01T00:00:00", "yesterday", ""]),
              "source": st.sampled_from(["unknown-id", ""]) | JSON,
              "verified": st.booleans()},
)


def _check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.ftm.json"
        path.write_bytes(data)
        try:
            report = validate_ftm_file(path)
        except KnowledgeError:
            return
        for problem in report.errors:
            assert problem.line is not None and problem.path == str(path)
        if report.ok:
            records = read_ftm_file(path, SourceRegistry({}), origin="fuzz",
                                    default_day=date(2025, 1, 1))
            assert len(records.entities) == report.entities


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_are_reported_not_crashed_on(data: bytes) -> None:
    _check(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(JSON, min_size=1, max_size=3))
def test_json_that_is_not_ftm_is_reported_not_crashed_on(records: list) -> None:
    _check("\n".join(json.dumps(r) for r in records).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORD, min_size=1, max_size=4), st.booleans())
def test_ftm_shaped_records_are_reported_or_load(records: list, as_array: bool) -> None:
    if as_array:
        data = json.dumps(records).encode()
    else:
        data = "\n".join(json.dumps(r) for r in records).encode()
    _check(data)


def test_property_values_that_are_not_lists_are_rejected_with_their_line(tmp_path: Path) -> None:
    # FtM property values are always lists: a bare string would otherwise be read one
    # character at a time ("cn" -> countries "c" and "n"), a number would crash the reader.
    for bad in ('"cn"', "5", "[{}]", "[true]"):
        path = tmp_path / "bad.ftm.json"
        path.write_text(
            '{"id": "ok", "schema": "Company", "properties": {"name": ["Fine Ltd"]}}\n'
            '{"id": "b", "schema": "Company", "properties": '
            f'{{"name": ["B"], "country": {bad}}}}}\n',
            encoding="utf-8",
        )
        with pytest.raises(KnowledgeError, match=r"line 2: property 'country'"):
            read_ftm_file(path, SourceRegistry({}), origin=str(path), default_day=date.today())
