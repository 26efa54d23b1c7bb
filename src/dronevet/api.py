"""The public Python API: the one core that the CLI, the HTTP API and the web app call.

```python
import dronevet

kb = dronevet.load_knowledge()                      # built-in facts plus your imports
dronevet.find_product("DJI M30T", kb=kb).to_dict()  # how a typed name resolves
dronevet.screen("Da Jiang Innovations").status      # covered / review / not_covered / unknown
verdict = dronevet.vet("dji-matrice-30t", policy="asda", use="fly", as_of="2025-12-22")
verdict.verdict, verdict.to_dict()                  # == `dronevet vet ... --format json`
dronevet.vet_matrix("Skydio X10D").to_dict()        # every policy x every use
run = dronevet.decode_capture("capture.pcapng")     # detections, then counts and skips
run2 = dronevet.decode_iq("burst.fc32", sample_rate=50e6)
leaks = dronevet.analyze_capture("app.pcapng", device="192.168.1.23")  # destinations
dronevet.compare_captures("ldm-off.pcap", "ldm-on.pcap").to_dict()    # appeared/disappeared
```

Every result's `to_dict()` equals the CLI's `--format json` for the same question. The
decoders are imported on first use (they bring SciPy and compiled kernels), so a program
that only vets starts quickly. Names
people type are accepted wherever a name is: product names and aliases (fuzzily), policy
aliases (`asda`, `florida`), use synonyms (`buy`, `fly`, `grant`), mission aliases
(`rescue`). Dates are `date` values or ISO strings; the default is today. Without `kb`,
calls use `load_knowledge()` for the settings in the environment (`Settings.from_env()`),
cached until the imports change.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dronevet.errors import BadInputError
from dronevet.knowledge.model import Product, Use
from dronevet.screening.model import DEFAULT_THRESHOLD
from dronevet.settings import Settings

if TYPE_CHECKING:
    from dronevet.broadcast.dji.ocusync.run import IqDecodeRun
    from dronevet.broadcast.run import DecodeRun
    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.knowledge.imports import ImportStore
    from dronevet.leaks.analysis import LeakComparison
    from dronevet.leaks.report import LeakReport
    from dronevet.policy.loader import PolicyBook
    from dronevet.policy.model import Policy, Verdict
    from dronevet.policy.subjects import ProductMatch
    from dronevet.screening.model import ScreeningResult

Subject = str | Path | Product | Mapping[str, Any]
When = date | str | None


def import_store(settings: Settings, *, actor: str = "dronevet") -> ImportStore:
    """The user's imported FtM files for these settings: kept in the store's database (an
    SQLite file in the home by default, `DRONEVET_DATABASE_URL` otherwise), its schema
    brought up to date. The first time, the files an earlier version kept in the imports
    folder are moved in (`DatabaseImportStore.move_in`). Changes are audited as by `actor`.
    """
    from dronevet.fleet.register import open_register
    from dronevet.store.import_rows import DatabaseImportStore

    store = DatabaseImportStore(open_register(settings).sessions, actor=actor)
    store.move_in(settings.imports_dir)
    return store


def load_knowledge(
    home: Path | str | None = None, *, settings: Settings | None = None
) -> KnowledgeBase:
    """The built-in knowledge base plus the user's imports: the one way every front gets it.

    `home` is the user data directory (default `DRONEVET_HOME` or `~/.local/share/dronevet`),
    whose SQLite file keeps the imports; `settings` names the store instead. The value is
    immutable and safe to share between threads.
    """
    if settings is None:
        settings = Settings.from_env() if home is None else Settings.at(Path(home))
    if _nothing_stored(settings):
        from dronevet.knowledge.loader import load_builtin

        return load_builtin()
    return knowledge_with(import_store(settings))


def _nothing_stored(settings: Settings) -> bool:
    """True when the store holds no import: its SQLite file does not exist or its imports
    table is empty, and no old imports folder waits to be moved in. Then nothing is created
    just to be found empty, and a command that only reads does not load the database layer
    (about half a second: most `vet` and `screen` runs). The look is one read-only query
    through the standard library; anything unexpected (an older schema, a locked or damaged
    file) answers False, and the store proper then deals with it."""
    from dronevet.store.import_files import waiting_files

    url, prefix = settings.database_url, "sqlite:///"
    if not url.startswith(prefix) or "?" in url or waiting_files(settings.imports_dir):
        return False
    path = Path(url.removeprefix(prefix))
    return not path.exists() or _no_import_rows(path)


def _no_import_rows(path: Path) -> bool:
    """True when the SQLite file at `path` has an empty `knowledge_imports` table."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro",
                                                uri=True, timeout=1.0)) as db:
            row = db.execute("SELECT EXISTS (SELECT 1 FROM knowledge_imports)").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == 0


