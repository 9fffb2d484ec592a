"""apidrift's hypothesis profiles: `apidrift-ci` (few examples, deterministic) and `apidrift-nightly`
(deep), and the one a fuzz test runs under. Importing this module loads only the standard library."""

from __future__ import annotations

import os
from typing import Any, Final

PROFILES: Final = {"apidrift-ci": 10, "apidrift-nightly": 500}


def register_hypothesis_profiles() -> None:
    """`apidrift-ci` (few examples, deterministic, no database) and `apidrift-nightly` (deep)."""
    from hypothesis import HealthCheck, Phase, settings

    quiet = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
    settings.register_profile(
        "apidrift-ci",
        max_examples=PROFILES["apidrift-ci"],
        deadline=None,
        derandomize=True,
        database=None,
        # The explain phase traces every line the failing case runs: seconds per failure over HTTP.
        phases=[p for p in Phase if p is not Phase.explain],
        suppress_health_check=quiet,
    )
    settings.register_profile(
        "apidrift-nightly",
        max_examples=PROFILES["apidrift-nightly"],
        deadline=None,
        suppress_health_check=quiet,
    )


def active_profile() -> Any:
    """The hypothesis settings of apidrift's fuzz tests: `--hypothesis-profile apidrift-…` when given,
    else `$HYPOTHESIS_PROFILE`, else `apidrift-ci`; applied per test (`@active_profile()`), never globally."""
    from hypothesis import settings

    register_hypothesis_profiles()
    current = settings.get_current_profile_name()
    name = current if current in PROFILES else os.environ.get("HYPOTHESIS_PROFILE", "")
    return settings.get_profile(name if name in PROFILES else "apidrift-ci")
