"""The compiled screening code indexes arrays without checks; a wrong index would read or
write memory silently. Here it runs with numba's bounds checking on, compiled afresh, over
seeded random names (boundscheck_fuzz.py): any out-of-range index raises there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_screening_stays_in_bounds_on_random_names(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_BOUNDSCHECK": "1", "NUMBA_CACHE_DIR": str(tmp_path)}
    script = Path(__file__).with_name("boundscheck_fuzz.py")
    done = subprocess.run(
        [sys.executable, str(script), "1500"], env=env, capture_output=True, text=True,
        timeout=900, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["1500"]
