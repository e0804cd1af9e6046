"""Map layer sizes (raw and gzip) per view kind, and the cold-cache build time.

    python bench/bench_geo.py              # builds into a fresh temporary folder
    python bench/bench_geo.py --workers 1  # single process

Goals (issue 3): every layer a view loads under 400 KB gzip; the whole build under 90 s.
"largest" means the largest file of that kind, by raw bytes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import layers  # noqa: E402
from geo.regions import COUNTRY_CODE, region_index  # noqa: E402

GOAL_GZIP = 400_000
GOAL_SECONDS = 90.0


def _largest(sizes: dict[str, tuple[int, int]], prefix: str, level: str) -> str:
    index = region_index()
    names = [n for n in sizes if n.startswith(prefix) and index[Path(n).stem].level == level]
    return max(names, key=lambda n: sizes[n][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-geo-") as tmp:
        started = time.perf_counter()
        report = layers.build_all(Path(tmp), force=True, workers=args.workers)
        wall = time.perf_counter() - started
    sizes = report.sizes
    index = region_index()
    rows = [
        ("national provinces", f"layer/{COUNTRY_CODE}.json"),
        ("largest province's cities", _largest(sizes, "layer/", "province")),
        ("largest city's counties", _largest(sizes, "layer/", "city")),
        ("all counties of the largest province", _largest(sizes, "counties/", "province")),
        ("all counties of the country", f"counties/{COUNTRY_CODE}.json"),
        ("South China Sea dashes", "dashes.json"),
    ]
    print(f"{'layer kind':<38} {'file':<22} {'region':<10} {'raw KB':>8} {'gzip KB':>8}  goal")
    for label, name in rows:
        raw, packed = sizes[name]
        stem = Path(name).stem
        region = index[stem].name_zh if stem in index else ""
        ok = "ok" if packed < GOAL_GZIP else "OVER"
        print(f"{label:<38} {name:<22} {region:<10} {raw / 1e3:8.1f} {packed / 1e3:8.1f}  {ok}")
    biggest = max(sizes, key=lambda n: sizes[n][1])
    total_raw = sum(r for r, _ in sizes.values())
    total_gz = sum(g for _, g in sizes.values())
    totals = f"{total_raw / 1e6:.1f} MB raw, {total_gz / 1e6:.1f} MB gzip"
    print(f"\nfiles: {report.files}, total {totals}")
    print(f"largest gzip file: {biggest} {sizes[biggest][1] / 1e3:.1f} KB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3
    cpu = os.times()
    ok = "ok" if wall < GOAL_SECONDS else "OVER"
    print(
        f"cold build: {wall:.1f} s wall ({ok}, goal {GOAL_SECONDS:.0f} s), "
        f"cpu {cpu.user + cpu.children_user:.1f} s, peak RSS {peak:.0f} MB main / "
        f"{child:.0f} MB worker, load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