def knowledge_with(store: ImportStore, fingerprint: str | None = None) -> KnowledgeBase:
    """The built-in base plus `store`'s imports; the same value again (nothing is read but
    the fingerprint) while the imports are unchanged. `fingerprint` is the store's, if the
    caller has just asked for it."""
    found = store.fingerprint() if fingerprint is None else fingerprint
    return _layered(_Imports(store.location, found, store))


@dataclass(frozen=True, slots=True)
class _Imports:
    """The imports of one store as they were at one fingerprint: the cache key."""

    location: str
    fingerprint: str
    store: ImportStore = field(compare=False)


@functools.lru_cache(maxsize=8)
def _layered(imports: _Imports) -> KnowledgeBase:
    """The built-in base with the imports as they were at the key's fingerprint."""
    from dronevet.knowledge.imports import with_imports
    from dronevet.knowledge.loader import load_builtin

    return with_imports(load_builtin(), imports.store)


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_knowledge()


def parse_day(value: When, *, option: str = "as_of") -> date:
    """A date from a `date`, an ISO string, 'today' or None (today)."""
    if value is None or value == "today":
        return date.today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadInputError(
            f"{option} {value!r} is not a date; write it as YYYY-MM-DD, for example 2025-12-22."
        ) from None


def dronevet_policies(kb: KnowledgeBase | None = None) -> PolicyBook:
    """Every policy dronevet knows, read against the knowledge base."""
    from dronevet.policy.loader import builtin_policies

    return builtin_policies(_kb(kb))


policies = dronevet_policies


def find_product(text: str, *, kb: KnowledgeBase | None = None) -> ProductMatch:
    """The drone model a name means (id, name, alias, brand and alias, or fuzzily)."""
    from dronevet.policy.subjects import find_product as find

    return find(_kb(kb), text)


