"""Mutation testing for dronevet: do the tests notice when the code is subtly wrong?

For each target module the tool parses the source with `ast`, lists the places where a
small, plausible bug can be planted (a mutant), and runs the tests that cover the module
once per mutant. A mutant the tests fail on is *killed*; one they pass on *survived* (the
tests cannot tell that code from the real one: a missing test, or an equivalent mutant);
one that runs past the time limit *timed out* (counted as killed: the tests noticed).

Mutation operators, one change per mutant:
- comparison boundaries: `<` <-> `<=`, `>` <-> `>=`, `==` <-> `!=`, `is` <-> `is not`,
  `in` <-> `not in`;
- arithmetic and bits: `+` <-> `-`, `*` <-> `/`, `//` -> `/`, `<<` <-> `>>`, `&` <-> `|`
  (also in augmented assignments such as `+=`);
- logic: `and` <-> `or`, `not x` -> `x`, an `if` (or `x if c else y`) condition negated;
- constants: `True` <-> `False`, small integers (|n| <= 256) one up and one down;
- `return value` -> `return None`;
- a simple statement in a loop body (an `append`, an assignment, a `yield`, `continue`,
  `break`) replaced by `pass`.
Docstrings, annotations, f-strings, `slots=` and cache or buffer sizes (`maxsize=`,
`buffering=`) are left alone: changing them changes no behaviour a test could see.

The repository is never changed in place. Each worker copies `src/`, `tests/`,
`pyproject.toml` and the test data under `bench/` into a temporary directory, writes one
mutant at a time into its copy of the module (the original is restored after the run),
and runs pytest there with `PYTHONPATH` pointing at the copied `src/`, bytecode caches off
(so a mutant is never masked by a stale `.pyc`), the hypothesis seed fixed (so every mutant
meets the same examples) and `DRONEVET_SHARED` pointing at the real `../shared` captures.
Before the mutants, each module's tests run once on the unmutated copy: a module whose
tests fail or do not import from the copy is reported and skipped, not scored.

Numba: functions compiled with `numba.njit` (or `jit`, `vectorize`, ...) are skipped by
default (`--numba skip`). Running their mutants with `NUMBA_DISABLE_JIT=1` would test
other code than ships: without the JIT, integer arithmetic no longer wraps at 64 bits and
typed containers and structrefs behave differently, so "killed" would not mean the tests
caught the bug. `--numba jit` keeps the JIT on and mutates those functions too: each mutant
then recompiles (the copy's numba cache is cleared for that module), which is slow but
honest. `--numba nojit` runs everything with `NUMBA_DISABLE_JIT=1`, for a quick look only.

Usage (from the repository root):

    .venv/bin/python bench/mutation.py                       # the default modules
    .venv/bin/python bench/mutation.py src/dronevet/broadcast/tracker.py \\
        src/dronevet/broadcast/remoteid --max-mutants-per-module 40 --jobs 2 \\
        --report /tmp/research/mutation-broadcast.md
    .venv/bin/python bench/mutation.py src/dronevet/capture/pcapng.py --list   # show mutants

A target is a module file or a package directory (every module in it except empty ones).
Tests per module come from `TESTS_FOR` (glob patterns, longest matching prefix wins);
`--tests` overrides them for every target; `--tests-root DIR` takes the `tests/` folder from
DIR instead (e.g. an export of an older commit, to compare scores), and `--code-root DIR`
the code (`src/`, `bench/`, `pyproject.toml`), so a run can use a fixed snapshot while the
working tree changes under it. The score per module is
(killed + timed out) / mutants run; survivors are listed with file, line and the change.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_TARGETS = (
    "src/dronevet/policy/evaluate.py",
    "src/dronevet/policy/rules.py",
    "src/dronevet/screening/control.py",
    "src/dronevet/broadcast/remoteid",
    "src/dronevet/capture/pcapng.py",
    "src/dronevet/knowledge/imports.py",
    "src/dronevet/store/import_files.py",
    "src/dronevet/broadcast/tracker.py",
    "src/dronevet/broadcast/detection.py",
    "src/dronevet/broadcast/dji/ocusync/payload.py",
    "src/dronevet/broadcast/dji/lte/crc.py",
)

# Module path prefix -> the tests that cover it (globs, relative to the repository root).
TESTS_FOR: dict[str, tuple[str, ...]] = {
    "src/dronevet/policy/": ("tests/policy", "tests/commands/test_vet_cli.py"),
    "src/dronevet/screening/control.py": (
        "tests/screening/test_screening_control*.py",
        "tests/screening/test_screening_chains.py",
        "tests/screening/test_screening_shared_words.py",
        "tests/commands/test_screen_cli.py",
    ),
    "src/dronevet/screening/": ("tests/screening",),
    "src/dronevet/knowledge/imports.py": (
        "tests/knowledge",
        "tests/store/test_import_files.py",
        "tests/commands/test_kb_cli.py",
        "tests/test_api.py",
    ),
    "src/dronevet/knowledge/": ("tests/knowledge", "tests/commands/test_kb_cli.py"),
    "src/dronevet/store/": ("tests/store", "tests/commands/test_kb_cli.py"),
    "src/dronevet/broadcast/remoteid/": (
        "tests/broadcast/test_remoteid_*.py",
        "tests/broadcast/test_rid_*.py",
        "tests/broadcast/test_fr_beacon_decode.py",
        "tests/capture/test_capture_link_layers.py",
        "tests/commands/test_rid_decode_cli.py",
    ),
    "src/dronevet/broadcast/detection.py": (
        "tests/broadcast/test_tracker*.py",
        "tests/broadcast/test_detection*.py",
        "tests/broadcast/test_rid_pipeline_frames.py",
        "tests/commands/test_rid_tracks_cli.py",
    ),
    "src/dronevet/broadcast/tracker.py": (
        "tests/broadcast/test_tracker*.py",
        "tests/broadcast/test_fr_beacon_decode.py",
        "tests/commands/test_rid_tracks_cli.py",
    ),
    "src/dronevet/broadcast/dji/ocusync/": (
        "tests/broadcast/test_ocusync_*.py",
        "tests/broadcast/test_remoteid_field_oracles.py",
    ),
    "src/dronevet/broadcast/dji/lte/": (
        "tests/broadcast/test_lte_*.py",
        "tests/broadcast/test_ocusync_real_sample.py",
    ),
    "src/dronevet/broadcast/": ("tests/broadcast",),
    "src/dronevet/capture/": ("tests/capture", "tests/broadcast/test_rid_*.py"),
}

NUMBA_DECORATORS = frozenset(
    {"njit", "jit", "vectorize", "guvectorize", "cfunc", "stencil", "generated_jit"}
)
NO_BEHAVIOUR_KEYWORDS = frozenset({"maxsize", "buffering", "stacklevel", "slots"})
SMALL_INT = 256

COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}  # fmt: skip
BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.LShift: ast.RShift, ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd,
}  # fmt: skip
SYMBOLS: dict[type[ast.AST], str] = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.Add: "+",
    ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.LShift: "<<",
    ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.And: "and", ast.Or: "or",
}  # fmt: skip
LOOP_STATEMENTS = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Continue, ast.Break)

KILLED, SURVIVED, TIMEOUT, ERROR = "killed", "survived", "timeout", "error"


@dataclass(frozen=True, slots=True)
class Mutant:
    """One planted change: where it is in the module's source and what replaces what."""

    module: str  # path relative to the repository root
    line: int
    col: int  # UTF-8 byte offset in the line, as `ast` counts
    end_line: int
    end_col: int
    kind: str
    original: str
    replacement: str

    def describe(self) -> str:
        """`kind: original -> replacement`, shortened to one line."""
        return f"{self.kind}: {_short(self.original)} -> {_short(self.replacement)}"


