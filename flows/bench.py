"""`make bench`: throughput of the real flow on a generated corpus. A benchmark, never a test.

BENCH_N articles (default 2000) are generated from a fixed seed out of sentence templates, then
the flow runs over them on every core, and the same transforms run in a plain Python loop.
Extraction alone is also timed on one core (the best of three repeats), on the corpus (its first
1,000 articles, so that the bench's own time and memory do not grow with BENCH_N) and on
BENCH_SOURCE (a folder of real articles) when given, also as `extract_vs_tokenize`: its time over
one regex tokenization pass of the same texts, a figure that does not depend on the machine.
BENCH_N=0 with BENCH_SOURCE times extraction alone, to compare two commits in one session.
"""
from __future__ import annotations

import os
import random
import re
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

T0 = time.perf_counter()

from flows.pipeline import BATCH_SIZE, ad_hoc_settings, cpu_count, start_api, with_workers  # noqa: E402 - import cost is measured
from flows.reference import load_reference  # noqa: E402
from flows.sources import discover, read_file  # noqa: E402
from transforms.extract import ArticleText, extract_article  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - T0
RATE_ARTICLES = 1000  # generated articles extraction alone is timed on, whatever BENCH_N
DATA = Path(__file__).resolve().parent.parent / "data"
KNOWN = ["Nvidia", "Alibaba Group", "Tencent Holdings", "Microsoft", "Zhipu AI", "MiniMax", "Baidu", "SoftBank Group",
         "OpenAI", "Anthropic", "CATL", "Constellation Energy", "Sequoia Capital", "Meituan", "Amazon", "Google"]
PREFIXES = ["Lumora", "Qilin", "Arden", "Huaxin", "Brightpath", "Xinghe", "Solace", "Tianyu", "Northwind", "Kestrel"]
SUFFIXES = ["Robotics Inc", "Compute Ltd", "Semiconductor", "AI Technology", "Energy Co", "Capital Partners"]
PEOPLE = ["Li Wei", "Zhang Min", "Sarah Cole", "David Park", "Wang Fang", "Maria Lopez", "Chen Jie", "Tom Reed"]
ROLES = ["chief executive", "founder and chief executive", "chief financial officer", "head of research"]
PLACES = ["Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Singapore", "San Francisco", "London", "Tokyo"]
REGIONS = ["US", "China", "the European Union", "Japan", "India", "global"]
TEMPLATES = [
    "{place}-based start-up {new} raised {money} in a Series {round} round led by {known}, the company said on {day}.",
    "{known} agreed to invest up to {money} in {new}, people familiar with the matter said.",
    "{new} raised {money} in its initial public offering in Hong Kong, pricing the deal at the top of its range.",
    "\"Demand is real,\" said {person}, {role} of {known}, adding that the market remained tight.",
    "{region} data centre electricity demand is expected to reach {twh} TWh by {year}, analysts estimate.",
    "Installed solar capacity rose {pct}% to about {gw} GW in {past}, according to official data.",
    "{known} plans to spend about {money} on capital projects this year, up from {money2} a year earlier.",
    "The probability of a breakthrough over the next three to five years is below {pct}%, {person} said.",
    "Shares of {new} rose {pct}% on their first day of trade, giving the company a market value of {money2}.",
    "Analysts said the sector would keep consolidating as costs rise and customers demand more computing power.",
    "Regulators in {place} have sped up approvals for chip and AI issuers over the past year.",
    "{region} wind capacity grew {pct}% to {gw} GW at the end of {past}, while coal plants added {gw2} GW.",
    # Narrative without figures, as most of a news story is.
    "Executives at {known} have argued that access to cheap and reliable power, rather than chips alone, "
    "will decide which companies can deploy artificial intelligence at scale over the coming decade.",
    "The company, which sells mainly to enterprises and government bodies, has been expanding overseas as "
    "competition at home intensifies and price wars squeeze the margins of consumer chatbot makers.",
    "Investors have been scrambling for exposure to the sector, although some brokers warned that first-day "
    "gains of this size have historically marked a peak in sentiment rather than the start of a rally.",
    "{person} said the group was confident about demand but cautious about the frontier, pointing to export "
    "controls on advanced processors and the difficulty of hiring experienced engineers in {place}.",
    "Grid operators in {place} are already feeling the strain, and utilities have begun trimming requests "
    "from developers they judge unlikely to build, while regulators weigh rules on who pays for new lines.",
    "{known} declined to comment on the talks, which people familiar with the matter said were at an early "
    "stage and could still fall apart over the terms of the deal.",
]


def _money(rng: random.Random) -> str:
    return rng.choice(["${} billion", "US${} million", "HK${} billion", "{} billion yuan", "€{} million"]).format(
        rng.choice([1.2, 2, 3.5, 4.8, 5, 8, 10, 15, 20, 40, 120, 300, 650]))


