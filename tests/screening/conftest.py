"""A small knowledge base for screening tests, written to a temporary directory.

It mirrors the shapes of the built-in data (a PRC maker with designations, a licensee with
a disputed link, a subsidiary, a non-PRC maker with a clearance listing, an entity with
no known domicile) so the tests do not depend on the built-in facts changing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dronevet.knowledge.loader import KnowledgeBase, load_from

SOURCES = """
doc:
  citation: Test document
  date: 2024-01-01
law-doc:
  citation: Test law text
  date: 2017-06-27
rumour:
  citation: A blog post
  date: 2024-05-01
  verified: false
"""

LISTS = """
- id: entity-list
  title: Entity List
  authority: Test Bureau
  nature: adverse
  country: us
  description: export licensing
  source: doc
- id: blue
  title: Blue UAS Cleared List
  authority: Test Defense Unit
  nature: clearance
  country: us
  description: cleared drones
  source: doc
"""

LAWS = """
- id: nil-art7
  country: cn
  title: National Intelligence Law
  article: Article 7
  summary: All organizations shall support national intelligence efforts. More text.
  start: 2017-06-28
  source: law-doc
"""


def _company(eid: str, names: list[str], country: str | None, **extra: list[str]) -> dict:
    props: dict[str, list[str]] = {"name": names[:1], "alias": names[1:], **extra}
    if country:
        props["country"] = [country]
    return {"id": eid, "schema": "Company", "properties": props, "source": "doc"}


RECORDS: list[dict] = [
    _company(
        "dji",
        [
            "SZ DJI Technology Co., Ltd.",
            "Shenzhen Da-Jiang Innovations Sciences and Technologies Co., Ltd.",
            "深圳市大疆创新科技有限公司",
            "DJI",
        ],
        "cn",
        previousName=["DJI Innovations"],
    ),
    _company("autel-robotics", ["Autel Robotics Co., Ltd.", "道通智能航空技术"], "cn"),
    _company("anzu-robotics", ["Anzu Robotics LLC"], "us"),
    _company("dji-europe", ["DJI Europe B.V."], "nl", parent=["dji"]),
    _company("skydio", ["Skydio, Inc."], "us"),
    _company("mystery-drones", ["Mystery Drones"], None),
    _company("rosdron", ["ООО Росдрон"], "ru"),
    _company("holdco", ["Minority Holdco GmbH"], "de"),
    {
        "id": "link-anzu-dji",
        "schema": "UnknownLink",
        "properties": {
            "subject": ["anzu-robotics"],
            "object": ["dji"],
            "role": ["technology licensee"],
            "startDate": ["2024"],
        },
        "source": "doc",
        "disputed": "DJI says Anzu is not an affiliate.",
    },
    {
        "id": "own-holdco-dji",
        "schema": "Ownership",
        "properties": {"asset": ["holdco"], "owner": ["dji"], "percentage": ["20"]},
        "source": "doc",
    },
    {
        "id": "sanction-dji-el",
        "schema": "Sanction",
        "properties": {
            "entity": ["dji"],
            "programId": ["entity-list"],
            "listingDate": ["2020-12-18"],
            "reason": ["human-rights surveillance"],
        },
        "source": "doc",
    },
    {
        "id": "blue-skydio",
        "schema": "Sanction",
        "properties": {"entity": ["skydio"], "programId": ["blue"], "listingDate": ["2020-08"]},
        "source": "doc",
    },
]


def write_kb(directory: Path, records: list[dict] = RECORDS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (directory / "lists.yaml").write_text(LISTS, encoding="utf-8")
    (directory / "laws.yaml").write_text(LAWS, encoding="utf-8")
    (directory / "products.yaml").write_text("[]\n", encoding="utf-8")
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    (directory / "entities.ftm.jsonl").write_text(lines + "\n", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load_from(write_kb(tmp_path_factory.mktemp("kb")))


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A fresh copy of the small knowledge directory, for tests that add files to it."""
    return write_kb(tmp_path / "kb")
