"""Every command, given hostile arguments, answers with an exit code and one sentence.

Console markup (`[/x]`), control characters, very long strings, binary junk, `inf`, `nan`
and negative numbers must never crash a command or lose what the user typed: a usage
error exits 2, bad input exits 3 with one `error:` sentence, and a free-text argument the
command can answer (a name to screen) is answered, printed literally. No traceback ever.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from commands.conftest import output_of

Run = Callable[..., Result]

HOSTILE = {
    "markup": "[bold]Acme[/] [/x] [link=file:///etc/passwd]x[/link]",
    "control": "Acme\x07\x1b[31mRed\x1b[0m\tTab\rReturn",
    "long": "Acme " * 4000,
    "junk": bytes(range(1, 256)).decode("latin-1"),
    "inf": "inf",
    "nan": "nan",
    "negative": "-1",
    "empty": "",
}

# Where a hostile value goes: {} is replaced by it. Each command's positional arguments
# and every option that takes a value people type.
COMMANDS = [
    ("vet", "{}"),
    ("vet", "M30T", "--policy", "{}"),
    ("vet", "M30T", "--use", "{}"),
    ("vet", "M30T", "--as-of", "{}"),
    ("vet", "M30T", "--mission", "{}"),
    ("vet", "--bom", "{}"),
    ("screen", "{}"),
    ("screen", "DJI", "--as-of", "{}"),
    ("screen", "DJI", "--threshold", "{}"),
    ("demo", "--text", "--as-of", "{}"),
    ("demo", "--port", "{}", "--no-serve"),
    ("report", "memo", "{}", "-o", "memo.html"),
    ("report", "memo", "M30T", "--as-of", "{}", "-o", "memo.html"),
    ("report", "memo", "M30T", "--org", "{}", "-o", "memo.html"),
    ("report", "memo", "M30T", "-o", "{}"),
    ("report", "memo", "--bom", "{}", "-o", "memo.html"),
    ("report", "fleet", "--org", "{}", "-o", "fleet.html"),
    ("report", "fleet", "--org", "Unit", "--as-of", "{}", "-o", "fleet.html"),
    ("kb", "show", "{}"),
    ("kb", "import", "{}"),
    ("kb", "remove-import", "{}"),
    ("kb", "import", "missing.jsonl", "--name", "{}"),
    ("rid", "decode", "{}"),
    ("rid", "live", "--replay", "{}"),
    ("rid", "live", "--replay", "x.pcap", "--mqtt", "{}"),
    ("droneid", "decode", "{}", "--sample-rate", "50e6"),
    ("droneid", "decode", "x.fc32", "--sample-rate", "{}"),
    ("droneid", "decode", "x.fc32", "--sample-rate", "50e6", "--center-freq", "{}"),
    ("leaks", "analyze", "{}"),
    ("leaks", "analyze", "x.pcap", "--as-of", "{}"),
    ("leaks", "compare", "{}", "x.pcap"),
    ("policies", "--format", "{}"),
    ("models", "--format", "{}"),
    ("fleet", "org", "{}", "--policies", "asda"),
    ("fleet", "org", "Unit", "--policies", "{}"),
    ("fleet", "org", "Unit", "--policies", "asda", "--uses", "{}"),
    ("fleet", "org", "Unit", "--policies", "asda", "--fiscal-year-start", "{}"),
    ("fleet", "list", "--org", "{}"),
    ("fleet", "import", "{}", "--org", "Unit"),
    ("fleet", "import", "x.fc32", "--org", "Unit", "--column", "{}"),
    ("fleet", "status", "--org", "{}"),
    ("fleet", "status", "--org", "Unit", "--as-of", "{}"),
    ("fleet", "timeline", "--org", "{}"),
    ("fleet", "export", "--org", "{}", "out.csv"),
    ("fleet", "waiver", "list", "--org", "{}"),
    ("fleet", "waiver", "decide", "{}", "--approve", "--reason", "r"),
    ("audit", "verify", "--anchor", "{}"),
]

# Free-text positions a command answers (a name to screen may be anything; an
# organisation may be called anything the store can hold).
ANSWERS = {("screen", "{}"), ("fleet", "org", "{}", "--policies", "asda")}


def _args(template: tuple[str, ...], value: str) -> list[str]:
    return [value if part == "{}" else part for part in template]


@pytest.fixture
def iq_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory with a tiny valid IQ file as x.fc32."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "x.fc32"
    path.write_bytes(bytes(8 * 64))
    return path


@pytest.mark.parametrize("template", COMMANDS, ids=lambda t: " ".join(t))
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_argument_gets_an_exit_code_and_one_sentence(
    run: Run, iq_file: Path, template: tuple[str, ...], kind: str
) -> None:
    result = run(*_args(template, HOSTILE[kind]))
    text = output_of(result)
    assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{template} with {kind}: {result.exception!r}"
    )
    if result.exit_code == 0:
        assert template in ANSWERS or kind in ("inf", "negative", "nan"), (template, kind)
        return
    assert result.exit_code in (2, 3), (template, kind, result.exit_code, text)
    if result.exit_code == 3:
        assert text.count("error:") == 1, text


@pytest.mark.parametrize("kind", ["markup", "control", "junk"])
def test_what_the_user_typed_is_printed_literally(run: Run, kind: str) -> None:
    value = HOSTILE[kind]
    result = run("vet", value, "--policy", "asda")
    assert result.exit_code == 3
    # The message repeats the name as typed (repr, so control characters show as escapes).
    assert repr(value)[1:-1][:40] in output_of(result)


def test_markup_in_a_name_to_screen_is_neither_interpreted_nor_stripped(run: Run) -> None:
    result = run("screen", HOSTILE["markup"])
    assert result.exit_code == 0, output_of(result)
    assert "[/x]" in result.output and "[bold]Acme[/]" in result.output


def test_inf_and_nan_sample_rates_are_bad_input(run: Run, iq_file: Path) -> None:
    for value in ("inf", "nan", "-5", "0"):
        result = run("droneid", "decode", str(iq_file), "--sample-rate", value)
        assert result.exit_code == 3, (value, output_of(result))
        assert "positive number" in output_of(result)