def screen(
    name: str,
    *,
    as_of: When = None,
    kb: KnowledgeBase | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> ScreeningResult:
    """Resolve a company name to an entity and say whether it is covered on the date."""
    if not name.strip():
        raise BadInputError("the name to screen is empty.")
    if not 0.0 <= threshold <= 1.0:
        raise BadInputError(f"the threshold {threshold} is outside 0 to 1.")
    from dronevet.screening.screen import Screener

    base = _kb(kb)
    screener = base.memo.get(f"screener:{threshold}", lambda: Screener(base, threshold=threshold))
    return screener.screen(name, parse_day(as_of))


def _mission(book: PolicyBook, mission: str | None) -> str | None:
    return None if mission is None else book.mission(mission)


def _for_policy(policy: Policy, mission: str | None) -> str | None:
    """The mission as this policy sees it (None for a policy that tiers other missions)."""
    if mission is None or not policy.missions or mission in policy.missions:
        return mission
    return None


def vet(
    subject_: Subject,
    *,
    policy: str,
    use: str | Use,
    as_of: When = None,
    mission: str | None = None,
    kb: KnowledgeBase | None = None,
) -> Verdict:
    """May the addressees of `policy` `use` this drone on `as_of` (for `mission`), and why?

    `subject_` is a product id or name, a `Product`, a bill-of-materials mapping, or the
    `Path` of a BOM file.
    """
    from dronevet.policy.evaluate import vet as decide
    from dronevet.policy.subjects import subject

    base = _kb(kb)
    book = dronevet_policies(base)
    chosen = book.get(policy)
    the_use = use if isinstance(use, Use) else Use.parse(use)
    product, match = subject(base, subject_)
    wanted = _mission(book, mission)
    return decide(
        base, product, chosen, the_use, parse_day(as_of), _for_policy(chosen, wanted), match=match
    )


@dataclass(frozen=True, slots=True)
class VerdictMatrix:
    """One drone under several policies and uses on one date: a verdict per regulated pair,
    in policy order, then use order."""

    verdicts: tuple[Verdict, ...]

    def to_dict(self) -> list[dict[str, Any]]:
        """The `dronevet vet --policy all [--use all] --format json` contract: a list."""
        return [v.to_dict() for v in self.verdicts]


def _uses(uses: str | Sequence[str | Use]) -> tuple[Use, ...]:
    if isinstance(uses, str):
        return tuple(Use) if uses == "all" else (Use.parse(uses),)
    return tuple(u if isinstance(u, Use) else Use.parse(u) for u in uses)


def vet_matrix(
    subject_: Subject,
    *,
    policies: str | Sequence[str] = "all",
    uses: str | Sequence[str | Use] = "all",
    as_of: When = None,
    mission: str | None = None,
    kb: KnowledgeBase | None = None,
) -> VerdictMatrix:
    """Verdicts of one drone under each policy for each use. With `uses="all"`, only the
    uses each policy regulates are answered (the rest are `not_applicable` by definition);
    with named uses, every pair is answered."""
    from dronevet.policy.evaluate import Assessor
    from dronevet.policy.evaluate import vet as decide
    from dronevet.policy.subjects import subject

    base = _kb(kb)
    book = dronevet_policies(base)
    chosen = (
        list(book)
        if isinstance(policies, str) and policies == "all"
        else [book.get(p) for p in ([policies] if isinstance(policies, str) else policies)]
    )
    every = isinstance(uses, str) and uses == "all"
    wanted_uses = _uses(uses)
    product, match = subject(base, subject_)
    wanted = _mission(book, mission)
    day = parse_day(as_of)
    assessor = Assessor(base)
    verdicts = tuple(
        decide(base, product, p, u, day, _for_policy(p, wanted), assessor=assessor, match=match)
        for p in chosen
        for u in wanted_uses
        if not every or p.regulates(u)
    )
    return VerdictMatrix(verdicts)


def decode_capture(
    source: str | Path | BinaryIO, *, stream: bool = False, label: str | None = None
) -> DecodeRun:
    """Every drone broadcast (Remote ID, DJI Wi-Fi DroneID, French beacon) in a pcap or
    pcapng capture, read once, by the fastest path that reads it."""
    from dronevet.broadcast.run import decode_capture as decode

    return decode(source, stream=stream, label=label)


def decode_iq(
    path: str | Path,
    *,
    sample_rate: float | None = None,
    centre_freq: float | None = None,
    dtype: str = "cf32",
) -> IqDecodeRun:
    """Every DJI OcuSync DroneID burst in an IQ recording (raw, `-` for stdin, or SigMF)."""
    from dronevet.broadcast.dji.ocusync.run import decode_iq as decode

    return decode(str(path), sample_rate=sample_rate, centre_freq=centre_freq, dtype=dtype)


def analyze_capture(
    source: str | Path | BinaryIO,
    *,
    device: str | None = None,
    as_of: When = None,
    kb: KnowledgeBase | None = None,
    label: str | None = None,
    asn_db: str | Path | None = None,
) -> LeakReport:
    """What a pcap or pcapng capture shows a device sending, and to whom (`dronevet leaks
    analyze`): destinations with owners, countries, networks and covered status, and
    findings. The networks (ASNs) come from the database in `asn_db`, else
    `DRONEVET_ASN_DB`, else the home's `data` folder (`dronevet.leaks.asn`)."""
    from dronevet.leaks.analysis import analyze
    from dronevet.leaks.asn import AsnDatabase

    networks = AsnDatabase.located(Settings.from_env(), Path(asn_db) if asn_db else None)
    return analyze(source, _kb(kb), parse_day(as_of), networks=networks, device=device,
                   label=label)


def compare_captures(
    first: str | Path,
    second: str | Path,
    *,
    device: str | None = None,
    as_of: When = None,
    kb: KnowledgeBase | None = None,
    asn_db: str | Path | None = None,
    labels: tuple[str, str] | None = None,
) -> LeakComparison:
    """Two captures of one device compared (`dronevet leaks compare A B`), for example
    Local Data Mode off and then on: what appeared, what disappeared, and whether each
    shows any connection to the internet. `labels` name the captures (default: their
    paths)."""
    from dronevet.leaks.analysis import compare

    base, day = _kb(kb), parse_day(as_of)
    names = labels or (None, None)
    return compare(*(
        analyze_capture(path, device=device, as_of=day, kb=base, asn_db=asn_db, label=name)
        for path, name in ((first, names[0]), (second, names[1]))
    ))
