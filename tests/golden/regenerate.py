"""Rewrite tests/golden/seed_rows.json from a flow run on seeds/articles (review the diff!).

    python tests/golden/regenerate.py      (from the project root, PREFECT_API_URL set or not)
"""
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flows.pipeline import pipeline  # noqa: E402
from tests.test_flow import GOLDEN, snapshot  # noqa: E402

if __name__ == "__main__":
    os.chdir(ROOT)  # sources are recorded as given: "seeds/articles/...", as the test runs them
    with tempfile.TemporaryDirectory() as tmp:
        pipeline(sources=["seeds/articles"], data_dir=tmp)
        rows = snapshot(Path(tmp))
    GOLDEN.write_text(json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n")