def _sentence(rng: random.Random) -> str:
    return rng.choice(TEMPLATES).format(
        place=rng.choice(PLACES), new=f"{rng.choice(PREFIXES)} {rng.choice(SUFFIXES)}", known=rng.choice(KNOWN),
        money=_money(rng), money2=_money(rng), round=rng.choice("ABCDE"), day=rng.choice(["Monday", "Friday"]),
        person=rng.choice(PEOPLE), role=rng.choice(ROLES), region=rng.choice(REGIONS),
        twh=rng.randint(100, 1200), year=rng.randint(2027, 2035), pct=rng.randint(2, 95),
        gw=rng.randint(10, 1500), gw2=rng.randint(1, 90), past=rng.randint(2019, 2025))


def generate(folder: Path, n: int, seed: int = 7) -> int:
    """Write n articles of 2,000-6,000 characters; total characters."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        target, paragraphs = rng.randint(2000, 6000), []
        while sum(len(p) for p in paragraphs) < target:
            paragraphs.append(" ".join(_sentence(rng) for _ in range(rng.randint(2, 5))))
        text = f"Story {i}: " + "\n\n".join(paragraphs) + "\n"
        (folder / f"article-{i:06d}.txt").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def _plain_loop(folder: Path) -> tuple[float, float]:
    """The same reading and extraction in a plain loop: no Prefect, no Delta, no validation.
    (wall seconds, CPU seconds)."""
    start, cpu = time.perf_counter(), time.process_time()
    refs = load_reference()
    for path, name in discover(str(folder)):
        for article in read_file(path, name):
            extract_article(ArticleText(article.article_id, article.text, article.published_at), refs,
                            run_id="bench", extractor_version="bench")
    return time.perf_counter() - start, time.process_time() - cpu


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _tokenize_seconds(texts: list[str]) -> float:
    """One regex tokenization pass over the texts: the yardstick extraction is compared with."""
    start = time.perf_counter()
    for text in texts:
        _TOKEN.findall(text)
    return time.perf_counter() - start


def _extraction_rate(folder: str, copies: int = 1, repeats: int = 3,
                     limit: int | None = None) -> tuple[float, float, float]:
    """(MB of text per second, ms per 5,000 characters, extraction time over one tokenization
    pass of the same texts) of extraction alone on one core, over a
    folder's articles read beforehand: the best of a few repeats, as CPU speed is measured apart
    from whatever else the machine runs. Every copy in every repeat is respaced differently
    ("the  ", ",  "), so that no sentence repeats and the extractors' per-sentence caches help no
    more than on fresh news; speed is counted in the articles' own characters, not the added spaces.
    At most `limit` articles are read, so that its time and memory do not grow with BENCH_N."""
    refs = load_reference()
    found = discover(folder)
    articles = [a for path, name in (found if limit is None else found[:limit]) for a in read_file(path, name)
                if not isinstance(a, Exception)]
    seconds_per_char, ratios = [], []
    for repeat in range(repeats):
        variants = range(repeat * copies, (repeat + 1) * copies)
        texts = [(a, a.text.replace("the ", "the" + " " * (1 + k % 4)).replace(", ", "," + " " * (1 + k // 4)))
                 for k in variants for a in articles]
        start = time.perf_counter()
        for article, text in texts:
            extract_article(ArticleText(article.article_id, text, article.published_at), refs, run_id="bench",
                            extractor_version="bench")
        seconds = time.perf_counter() - start
        seconds_per_char.append(seconds / sum(len(article.text) for article, _ in texts))
        tokenize = min(_tokenize_seconds([text for _, text in texts]) for _ in range(3))
        ratios.append(seconds / tokenize)
    best = min(seconds_per_char)
    return 1 / best / 1e6, best * 5000 * 1000, min(ratios)


class ChildPeaks:
    """Each child process's own peak resident memory (a Dask worker, the Prefect server), sampled
    while the flow runs. The rusage figure for children is no use here: a child started by fork
    and exec reports its parent's peak at that moment (the flow's process, GX loaded) as its own."""

    def __init__(self, every: float = 0.5):
        import psutil

        self._me, self._every, self._stop = psutil.Process(), every, threading.Event()
        self.peaks: dict[int, tuple[float, str]] = {}  # pid -> (peak MB, command)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            for child in self._me.children(recursive=True):
                try:
                    mb, command = _own_peak_mb(child), _kind(" ".join(child.cmdline()))
                except Exception:  # noqa: BLE001 - a child that just ended
                    continue
                self.peaks[child.pid] = (max(mb, self.peaks.get(child.pid, (0.0, ""))[0]), command)

    def stop(self) -> tuple[float, str]:
        """(MB, command) of the child with the largest peak."""
        self._stop.set()
        self._thread.join()
        return max(self.peaks.values(), default=(0.0, "none"))


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user and system) used so far by this process ("main") and by each kind of
    child process (Dask workers, the Prefect server), summed over the children of a kind. Unlike
    wall time, they leave out time spent waiting for a core: the flow's CPU over the plain loop's
    tells where the second core goes."""
    import psutil

    me = psutil.Process()
    used = {"main": sum(me.cpu_times()[:2])}
    for child in me.children(recursive=True):
        try:
            times, kind = child.cpu_times(), _CPU_KINDS.get(_kind(" ".join(child.cmdline())), "others")
        except psutil.Error:  # a child that just ended
            continue
        used[kind] = used.get(kind, 0.0) + times.user + times.system
    return used