@dataclass(slots=True)
class Outcome:
    """What the tests made of one mutant."""

    mutant: Mutant
    status: str
    seconds: float


@dataclass(slots=True)
class ModuleReport:
    """Every outcome for one module, and why it was skipped when it was."""

    module: str
    tests: tuple[str, ...]
    sites: int = 0
    numba_skipped: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    skipped_because: str | None = None

    def count(self, status: str) -> int:
        """How many mutants ended with `status`."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def score(self) -> float | None:
        """(killed + timed out) / (mutants with a verdict); None when none ran."""
        judged = len(self.outcomes) - self.count(ERROR)
        return None if not judged else (self.count(KILLED) + self.count(TIMEOUT)) / judged


def _short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


# --- finding mutants ------------------------------------------------------------------------


def _is_numba(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in NUMBA_DECORATORS


class _SiteFinder(ast.NodeVisitor):
    """Walks a module and collects every mutant, skipping code that carries no behaviour."""

    def __init__(self, module: str, source: bytes, numba: str) -> None:
        self.module = module
        self.source = source
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.numba = numba
        self.mutants: list[Mutant] = []
        self.numba_skipped = 0
        self._in_numba = False

    # positions and text
    def _offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def _text(self, node: ast.AST) -> str:
        start = self._offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self._offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return self.source[start:end].decode("utf-8")

    def _add(self, node: ast.AST, kind: str, replacement: str) -> None:
        if self._in_numba:
            self.numba_skipped += 1
            return
        self.mutants.append(Mutant(
            self.module, node.lineno, node.col_offset,  # type: ignore[attr-defined]
            node.end_lineno, node.end_col_offset,  # type: ignore[attr-defined]
            kind, self._text(node), replacement,
        ))  # fmt: skip

    # what is not mutated
    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # f-strings: message text, and their positions are unreliable before 3.12

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)  # the annotation itself is not code that runs

    def visit_arg(self, node: ast.arg) -> None:
        return  # annotations of arguments

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg not in NO_BEHAVIOUR_KEYWORDS:
            self.visit(node.value)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit(node.args)  # default values (annotations are skipped by visit_arg)
        compiled = any(_is_numba(d) for d in node.decorator_list) and self.numba == "skip"
        outer, self._in_numba = self._in_numba, self._in_numba or compiled
        for statement in node.body:
            self.visit(statement)
        self._in_numba = outer

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    # mutants
    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            swap = COMPARE_SWAPS.get(type(op))
            if swap is not None:
                mutated = copy.deepcopy(node)
                mutated.ops[index] = swap()
                kind = f"{SYMBOLS[type(op)]} -> {SYMBOLS[swap]}"
                self._add(node, kind, f"({ast.unparse(mutated)})")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = BINOP_SWAPS.get(type(node.op))
        if swap is not None:
            mutated = copy.deepcopy(node)
            mutated.op = swap()
            self._add(node, f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[swap]}",
                      f"({ast.unparse(mutated)})")  # fmt: skip
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        swap = BINOP_SWAPS.get(type(node.op))
        if swap is not None:
            mutated = copy.deepcopy(node)
            mutated.op = swap()
            self._add(node, f"{SYMBOLS[type(node.op)]}= -> {SYMBOLS[swap]}=", ast.unparse(mutated))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        mutated = copy.deepcopy(node)
        mutated.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        self._add(node, f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[type(mutated.op)]}",
                  f"({ast.unparse(mutated)})")  # fmt: skip
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._add(node, "not removed", f"({ast.unparse(node.operand)})")
        self.generic_visit(node)

    def _negate_test(self, test: ast.expr) -> None:
        self._add(test, "condition negated", f"(not ({ast.unparse(test)}))")

    def visit_If(self, node: ast.If) -> None:
        self._negate_test(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._negate_test(node.test)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self._add(node, f"{value} -> {not value}", f"({not value})")
        elif isinstance(value, int) and abs(value) <= SMALL_INT:
            self._add(node, f"{value} -> {value + 1}", f"({value + 1})")
            self._add(node, f"{value} -> {value - 1}", f"({value - 1})")

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            self._add(value, "return value -> None", "None")
        self.generic_visit(node)

    def _visit_loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        for statement in node.body:
            docstring = isinstance(statement, ast.Expr) and isinstance(statement.value,
                                                                       ast.Constant)
            if isinstance(statement, LOOP_STATEMENTS) and not docstring:
                self._add(statement, "loop statement deleted", "pass")
        self.generic_visit(node)

    visit_For = _visit_loop
    visit_AsyncFor = _visit_loop
    visit_While = _visit_loop

    def visit_Expr(self, node: ast.Expr) -> None:
        if not isinstance(node.value, ast.Constant):  # a docstring or a bare constant
            self.generic_visit(node)


def find_mutants(
    module: str, numba: str = "skip", code_root: Path = ROOT
) -> tuple[list[Mutant], int]:
    """Every mutant of `module` (path relative to the root), and how many numba skipped."""
    source = (code_root / module).read_bytes()
    finder = _SiteFinder(module, source, numba)
    finder.visit(ast.parse(source))
    return finder.mutants, finder.numba_skipped


def apply_mutant(source: bytes, mutant: Mutant) -> bytes:
    """The module's source with the one change of `mutant` made."""
    lines = source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: mutant.line - 1]) + mutant.col
    end = sum(len(line) for line in lines[: mutant.end_line - 1]) + mutant.end_col
    return source[:start] + mutant.replacement.encode("utf-8") + source[end:]


