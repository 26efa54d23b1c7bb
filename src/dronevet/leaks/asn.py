"""Which network an address belongs to: its autonomous system number (ASN) and operator.

The data is the `@ip-location-db/asn` package from the npm registry, CC BY 4.0 licensed:
built from RouteViews, the regional internet registries' statistics as the NRO publishes
them, and DB-IP's IP to ASN Lite database, which gives most operator names (its
`MODIFICATIONS` and licence files). It is installed once and read offline; nothing is
downloaded while a report is made:

    npm install --prefix "$DRONEVET_HOME/data" @ip-location-db/asn

Its `asn-ipv4-num.csv` and `asn-ipv6-num.csv` hold one inclusive address range a line,
`start,end,asn,organisation`, the addresses as decimal integers and the name quoted where
it holds a comma or a quote (the package's README; checked against version
2.3.2026061719). The first lookup builds an index of them: numpy arrays of range starts,
ends, ASNs and name numbers per address family, the names in one UTF-8 block. It is kept
in `cache/asn-<version>-<key>.index` in the home, the key made from the folder, the
package version and the files' sizes and modification times, and a later run maps that
file into memory rather than reading it (under a millisecond, against about 10 ms to read
the same arrays from an `.npz`); where the cache cannot be written, the index lives in
memory for the process. An address belongs to the range with the greatest start at or
below it, if that range reaches it; where ranges overlap (one pair in that version's IPv4
file) the later start answers. The package's README warns that the data it publishes on
npm has errors and that its npm updates will stop, so the report names the version used.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import ipaddress
import json
import mmap
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from dronevet.errors import BadInputError
from dronevet.settings import Settings

PACKAGE = "@ip-location-db/asn"
FILES = {4: "asn-ipv4-num.csv", 6: "asn-ipv6-num.csv"}
ATTRIBUTION = "IP address data by DB-IP.com"
"""The credit DB-IP's licence (the package's `DBIP-LICENSE`) asks for, with a link to
`ATTRIBUTION_URL` on a page that shows the data."""
ATTRIBUTION_URL = "https://db-ip.com"
LICENCE = "CC BY 4.0"
_MAGIC = b"dronevet asn  v1\n"  # the index file's layout: a change makes old files stale
_WORDS = {4: 1, 6: 2}  # an address as one 32-bit word or two 64-bit words
_DTYPES = {4: np.uint32, 6: np.uint64}
MAX_ASN = (1 << 32) - 1

Array = npt.NDArray[np.unsignedinteger]


def default_folder(home: Path) -> Path:
    """Where `npm install --prefix HOME/data` puts the package."""
    return home / "data" / "node_modules" / "@ip-location-db" / "asn"


@dataclass(frozen=True, slots=True)
class Network:
    """An autonomous system: its number and the name of the organisation operating it."""

    asn: int
    organisation: str


@dataclass(frozen=True, slots=True)
class _Family:
    """One address family's ranges, sorted by start; an address is a tuple of words."""

    starts: tuple[Array, ...]
    ends: tuple[Array, ...]
    asns: Array
    names: Array

    def find(self, words: tuple[int, ...]) -> int | None:
        """The row whose range holds the address, if any."""
        low, high = 0, len(self.asns)
        for column, word in zip(self.starts[:-1], words[:-1], strict=True):
            part = column[low:high]
            key = part.dtype.type(word)
            low, high = (low + int(np.searchsorted(part, key, "left")),
                         low + int(np.searchsorted(part, key, "right")))
        last = self.starts[-1][low:high]
        row = low + int(np.searchsorted(last, last.dtype.type(words[-1]), "right")) - 1
        if row < 0 or tuple(int(end[row]) for end in self.ends) < words:
            return None
        return row


@dataclass(frozen=True, slots=True)
class _Index:
    families: dict[int, _Family]
    text: Array
    """The names, UTF-8, one after the other; name n is `text[offsets[n]:offsets[n + 1]]`."""
    offsets: Array

    def network(self, family: int, words: tuple[int, ...]) -> Network | None:
        table = self.families[family]
        row = table.find(words)
        if row is None:
            return None
        name = int(table.names[row])
        start, end = int(self.offsets[name]), int(self.offsets[name + 1])
        return Network(int(table.asns[row]), self.text[start:end].tobytes().decode("utf-8"))


def _words(value: int, family: int) -> tuple[int, ...]:
    return (value,) if family == 4 else (value >> 64, value & ((1 << 64) - 1))


def _number(text: str, largest: int, what: str, path: Path, line: int) -> int:
    if not (text.isascii() and text.isdigit()):
        raise BadInputError(f"the {what} {text[:40]!r} is not a decimal number.",
                            path=str(path), line=line)
    digits = text.lstrip("0") or "0"  # (int() refuses thousands of digits, zeros included)
    if len(digits) > len(str(largest)) or int(digits) > largest:
        raise BadInputError(f"the {what} {text[:40]} is larger than {largest}.",
                            path=str(path), line=line)
    return int(digits)


