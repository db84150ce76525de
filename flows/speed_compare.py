"""Extraction speed of several checkouts side by side: `python -m flows.speed_compare FOLDER OLD NEW...`.

Each checkout (a directory, e.g. `git worktree add /tmp/old f369ab3`) gets one Python process that
imports its own extractors and reads FOLDER's articles once. The processes then take turns, one
extraction pass each per round, in alternating order, so that whatever else the machine runs
weighs on every checkout alike. Each pass respaces the texts its own way ("the  ", ",  "), so that
no cache keyed on a sentence carries over from the pass before. Printed: the CPU seconds of a
pass, least and median, and each checkout's ratio to the first one's. A benchmark, never a test.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

# Runs inside each checkout: its own flows and transforms, whatever their age.
_WORKER = """
import gc, sys, time
sys.path.insert(0, ".")
from flows.reference import load_reference
from flows.sources import discover, read_file
from transforms.extract import ArticleText, extract_article
refs = load_reference()
articles = [a for path, name in discover(sys.argv[1]) for a in read_file(path, name) if not isinstance(a, Exception)]

def one_pass(k):
    texts = [(a, a.text.replace("the ", "the" + " " * (1 + k % 4)).replace(", ", "," + " " * (1 + k // 4 % 5)))
             for a in articles]
    gc.collect()
    start = time.process_time()
    for a, text in texts:
        extract_article(ArticleText(a.article_id, text, a.published_at), refs, run_id="speed",
                        extractor_version="speed")
    return time.process_time() - start

one_pass(-1)  # warm: imports, compiled patterns, reference data
print("ready", flush=True)
for line in sys.stdin:
    print(one_pass(int(line)), flush=True)
"""


def compare(folder: str, checkouts: list[str], rounds: int) -> dict[str, list[float]]:
    """CPU seconds of each checkout's passes, taken in turns."""
    workers = {c: subprocess.Popen([sys.executable, "-c", _WORKER, folder], cwd=c, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True) for c in checkouts}
    for checkout, worker in workers.items():
        if worker.stdout.readline().strip() != "ready":
            raise SystemExit(f"{checkout}: the extractors did not load")
    seconds: dict[str, list[float]] = {c: [] for c in checkouts}
    for k in range(rounds):
        for checkout in checkouts if k % 2 == 0 else checkouts[::-1]:
            workers[checkout].stdin.write(f"{k}\n")
            workers[checkout].stdin.flush()
            seconds[checkout].append(float(workers[checkout].stdout.readline()))
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    return seconds


def main() -> None:
    """Parse arguments, compare, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="articles to extract, e.g. the real-news texts")
    parser.add_argument("checkouts", nargs="+", help="checkout directories; the first is the yardstick")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    seconds = compare(args.folder, args.checkouts, args.rounds)
    least, median = min(seconds[args.checkouts[0]]), statistics.median(seconds[args.checkouts[0]])
    for checkout, values in seconds.items():
        print(f"{checkout}: least {min(values):.3f} s ({min(values) / least:.3f}), "
              f"median {statistics.median(values):.3f} s ({statistics.median(values) / median:.3f})")


if __name__ == "__main__":
    main()