def sample(mutants: list[Mutant], limit: int | None, seed: int, module: str) -> list[Mutant]:
    """At most `limit` mutants, drawn the same way every run for one seed and module."""
    if limit is None or len(mutants) <= limit:
        return list(mutants)
    chosen = random.Random(f"{seed}:{module}").sample(range(len(mutants)), limit)
    return [mutants[index] for index in sorted(chosen)]


# --- running tests in a copy ----------------------------------------------------------------


def expand_targets(targets: Sequence[str], code_root: Path = ROOT) -> list[str]:
    """Module paths relative to the root: files as given, packages as their non-empty modules."""
    modules: list[str] = []
    root = code_root.resolve()
    for target in targets:
        path = (root / target).resolve()
        if path.is_dir():
            found = sorted(p for p in path.glob("*.py") if p.read_text().strip())
            modules += [str(p.relative_to(root)) for p in found]
        elif path.is_file():
            modules.append(str(path.relative_to(root)))
        else:
            raise SystemExit(f"mutation: no module or package at {target}")
    return list(dict.fromkeys(modules))


def tests_for(module: str) -> tuple[str, ...]:
    """The test globs of the longest `TESTS_FOR` prefix matching `module`."""
    matches = [prefix for prefix in TESTS_FOR if module.startswith(prefix)]
    if not matches:
        raise SystemExit(f"mutation: no tests are mapped to {module}; pass --tests")
    return TESTS_FOR[max(matches, key=len)]


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    junk = {"__pycache__", ".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache", "out"}
    return {n for n in names if n in junk or n.endswith((".pyc", ".nbi", ".nbc"))}


