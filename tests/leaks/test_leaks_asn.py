"""The network (ASN) of each destination: lookups at the edges of the database's ranges,
the cached index and when it is rebuilt, a malformed line named by file and line, the
report without the database, and the real `@ip-location-db/asn` package."""

from __future__ import annotations

import csv
import ipaddress
import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import dronevet
from dronevet.capture import linktypes
from dronevet.cli import app
from dronevet.errors import BadInputError
from dronevet.leaks import asn, synth
from dronevet.leaks.asn import FILES, PACKAGE, AsnDatabase, Network
from dronevet.settings import Settings
from shared_files import require_asn_database

AS_OF = "2026-06-01"
Row = tuple[str, str, int, str]

EDGES_V4: list[Row] = [  # written out of order: the index sorts them
    ("255.255.255.0", "255.255.255.255", 64502, "Top"),
    ("1.0.4.0", "1.0.7.255", 64501, "Ünïcode Net"),
    ("1.0.1.0", "1.0.1.255", 64500, 'LLC "Quoted"'),
    ("1.0.0.0", "1.0.0.255", 13335, "Cloudflare, Inc."),
]
EDGES_V6: list[Row] = [
    ("2001:db8::", "2001:db8::ffff:ffff:ffff:ffff", 64496, "Low half"),
    ("2001:db8:0:1:8000::", "2001:db8:0:2:7fff:ffff:ffff:ffff", 64497, "Across words"),
    ("2001:db8:0:3::", "2001:db8:0:3::", 64498, "One address"),
    ("ffff:ffff:ffff:ffff::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 64499, "Last"),
]
# The synthetic session's servers (documentation ASNs, RFC 5398): the DJI host, the
# Firebase one and, over IPv6, the map tiles; the crash reporter's address is in none.
SESSION_V4: list[Row] = [("47.91.0.0", "47.91.255.255", 64500, "Example Cloud, Inc."),
                         ("142.250.0.0", "142.251.255.255", 64501, "Example Search")]
SESSION_V6: list[Row] = [("2600:9000::", "2600:900f:ffff:ffff:ffff:ffff:ffff:ffff", 64502,
                          "Example CDN")]


def _lines(rows: Sequence[Row]) -> str:
    with tempfile.TemporaryFile("w+", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for start, end, number, name in rows:
            writer.writerow([int(ipaddress.ip_address(start)), int(ipaddress.ip_address(end)),
                             number, name])
        out.seek(0)
        return out.read()


def install(folder: Path, v4: Sequence[Row], v6: Sequence[Row], version: str = "9.9.1"
            ) -> Path:
    """A database laid out as the npm package is: package.json and the two CSV files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(json.dumps({"name": PACKAGE, "version": version}))
    (folder / FILES[4]).write_text(_lines(v4), encoding="utf-8")
    (folder / FILES[6]).write_text(_lines(v6), encoding="utf-8")
    return folder


@pytest.fixture
def fresh() -> Iterator[None]:
    """No index remembered from an earlier test in this process."""
    asn._LOADED.clear()
    yield
    asn._LOADED.clear()


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> AsnDatabase:
    folder = install(tmp_path_factory.mktemp("edges") / "asn", EDGES_V4, EDGES_V6)
    return AsnDatabase.located(Settings.at(folder.parent / "home"), folder)


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("asn-capture")
    return synth.write_pcapng(folder / "app.pcapng", linktypes.ETHERNET, synth.session())


@pytest.mark.parametrize(("address", "expected"), [
    ("0.255.255.255", None), ("1.0.0.0", (13335, "Cloudflare, Inc.")),
    ("1.0.0.255", (13335, "Cloudflare, Inc.")), ("1.0.1.0", (64500, 'LLC "Quoted"')),
    ("1.0.1.255", (64500, 'LLC "Quoted"')), ("1.0.2.0", None), ("1.0.3.255", None),
    ("1.0.4.0", (64501, "Ünïcode Net")), ("1.0.7.255", (64501, "Ünïcode Net")),
    ("1.0.8.0", None), ("255.255.254.255", None), ("255.255.255.255", (64502, "Top")),
    ("::", None), ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", None),
    ("2001:db8::", (64496, "Low half")),
    ("2001:db8::ffff:ffff:ffff:ffff", (64496, "Low half")), ("2001:db8:0:1::", None),
    ("2001:db8:0:1:7fff:ffff:ffff:ffff", None),
    ("2001:db8:0:1:8000::", (64497, "Across words")),
    ("2001:db8:0:2::", (64497, "Across words")),
    ("2001:db8:0:2:7fff:ffff:ffff:ffff", (64497, "Across words")),
    ("2001:db8:0:2:8000::", None), ("2001:db8:0:3::", (64498, "One address")),
    ("2001:db8:0:3::1", None), ("ffff:ffff:ffff:fffe:ffff:ffff:ffff:ffff", None),
    ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", (64499, "Last")),
])
def test_lookups_at_the_edges_of_ranges(edges: AsnDatabase, address: str,
                                         expected: tuple[int, str] | None) -> None:
    assert edges.network(address) == (Network(*expected) if expected else None)


def _only(folder: Path, family: int, content: bytes) -> Path:
    """`content` as the family's CSV file, the other family's file empty."""
    (folder / FILES[6 if family == 4 else 4]).write_text("")
    path = folder / FILES[family]
    path.write_bytes(content)
    return path


_V6_NEAR = st.builds(lambda high, low: high << 64 | low, st.integers(0, 3),
                     st.integers(0, (1 << 64) - 1))  # many share their first 64-bit word


@settings(max_examples=60, deadline=None)
@given(data=st.data(), family=st.sampled_from([4, 6]))
def test_a_lookup_finds_the_range_a_linear_search_finds(data: st.DataObject,
                                                         family: int) -> None:
    value = (st.integers(0, (1 << 32) - 1) if family == 4 else
             st.one_of(_V6_NEAR, st.integers(0, (1 << 128) - 1)))
    bounds = sorted(data.draw(st.lists(value, min_size=2, max_size=30, unique=True)))
    ranges = [(bounds[i], bounds[i + 1] - (i % 3 == 0), 64496 + i, f"net {i}")
              for i in range(0, len(bounds) - 1, 2)]
    top = 1 << (32 if family == 4 else 128)
    probes = data.draw(st.lists(value, max_size=10)) + [
        b + d for b in bounds for d in (-1, 0, 1) if 0 <= b + d < top]
    with tempfile.TemporaryDirectory() as folder:
        text = "".join(f"{s},{e},{n},{o}\n" for s, e, n, o in reversed(ranges))
        _only(Path(folder), family, text.encode())
        index = asn.build(Path(folder))
    for probe in probes:
        hits = [Network(n, o) for s, e, n, o in ranges if s <= probe <= e]
        assert index.network(family, asn._words(probe, family)) == (hits[0] if hits else None)


def test_the_index_is_cached_then_rebuilt_when_the_files_change(
        tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = install(tmp_path / "asn", EDGES_V4, EDGES_V6)
    home = Settings.at(tmp_path / "home")
    assert AsnDatabase.located(home, folder).network("1.0.0.1") == Network(
        13335, "Cloudflare, Inc.")
    first = list(home.cache_dir.glob("asn-9.9.1-*.index"))
    assert len(first) == 1
    asn._LOADED.clear()  # a new process: it maps the file and never reads the CSV files

    def refuse(folder: Path) -> None:
        raise AssertionError("rebuilt although the cache was current")

    with monkeypatch.context() as patched:
        patched.setattr(asn, "build", refuse)
        assert AsnDatabase.located(home, folder).network("2001:db8:0:3::") == Network(
            64498, "One address")
    install(folder, [("1.0.0.0", "1.0.0.255", 64510, "New holder")], EDGES_V6)
    assert AsnDatabase.located(home, folder).network("1.0.0.1") == Network(64510, "New holder")
    second = list(home.cache_dir.glob("asn-*.index"))
    assert len(second) == 1 and second != first  # the stale index is gone


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, fresh: None) -> None:
    folder = install(tmp_path / "asn", EDGES_V4, EDGES_V6)
    home = Settings.at(tmp_path / "home")
    AsnDatabase.located(home, folder).network("1.0.0.1")
    [cached] = home.cache_dir.glob("asn-*.index")
    whole = cached.read_bytes()
    cached.write_bytes(whole[:len(whole) // 2])
    asn._LOADED.clear()
    assert AsnDatabase.located(home, folder).network("255.255.255.255") == Network(64502, "Top")
    assert cached.read_bytes() == whole


def test_without_a_writable_cache_the_index_lives_in_memory(tmp_path: Path,
                                                             fresh: None) -> None:
    folder = install(tmp_path / "asn", EDGES_V4, EDGES_V6)
    home = Settings.at(tmp_path / "home")
    home.home.mkdir()
    home.cache_dir.write_text("a file where the cache folder would go")
    assert AsnDatabase.located(home, folder).network("1.0.1.7") == Network(64500,
                                                                           'LLC "Quoted"')
    assert home.cache_dir.read_text().startswith("a file")


def _with_line(tmp_path: Path, bad: bytes) -> Path:
    folder = install(tmp_path / "asn", [], EDGES_V6)
    # line 1 a range, lines 2-3 one record whose quoted name holds a line break, line 4 bad
    (folder / FILES[4]).write_bytes(b'16777216,16777471,13335,"Cloudflare, Inc."\n'
                                    b'16778240,16779263,64500,"Two\nlines"\n' + bad + b"\n")
    return folder


@pytest.mark.parametrize(("bad", "says"), [
    (b"1,2,3", "3 fields where 4 belong"), (b"1,2,3,Org,extra", "5 fields"),
    (b"x,2,3,Org", "range start 'x' is not a decimal number"),
    (b" 1,2,3,Org", "not a decimal number"), (b"+1,2,3,Org", "not a decimal number"),
    (b"1,2_0,3,Org", "range end '2_0' is not a decimal number"),
    (b"1,\xd9\xa1,3,Org", "not a decimal number"),  # an Arabic-Indic digit one
    (b"5,4,3,Org", "the range ends (4) before it starts (5)"),
    (b"1,4294967296,3,Org", "range end 4294967296 is larger than 4294967295"),
    (b"1,2,4294967296,Org", "ASN 4294967296 is larger than"),
    (b"1,2,3,\xff\xfeOrg", "the organisation name is not UTF-8 text"),
    (b'1,2,3,"Org"x', "not a CSV record"), (b'1,2,3,"Org', "not a CSV record"),
])
def test_a_malformed_line_names_the_file_and_line(tmp_path: Path, fresh: None, bad: bytes,
                                                  says: str) -> None:
    folder = _with_line(tmp_path, bad)
    with pytest.raises(BadInputError) as raised:
        asn.build(folder)
    assert (raised.value.path, raised.value.line) == (str(folder / FILES[4]), 4)
    assert says in raised.value.message


def test_leading_zeros_are_only_zeros(tmp_path: Path) -> None:
    path = _only(tmp_path, 4, b"0" * 5000 + b"16777216,016777471,0013335,Cloudflare\n")
    assert asn.read_ranges(path, 4, {}).starts == [16777216]
    path.write_bytes(b"1," + b"0" * 5000 + b"4294967296,3,Org\n")
    with pytest.raises(BadInputError, match=r"range end 0{20,} is larger than 4294967295"):
        asn.read_ranges(path, 4, {})


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    folder = install(tmp_path / "asn", EDGES_V4, EDGES_V6)
    (folder / FILES[6]).unlink()
    (folder / FILES[6]).mkdir()
    with pytest.raises(BadInputError, match="cannot be read") as raised:
        asn.build(folder)
    assert raised.value.path == str(folder / FILES[6])


def test_the_cli_reports_a_corrupted_install_in_one_sentence(tmp_path: Path, fresh: None,
                                                             capture: Path) -> None:
    folder = _with_line(tmp_path, b"1,2,3")
    done = CliRunner().invoke(app, ["leaks", "analyze", str(capture), "--asn-db", str(folder)],
                              env={"DRONEVET_HOME": str(tmp_path / "home")})
    assert done.exit_code == 3 and "Traceback" not in done.output
    assert f"{folder / FILES[4]}, line 4: 3 fields where 4 belong" in done.output


_FIELD = st.one_of(st.integers(-3, 1 << 129).map(str), st.text(max_size=6),
                   st.from_regex(r"0{0,60}[0-9]{1,40}", fullmatch=True))


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.one_of(
    st.lists(_FIELD, min_size=3, max_size=5).map(lambda f: ",".join(f).encode()),
    st.text(max_size=30).map(str.encode), st.binary(max_size=30)), max_size=12),
    family=st.sampled_from([4, 6]))
def test_the_importer_takes_a_file_or_names_its_bad_line(lines: list[bytes],
                                                         family: int) -> None:
    content = b"\n".join(lines)
    with tempfile.TemporaryDirectory() as folder:
        path = _only(Path(folder), family, content)
        try:
            index = asn.build(Path(folder))
        except BadInputError as error:
            assert error.path == str(path) and error.line is not None
            assert 1 <= error.line <= len(content.splitlines()) + 1
            return
    table = index.families[family]  # every range taken in is found at its start
    for row in range(len(table.asns)):
        start = sum(int(w[row]) << (64 * (len(table.starts) - 1 - i))
                    for i, w in enumerate(table.starts))
        assert index.network(family, asn._words(start, family)) is not None


def test_without_the_database_asn_is_null_and_the_report_says_how_to_install(
        tmp_path: Path, capture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRONEVET_ASN_DB", raising=False)
    monkeypatch.setenv("DRONEVET_HOME", str(tmp_path / "home"))
    report = dronevet.analyze_capture(capture, as_of=AS_OF).to_dict()
    assert {(d["asn"], d["asn_org"]) for d in report["destinations"]} == {(None, None)}
    assert (f'npm install --prefix "{tmp_path / "home" / "data"}" @ip-location-db/asn'
            in report["findings"][-1]["text"])
    assert not (tmp_path / "home" / "cache").exists()


def test_a_named_folder_without_the_files_is_refused(tmp_path: Path, capture: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = CliRunner().invoke(app, ["leaks", "compare", str(capture), str(capture),
                                    "--asn-db", str(empty)])
    assert done.exit_code == 3 and "Traceback" not in done.output
    assert f"{empty}: the ASN database folder lacks {FILES[4]}, {FILES[6]}" in done.output


def test_the_option_wins_over_the_environment_and_may_name_the_npm_prefix(
        tmp_path: Path, capture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(tmp_path / "prefix" / "node_modules" / PACKAGE, SESSION_V4, SESSION_V6)
    other = install(tmp_path / "other", [("47.91.0.0", "47.91.255.255", 64511, "Other")], [])
    monkeypatch.setenv("DRONEVET_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DRONEVET_ASN_DB", str(other))
    hosts = {d.host: d for d in dronevet.analyze_capture(capture, as_of=AS_OF).destinations}
    assert hosts["mydjiflight.dji.com"].network == "AS64511 Other"
    chosen = dronevet.analyze_capture(capture, as_of=AS_OF, asn_db=tmp_path / "prefix")
    assert {d.host: d.network for d in chosen.destinations}["mydjiflight.dji.com"] == (
        "AS64500 Example Cloud, Inc.")


def test_analyze_json_text_and_html_show_each_destinations_network(
        tmp_path: Path, capture: Path) -> None:
    folder = install(tmp_path / "asn", SESSION_V4, SESSION_V6)
    runner, env = CliRunner(), {"DRONEVET_HOME": str(tmp_path / "home")}
    args = ["leaks", "analyze", str(capture), "--as-of", AS_OF, "--asn-db", str(folder)]
    done = runner.invoke(app, [*args, "--format", "json"], env=env)
    assert done.exit_code == 0
    found = {d["host"]: (d["asn"], d["asn_org"]) for d in json.loads(done.stdout)["destinations"]}
    assert found == {"mydjiflight.dji.com": (64500, "Example Cloud, Inc."),
                     "dji-go.firebaseio.com": (64501, "Example Search"),
                     "api.mapbox.com": (64502, "Example CDN"),
                     "android.bugly.qq.com": (None, None), "3.120.0.50": (None, None)}
    credit = json.loads(done.stdout)["findings"][-1]["text"]
    assert f"{PACKAGE} 9.9.1" in credit and "CC BY 4.0" in credit
    assert "IP address data by DB-IP.com (https://db-ip.com)" in credit
    text = runner.invoke(app, args, env=env).stdout
    assert "network AS64500 Example Cloud, Inc." in text and "network unknown" in text
    page = runner.invoke(app, [*args, "--format", "html"], env=env).stdout
    assert "<td>AS64502 Example CDN</td>" in page
    assert '<a href="https://db-ip.com">IP address data by DB-IP.com</a>' in page


def test_a_capture_without_external_addresses_never_loads_the_index(tmp_path: Path,
                                                                    fresh: None) -> None:
    folder = install(tmp_path / "asn", SESSION_V4, SESSION_V6)
    quiet = synth.write_pcap(tmp_path / "ldm-on.pcap", linktypes.ETHERNET,
                             synth.session()[:2])
    done = CliRunner().invoke(app, ["leaks", "analyze", str(quiet), "--asn-db", str(folder)],
                              env={"DRONEVET_HOME": str(tmp_path / "home")})
    assert done.exit_code == 0 and "no connection to the internet" in done.stdout
    assert not asn._LOADED and not (tmp_path / "home" / "cache").exists()


# --- the real package, as `.ci/run` installs it ----------------------------------------
@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> AsnDatabase:
    folder = require_asn_database()
    return AsnDatabase.located(Settings.at(tmp_path_factory.mktemp("home")), folder)


@pytest.mark.parametrize(("address", "number", "name"), [
    ("1.1.1.1", 13335, "Cloudflare, Inc."), ("8.8.8.8", 15169, "Google LLC"),
    ("2606:4700:4700::1111", 13335, "Cloudflare, Inc."),
    ("2001:4860:4860::8888", 15169, "Google LLC")])
def test_the_installed_package_knows_the_public_resolvers(installed: AsnDatabase,
                                                          address: str, number: int,
                                                          name: str) -> None:
    """Checked in the package's files, version 2.3.2026061719: 1.1.1.0-1.1.1.255 is
    AS13335, 8.8.8.0-8.8.8.255 AS15169."""
    assert installed.network(address) == Network(number, name)
    assert installed.version in installed.describe() and "CC BY 4.0" in installed.describe()


def test_the_installed_package_names_the_synthetic_sessions_networks(
        installed: AsnDatabase, capture: Path) -> None:
    report = dronevet.analyze_capture(capture, as_of=AS_OF, asn_db=installed.folder)
    found = {d.host: d for d in report.destinations}
    assert all(isinstance(d.asn, int) and d.asn_org for d in report.destinations)
    assert found["dji-go.firebaseio.com"].network == "AS15169 Google LLC"
