"""How fast the hostile files of tests/hostile_files.py are refused, and at what memory cost:
each read in a fresh child process under a 1 GB address-space limit (issue 17).

    python bench/bench_hostile.py

Goals: the zip bomb refused in under 5 s and 100 000 columns in under 2 s, under 1 GB.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hostile  # noqa: E402

CHILD = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from datasource.readers import read_bytes
data = open(sys.argv[1], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu, wall = time.process_time(), time.perf_counter()
problems = read_bytes(data).problems
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
reason = problems[0].reason[:60]
print(f"{cpu:.3f}|{wall:.3f}|{peak / 1024:.0f}|{(peak - base) / 1024:.0f}|{reason}")
"""

FILES = {
    "zip bomb (3 M rows, 768 MB XML)": hostile.zip_bomb,
    "zip entry larger than declared": hostile.lying_zip,
    "DTD + external entity": hostile.dtd_shared_strings,
    "XLSX with a 1 MB cell": hostile.long_cell_xlsx,
    "CSV with a 1 MB cell": hostile.long_cell_csv,
    "CSV header of 100 000 columns": hostile.wide_csv,
}


def main() -> None:
    print("| file | bytes | cpu s | wall s | peak RSS MB | RSS added MB | reason |")
    print("|---|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        for label, make in FILES.items():
            data = make()
            path = Path(tmp) / "file.bin"
            path.write_bytes(data)
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(path)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if done.returncode:
                print(f"| {label} | {len(data):,} | failed: {done.stderr.strip()[-80:]} |")
                continue
            cpu, wall, peak, added, reason = done.stdout.strip().split("|", 4)
            print(f"| {label} | {len(data):,} | {cpu} | {wall} | {peak} | {added} | {reason} |")


if __name__ == "__main__":
    main()
