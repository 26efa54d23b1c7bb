"""What every page a browser test visits must pass: a screenshot kept as a test artefact,
axe-core's accessibility rules run in the page with no serious or critical violation, and
the page's HTML source parsed without a single error by html5lib in strict mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import html5lib
from axe_playwright_python.sync_playwright import Axe

SERIOUS = frozenset({"serious", "critical"})


def check_page(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    found = Axe().run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at "
               f"{', '.join(str(n['target']) for n in v['nodes'][:3])}"
               for v in found if v.get("impact") in SERIOUS]
    assert not serious, f"{name}: accessibility violations:\n" + "\n".join(serious)
    source = page.request.get(page.url).text()
    html5lib.HTMLParser(strict=True).parse(source)