class Workspace:
    """A private copy of the repository's code and tests that one worker mutates."""

    def __init__(self, code_root: Path = ROOT, tests_root: Path | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="dronevet-mutation-"))
        for name in ("src", "tests", "bench"):
            origin = (tests_root or ROOT) / name if name == "tests" else code_root / name
            if origin.is_dir():
                shutil.copytree(origin, self.root / name, ignore=_copy_ignore)
        shutil.copy2(code_root / "pyproject.toml", self.root / "pyproject.toml")

    def env(self, numba: str) -> dict[str, str]:
        """The environment of a test run: the copy's `src` first, no bytecode caches."""
        env = dict(os.environ)
        env["PYTHONPATH"] = str(self.root / "src")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.setdefault("DRONEVET_SHARED", str(ROOT.parent / "shared"))
        if numba == "nojit":
            env["NUMBA_DISABLE_JIT"] = "1"
        return env

    def test_paths(self, patterns: Sequence[str]) -> list[str]:
        """The globs expanded in the copy (files and folders that exist)."""
        paths: list[str] = []
        for pattern in patterns:
            paths += sorted(str(p.relative_to(self.root)) for p in self.root.glob(pattern))
        return paths

    def imports_from_copy(self, numba: str) -> bool:
        """Whether `import dronevet` in a test run loads the copy, not the real tree."""
        probe = [sys.executable, "-c", "import dronevet; print(dronevet.__file__)"]
        out = subprocess.run(probe, cwd=self.root, env=self.env(numba), capture_output=True,
                             text=True, check=False)  # fmt: skip
        return out.stdout.strip().startswith(str(self.root))

    def run_tests(self, tests: Sequence[str], timeout: float, numba: str) -> tuple[str, float]:
        """Run pytest on `tests` in the copy: (killed / survived / timeout / error, seconds)."""
        shutil.rmtree(self.root / ".hypothesis", ignore_errors=True)  # no examples carried over
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                   "--hypothesis-seed=0", *tests]  # fmt: skip
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=self.root, env=self.env(numba),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)  # fmt: skip
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return TIMEOUT, time.monotonic() - started
        seconds = time.monotonic() - started
        if code == 0:
            return SURVIVED, seconds
        if code in (1, 2, 3):  # failures, an import broken by the mutant, an internal error
            return KILLED, seconds
        return ERROR, seconds  # 4: usage error, 5: no tests collected

    def run_mutant(self, mutant: Mutant, tests: Sequence[str], timeout: float,
                   numba: str) -> Outcome:  # fmt: skip
        """Plant `mutant` in the copy, run the tests, put the original back."""
        path = self.root / mutant.module
        original = path.read_bytes()
        path.write_bytes(apply_mutant(original, mutant))
        if numba == "jit":
            for cached in path.parent.glob(f"__pycache__/{path.stem}.*.nb[ic]"):
                cached.unlink()
        try:
            status, seconds = self.run_tests(tests, timeout, numba)
        finally:
            path.write_bytes(original)
        return Outcome(mutant, status, seconds)

    def remove(self) -> None:
        """Delete the copy."""
        shutil.rmtree(self.root, ignore_errors=True)