_CPU_KINDS = {"a Dask worker": "Dask workers", "the Prefect server": "Prefect server"}


def _kind(command: str) -> str:
    return "a Dask worker" if "spawn_main" in command else "the Prefect server" if "uvicorn" in command \
        else command[:60]


def _own_peak_mb(process) -> float:
    """A process's peak resident MB (VmHWM on Linux; its current size elsewhere)."""
    try:
        with open(f"/proc/{process.pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except OSError:
        return process.memory_info().rss / 2**20


def extraction_only(source: str) -> None:
    """BENCH_N=0: extraction alone on BENCH_SOURCE, to compare two commits side by side."""
    rate, ms, ratio = _extraction_rate(source, copies=4)
    print(f"extraction alone, one core, best of 3, {source}: {rate:.2f} MB/s ({ms:.1f} ms per 5,000 characters)")
    print(f"extract_vs_tokenize={ratio:.1f}")


def main() -> None:
    """Generate, run, measure, print."""
    n = int(os.environ.get("BENCH_N", "2000"))
    if n == 0 and os.environ.get("BENCH_SOURCE"):
        return extraction_only(os.environ["BENCH_SOURCE"])
    workers = int(os.environ.get("BENCH_WORKERS", cpu_count()))
    # Under the project's data/ (never committed), where a user's runs write too.
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=DATA))
    corpus, empty = work / "corpus", work / "empty"
    empty.mkdir()
    chars = generate(corpus, n)

    start = time.perf_counter()
    start_api(extracts_here=workers <= 1, workers=workers)  # as `flows run` starts: GX and the workers beside the server
    flow = with_workers(workers)
    with ad_hoc_settings():  # as `flows run` runs it
        flow(sources=[str(empty)], data_dir=str(work / "warm"))
        startup = IMPORT_SECONDS + time.perf_counter() - start

        children, before = ChildPeaks(), cpu_seconds()
        start = time.perf_counter()
        summary = flow(sources=[str(corpus)], data_dir=str(work / "data"), workers=workers,
                       batch_size=int(os.environ.get("BENCH_BATCH", BATCH_SIZE)))
        flow_seconds = time.perf_counter() - start
        spent = {kind: used - before.get(kind, 0.0) for kind, used in cpu_seconds().items()}
    flow_cpu = {kind: seconds for kind, seconds in spent.items() if seconds >= 0.05}  # not idle helpers
    child_mb, child = children.stop()
    plain, plain_cpu = _plain_loop(corpus)
    cpu_ratio = sum(flow_cpu.values()) / plain_cpu
    rates = {"generated corpus": _extraction_rate(str(corpus), limit=RATE_ARTICLES)}
    if os.environ.get("BENCH_SOURCE"):  # real articles, e.g. ../shared/eval/dev/articles
        rates[os.environ["BENCH_SOURCE"]] = _extraction_rate(os.environ["BENCH_SOURCE"], copies=16)
    shutil.rmtree(work, ignore_errors=True)

    mb = chars / 1e6
    print(f"articles={n} text_mb={mb:.1f} workers={workers}")
    print(f"start-up seconds (imports {IMPORT_SECONDS:.1f} + Prefect server with Great Expectations and the "
          f"workers starting beside it, and an empty run): {startup:.1f}")
    print(f"flow seconds: {flow_seconds:.1f}; per stage: "
          + ", ".join(f"{k} {v:.1f}s ({v / flow_seconds:.0%})" for k, v in summary.seconds.items()))
    print(f"plain loop seconds (one process): {plain:.1f}")
    print(f"flow CPU seconds: {sum(flow_cpu.values()):.1f} (" + ", ".join(f"{k} {v:.1f}" for k, v in flow_cpu.items())
          + f"), {cpu_ratio:.2f}x the plain loop's {plain_cpu:.1f}")
    for name, (rate, ms, ratio) in rates.items():
        print(f"extraction alone, one core, best of 3, {name}: {rate:.2f} MB/s ({ms:.1f} ms per 5,000 characters)"
              f", extract_vs_tokenize={ratio:.1f}")
    print(f"rows: {summary.rows}")
    main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory MB: main process {main_mb:.0f} + largest child process {child_mb:.0f} ({child})")
    print(f"articles_per_s={n / flow_seconds:.0f} mb_per_s={mb / flow_seconds:.2f} "
          f"peak_mb={main_mb + child_mb:.0f} overhead_ratio={flow_seconds / plain:.2f} "
          f"cpu_ratio={cpu_ratio:.2f} "
          f"extract_vs_tokenize={list(rates.values())[-1][2]:.1f}")


if __name__ == "__main__":
    main()
