"""Shared fixtures: one Prefect test server per session, reference data, sample text."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check what holds, not how fast: on a loaded 2-core CI machine one example may
# take longer than hypothesis's default 200 ms deadline. Speed is measured by tests of growth.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "articles" / "seed-ai-race.txt"


@pytest.fixture(scope="session")
def prefect_server():
    """A throwaway Prefect API for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def refs():
    """The project's reference data (gazetteer and currency rates)."""
    from flows.reference import load_reference

    return load_reference()


@pytest.fixture(scope="session")
def seed_text() -> str:
    from transforms.text import normalise_text

    return normalise_text(SEED.read_text(encoding="utf-8"))