# --- the run --------------------------------------------------------------------------------


def run(
    modules: Sequence[str], *, limit: int | None, seed: int, jobs: int, timeout: float | None,
    numba: str, tests_override: Sequence[str] | None, progress: Callable[[str], None],
    tests_root: Path | None = None, code_root: Path = ROOT,
) -> list[ModuleReport]:
    """Mutate every module and run its tests per mutant, `jobs` copies at a time."""
    pool: Queue[Workspace] = Queue()
    workspaces = [Workspace(code_root, tests_root) for _ in range(max(jobs, 1))]
    for workspace in workspaces:
        pool.put(workspace)
    reports: list[ModuleReport] = []
    lock = threading.Lock()
    try:
        for module in modules:
            patterns = tuple(tests_override) if tests_override else tests_for(module)
            report = ModuleReport(module, patterns)
            reports.append(report)
            mutants, report.numba_skipped = find_mutants(module, numba, code_root)
            report.sites = len(mutants)
            chosen = sample(mutants, limit, seed, module)
            if not chosen:
                report.skipped_because = "no mutants (nothing but declarations)"
                continue
            first = workspaces[0]
            tests = first.test_paths(patterns)
            if not tests:
                report.skipped_because = f"no tests found for {', '.join(patterns)}"
                continue
            if not first.imports_from_copy(numba):
                report.skipped_because = "the test run does not import dronevet from the copy"
                continue
            baseline, seconds = first.run_tests(tests, timeout or 600.0, numba)
            if baseline != SURVIVED:
                report.skipped_because = f"its tests do not pass unmutated ({baseline})"
                continue
            limit_s = timeout if timeout is not None else max(20.0, 4.0 * seconds)
            progress(f"{module}: {len(chosen)} of {len(mutants)} mutants, tests "
                     f"{seconds:.1f} s unmutated, limit {limit_s:.0f} s")  # fmt: skip

            def one(mutant: Mutant, tests: list[str] = tests, limit_s: float = limit_s,
                    report: ModuleReport = report) -> None:  # fmt: skip
                workspace = pool.get()
                try:
                    outcome = workspace.run_mutant(mutant, tests, limit_s, numba)
                finally:
                    pool.put(workspace)
                with lock:
                    report.outcomes.append(outcome)
                    if outcome.status != KILLED:
                        progress(f"  {outcome.status}: {mutant.module}:{mutant.line}: "
                                 f"{mutant.describe()}")  # fmt: skip

            with ThreadPoolExecutor(max_workers=max(jobs, 1)) as executor:
                list(executor.map(one, chosen))
            report.outcomes.sort(key=lambda o: (o.mutant.line, o.mutant.col, o.mutant.kind))
    finally:
        for workspace in workspaces:
            workspace.remove()
    return reports


def _score_text(report: ModuleReport) -> str:
    score = report.score
    return "-" if score is None else f"{100 * score:.0f} %"


