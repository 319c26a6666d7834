"""Grade the hostile corpus as a real batch and print the issue's table as Markdown.

    .venv/bin/python bench/hostile_table.py                  # bubblewrap (or the fallback if absent)
    .venv/bin/python bench/hostile_table.py --isolation process
    .venv/bin/python bench/hostile_table.py --only fork_bomb,network --out table.md

Each attack is followed in the batch by a copy of the reference solution; the table says what the
grader recorded for the attack, how long it took, and what the reference after it scored. The lines
under the table count what was left behind (processes, planted files, temporary folders) and whether
the listener on 127.0.0.1 was reached. Exit code 1 when anything was not as expected.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "hostile"))

from hostile_cases import CASES  # noqa: E402
from hostile_corpus import markdown_table, run_corpus  # noqa: E402

from autograder.sandbox.worker import resolve_isolation  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--isolation", choices=["auto", "bwrap", "process"], default="auto")
    parser.add_argument("--only", default="", help="comma-separated case names (default: every case)")
    parser.add_argument("--timeout", type=float, default=20, help="wall-clock limit per submission (s)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    names = {n.strip() for n in args.only.split(",") if n.strip()}
    unknown = names - {c.name for c in CASES}
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    cases = tuple(c for c in CASES if not names or c.name in names)
    isolation = resolve_isolation(args.isolation)
    with tempfile.TemporaryDirectory(prefix="hostile-") as base:
        run = run_corpus(Path(base), isolation, cases, timeout_s=args.timeout, jobs=args.jobs)
    table = markdown_table(run)
    print(table)
    if args.out:
        args.out.write_text(table + "\n")
    left = any(run[k] for k in ("stray_processes", "planted_files", "leftover_tempdirs", "listener_reached"))
    return 1 if left or any(row.problems for row in run["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