@dataclass(slots=True)
class _Rows:
    starts: list[int]
    ends: list[int]
    asns: list[int]
    names: list[int]


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on; blank lines are passed over."""
    try:
        handle = path.open(encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as error:
        raise BadInputError(f"cannot be read ({error.strerror}).", path=str(path)) from None
    with handle:
        reader = csv.reader(handle, strict=True)
        ended = 0
        try:
            for row in reader:
                if row:
                    yield ended + 1, row
                ended = reader.line_num
        except csv.Error as error:
            raise BadInputError(f"not a CSV record ({error}).", path=str(path),
                                line=ended + 1) from None


def read_ranges(path: Path, family: int, names: dict[str, int]) -> _Rows:
    """A CSV file's ranges, in file order; each name numbered in `names` (shared by both
    families). A malformed line is a `BadInputError` naming the file and the line."""
    largest = (1 << (32 if family == 4 else 128)) - 1
    found = _Rows([], [], [], [])
    for line, row in _rows(path):
        if len(row) != 4:
            raise BadInputError(f"{len(row)} fields where 4 belong (start, end, ASN, "
                                "organisation).", path=str(path), line=line)
        start = _number(row[0], largest, "range start", path, line)
        end = _number(row[1], largest, "range end", path, line)
        if end < start:
            raise BadInputError(f"the range ends ({end}) before it starts ({start}).",
                                path=str(path), line=line)
        asn = _number(row[2], MAX_ASN, "ASN", path, line)
        try:
            row[3].encode("utf-8")
        except UnicodeEncodeError:
            raise BadInputError("the organisation name is not UTF-8 text.", path=str(path),
                                line=line) from None
        found.starts.append(start)
        found.ends.append(end)
        found.asns.append(asn)
        found.names.append(names.setdefault(row[3], len(names)))
    return found


def _family(rows: _Rows, family: int) -> _Family:
    dtype = _DTYPES[family]

    def columns(values: list[int]) -> tuple[Array, ...]:
        if family == 4:
            return (np.array(values, dtype=dtype),)
        return (np.array([v >> 64 for v in values], dtype=dtype),
                np.array([v & ((1 << 64) - 1) for v in values], dtype=dtype))

    starts, ends = columns(rows.starts), columns(rows.ends)
    order = np.lexsort(starts[::-1])  # by the first word, then the second
    return _Family(tuple(c[order] for c in starts), tuple(c[order] for c in ends),
                   np.array(rows.asns, dtype=np.uint32)[order],
                   np.array(rows.names, dtype=np.uint32)[order])


def build(folder: Path) -> _Index:
    """The index of the CSV files in `folder`."""
    names: dict[str, int] = {}
    families = {f: _family(read_ranges(folder / file, f, names), f) for f, file in FILES.items()}
    encoded = [name.encode("utf-8") for name in names]
    offsets = np.zeros(len(encoded) + 1, dtype=np.uint32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return _Index(families, np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)


def _arrays(index: _Index) -> dict[str, Array]:
    found: dict[str, Array] = {"text": index.text, "offsets": index.offsets}
    for family, table in index.families.items():
        for part in ("starts", "ends"):
            for number, column in enumerate(getattr(table, part)):
                found[f"v{family}_{part}{number}"] = column
        found[f"v{family}_asns"], found[f"v{family}_names"] = table.asns, table.names
    return found


def _from_arrays(data: dict[str, Array]) -> _Index:
    families = {
        family: _Family(
            tuple(data[f"v{family}_starts{n}"] for n in range(words)),
            tuple(data[f"v{family}_ends{n}"] for n in range(words)),
            data[f"v{family}_asns"], data[f"v{family}_names"])
        for family, words in _WORDS.items()
    }
    return _Index(families, data["text"], data["offsets"])


def _save(index: _Index, target: Path) -> None:
    """Write the index to `target` whole or not at all (other indexes there are stale): the
    magic, the header's length (8 bytes, little-endian), a JSON header giving each array's
    dtype, offset and length, then the arrays, each at a multiple of 16 bytes in the file."""
    arrays, header, at = _arrays(index), {}, 0
    for name, array in arrays.items():
        header[name] = [array.dtype.str, at, int(array.size)]
        at += -(-array.nbytes // 16) * 16
    head = json.dumps(header).encode()
    head += b" " * (-(len(_MAGIC) + 8 + len(head)) % 16)  # the arrays aligned, as numpy needs
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".asn-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_MAGIC + len(head).to_bytes(8, "little") + head)
            for array in arrays.values():
                out.write(array.tobytes() + bytes(-array.nbytes % 16))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    for old in target.parent.glob("asn-*.index"):
        if old != target:
            old.unlink(missing_ok=True)


def _load(source: Path) -> _Index | None:
    """A cached index, mapped into memory (only the pages a lookup touches are read);
    None when it is missing or unreadable (then it is rebuilt)."""
    try:
        with source.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if mapped[:len(_MAGIC)] != _MAGIC:
            return None
        length = int.from_bytes(mapped[len(_MAGIC):len(_MAGIC) + 8], "little")
        base = len(_MAGIC) + 8 + length
        header = json.loads(mapped[len(_MAGIC) + 8:base])
        index = _from_arrays({
            name: np.frombuffer(mapped, dtype=np.dtype(dtype), count=count, offset=base + at)
            for name, (dtype, at, count) in header.items()})
    except (OSError, ValueError, TypeError, KeyError):
        return None
    whole = all(len({len(a) for a in (*t.starts, *t.ends, t.asns, t.names)}) == 1
                for t in index.families.values())
    return index if whole and len(index.offsets) and int(index.offsets[-1]) == len(
        index.text) else None


_LOADED: dict[str, _Index] = {}
"""Indexes this process has loaded, by their key: each is read once per process."""


def _holds_files(folder: Path) -> bool:
    return all((folder / file).is_file() for file in FILES.values())


class AsnDatabase:
    """The database installed in `folder`; its index cached in `cache` (None: in memory)."""

    def __init__(self, folder: Path, cache: Path | None, *, installed: bool) -> None:
        self.folder, self.cache, self.installed = folder, cache, installed
        self._index: _Index | None = None

    @classmethod
    def located(cls, settings: Settings, folder: Path | None = None) -> AsnDatabase:
        """The database in `folder` (the `--asn-db` option), else in `DRONEVET_ASN_DB`,
        else in the home's `data` folder, where it may be absent. A folder named may be
        the package's or the npm prefix it was installed under; one without the CSV files
        is a `BadInputError`."""
        named = folder if folder is not None else settings.asn_db
        if named is None:
            place = default_folder(settings.home)
            return cls(place, settings.cache_dir, installed=_holds_files(place))
        given = Path(named).expanduser()
        for place in (given, given / "node_modules" / PACKAGE):
            if _holds_files(place):
                return cls(place, settings.cache_dir, installed=True)
        missing = ", ".join(f for f in FILES.values() if not (given / f).is_file())
        raise BadInputError(f"the ASN database folder lacks {missing}; install it with "
                            f"`npm install --prefix DIR {PACKAGE}` and name DIR.",
                            path=str(given))

    @functools.cached_property
    def version(self) -> str:
        """The package version its `package.json` gives ("unknown" without one)."""
        try:
            found = json.loads((self.folder / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "unknown"
        version = found.get("version") if isinstance(found, dict) else None
        return str(version) if version else "unknown"

    def _key(self) -> str:
        parts = [_MAGIC.decode(), str(self.folder.resolve()), self.version]
        for file in FILES.values():
            stat = (self.folder / file).stat()
            parts += [file, str(stat.st_size), str(stat.st_mtime_ns)]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]

    def index(self) -> _Index:
        """The index: from this process's memory, else the cache file, else built (and
        saved in the cache where it can be written)."""
        if self._index is None:
            key = self._key()
            found = _LOADED.get(key)
            target = (self.cache / f"asn-{self.version}-{key}.index"
                      if self.cache is not None else None)
            if found is None and target is not None:
                found = _load(target)
            if found is None:
                found = build(self.folder)
                if target is not None:
                    with contextlib.suppress(OSError):  # a read-only home: kept in memory
                        _save(found, target)
            self._index = _LOADED[key] = found
        return self._index

    def network(self, address: str) -> Network | None:
        """The network holding `address` (None when not installed or in no listed range)."""
        if not self.installed:
            return None
        ip = ipaddress.ip_address(address)
        return self.index().network(ip.version, _words(int(ip), ip.version))

    def describe(self) -> str:
        """The data behind `network`, its version and licence, in plain words."""
        if not self.installed:
            prefix = self.folder.parents[2]
            return ("Networks (ASNs): not shown, no ASN database is installed; install the "
                    f"openly licensed one with `npm install --prefix \"{prefix}\" {PACKAGE}` "
                    "(or name its folder with --asn-db or DRONEVET_ASN_DB).")
        return (f"Networks (ASNs): {PACKAGE} {self.version} from the npm registry ({LICENCE}),"
                " built from RouteViews (routeviews.org), the regional internet registries' "
                "statistics (NRO, nro.net) and DB-IP's IP to ASN Lite, as their licences ask; "
                f"{ATTRIBUTION} ({ATTRIBUTION_URL}).")