def summary_lines(reports: Sequence[ModuleReport]) -> Iterator[str]:
    """The per-module scores and the survivors, as plain text."""
    yield f"{'module':58} {'run':>4} {'kill':>4} {'surv':>4} {'time':>4} {'err':>4} score"
    for r in reports:
        if r.skipped_because:
            yield f"{r.module:58} skipped: {r.skipped_because}"
            continue
        yield (f"{r.module:58} {len(r.outcomes):4} {r.count(KILLED):4} {r.count(SURVIVED):4} "
               f"{r.count(TIMEOUT):4} {r.count(ERROR):4} {_score_text(r)}")  # fmt: skip
    survivors = [o for r in reports for o in r.outcomes if o.status in (SURVIVED, ERROR)]
    if survivors:
        yield ""
        yield "survivors:"
        for o in survivors:
            flag = "" if o.status == SURVIVED else " (error)"
            yield f"  {o.mutant.module}:{o.mutant.line}: {o.mutant.describe()}{flag}"


def markdown(reports: Sequence[ModuleReport], argv: Sequence[str]) -> str:
    """The report as Markdown: command, table of scores, survivors per module."""
    out = ["# Mutation testing", "", f"Command: `{' '.join(argv)}`", "",
           "| module | sites | run | killed | survived | timed out | error | numba skipped"
           " | score |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in reports:
        if r.skipped_because:
            out.append(f"| {r.module} | {r.sites} | skipped: {r.skipped_because} ||||||| |")
            continue
        out.append(f"| {r.module} | {r.sites} | {len(r.outcomes)} | {r.count(KILLED)} | "
                   f"{r.count(SURVIVED)} | {r.count(TIMEOUT)} | {r.count(ERROR)} | "
                   f"{r.numba_skipped} | {_score_text(r)} |")  # fmt: skip
    for r in reports:
        left = [o for o in r.outcomes if o.status in (SURVIVED, ERROR)]
        if not left:
            continue
        out += ["", f"## {r.module}", "", f"Tests: {', '.join(r.tests)}", ""]
        for o in left:
            m = o.mutant
            note = "" if o.status == SURVIVED else " (pytest error)"
            out.append(f"- line {m.line}: {m.kind}: `{_short(m.original)}` -> "
                       f"`{_short(m.replacement)}`{note}")  # fmt: skip
    return "\n".join(out) + "\n"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("targets", nargs="*", default=list(DEFAULT_TARGETS),
                        help="module files or package folders (default: the built-in list)")
    parser.add_argument("--max-mutants-per-module", type=int, default=None, metavar="N",
                        help="run at most N mutants per module, sampled with --seed")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument("--jobs", type=int, default=2, help="test runs at a time (default 2)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="limit per mutant (default: 4x the unmutated run, at least 20 s)")
    parser.add_argument("--numba", choices=("skip", "jit", "nojit"), default="skip",
                        help="numba-compiled functions: skip them (default), mutate them with "
                             "the JIT on, or run everything with NUMBA_DISABLE_JIT=1")
    parser.add_argument("--tests", nargs="+", default=None, metavar="PATH",
                        help="test paths or globs for every target, instead of TESTS_FOR")
    parser.add_argument("--tests-root", type=Path, default=None, metavar="DIR",
                        help="take tests/ from DIR instead of the repository")
    parser.add_argument("--code-root", type=Path, default=ROOT, metavar="DIR",
                        help="take src/, bench/ and pyproject.toml from DIR (a snapshot, e.g. "
                             "`git archive HEAD src bench pyproject.toml`) instead")
    parser.add_argument("--report", type=Path, default=None, help="also write Markdown here")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    return parser.parse_args(argv)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mutation tester; 0 when it ran (survivors are findings, not failures)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    modules = expand_targets(args.targets, args.code_root)
    if args.list:
        for module in modules:
            mutants, skipped = find_mutants(module, args.numba, args.code_root)
            chosen = sample(mutants, args.max_mutants_per_module, args.seed, module)
            print(f"{module}: {len(chosen)} of {len(mutants)} mutants, {skipped} in numba code")
            for m in chosen:
                print(f"  {m.line}:{m.col}: {m.describe()}")
        return 0

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    reports = run(modules, limit=args.max_mutants_per_module, seed=args.seed, jobs=args.jobs,
                  timeout=args.timeout, numba=args.numba, tests_override=args.tests,
                  progress=progress, tests_root=args.tests_root,
                  code_root=args.code_root)  # fmt: skip
    for line in summary_lines(reports):
        print(line)
    if args.report is not None:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        command = ["bench/mutation.py", *(sys.argv[1:] if argv is None else argv)]
        args.report.write_text(markdown(reports, command))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
