"""The two sizes of the fuzz tests (`tests/test_fuzz.py`) and the count of what ran.

`voll` runs every example the tests were written with (over 5,700 per database): CI
(`CI=true`) and `make test FUZZ=voll`. `schnell` runs an eighth of them, for `make test`;
`kurz` a fortieth, for the edit–test loop (`make check`). All are Hypothesis profiles with a
fixed seed (derandomized), so a run finds the same examples as the run before it; the share is
what differs.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

#: The profile this run uses: `WRM_TEST_FUZZ` (voll|schnell|kurz), else `voll` in CI.
PROFIL = os.environ.get("WRM_TEST_FUZZ") or ("voll" if os.environ.get("CI") == "true"
                                            else "schnell")
#: Of the examples a test was written with, the share each profile runs.
ANTEILE = {"voll": 1.0, "schnell": 1 / 8, "kurz": 1 / 40}
if PROFIL not in ANTEILE:
    raise ValueError(f"WRM_TEST_FUZZ={PROFIL}: erlaubt sind {', '.join(ANTEILE)}")

settings.register_profile(
    "voll", deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large])
for _name in ("schnell", "kurz"):
    settings.register_profile(_name, parent=settings.get_profile("voll"))
#: The settings every fuzz test starts from (only those tests: other Hypothesis tests keep
#: their own), with `beispiele` for its size.
PROFILEINSTELLUNGEN = settings.get_profile(PROFIL)

#: Examples that ran, per test function, in this process.
GELAUFEN: Counter[str] = Counter()


def beispiele(voll: int) -> int:
    """How many examples a test written for `voll` runs in this profile."""
    return voll if PROFIL == "voll" else max(10, round(voll * ANTEILE[PROFIL]))


def gelaufen(test: str) -> None:
    """Count one example of `test` (called from inside the example)."""
    GELAUFEN[test] += 1
