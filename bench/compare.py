"""Compare two versions of the message checker on one machine state: this checkout and
another (a git worktree), in one process, interleaved slice by slice.

    git worktree add /tmp/base <commit>
    .venv/bin/python bench/compare.py /tmp/base [--packs DIR] [--other-packs DIR] [--rounds 5]

On a shared machine two benchmark runs minutes apart can differ by 20%; the same
messages checked by both versions in alternating 1,000-message slices, by the
process's CPU time, see the same noise, so their ratio is steady to about 2%. Both
versions load the same pack files (--packs, default this checkout's rules/) plus the
generated 5,000-term pack of bench/messages.py; with --other-packs the other version
loads those instead (what a change to the packs costs: `--other-packs /tmp/base/rules`). Prints, per language half, each
version's CPU microseconds per message and the median slice ratio this/other.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import compliance_check  # noqa: E402
from messages import checker_pass, generate_messages, generate_terms, write_term_pack  # noqa: E402


def load_other(root: Path):  # noqa: ANN201 - a module
    """The ``compliance_check`` package of another checkout, imported under another name."""
    spec = importlib.util.spec_from_file_location(
        "compliance_check_other", root / "compliance_check" / "__init__.py",
        submodule_search_locations=[str(root / "compliance_check")])
    module = importlib.util.module_from_spec(spec)
    sys.modules["compliance_check_other"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("other", type=Path, help="root of the other checkout (a git worktree)")
    ap.add_argument("--packs", type=Path, default=HERE.parent / "rules", help="folder of pack files both load")
    ap.add_argument("--other-packs", type=Path, help="folder of pack files the other version loads (default: --packs)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--messages", type=int, default=20000)
    args = ap.parse_args()
    for folder in (args.other / "compliance_check", args.packs, args.other_packs):
        # A missing folder would silently load no packs and make the ratio meaningless.
        if folder is not None and not folder.is_dir():
            ap.error(f"{folder}: no such folder")
    other = load_other(args.other.resolve())
    texts = generate_messages(args.messages)
    with tempfile.TemporaryDirectory() as tmp:
        generated = str(write_term_pack(generate_terms(5000), Path(tmp)))
        specs = [*sorted(str(p) for p in args.packs.glob("*.yaml")), generated]
        other_specs = [*sorted(str(p) for p in (args.other_packs or args.packs).glob("*.yaml")), generated]
        checkers = {"this": compliance_check.Checker(compliance_check.load_packs(specs)),
                    "other": other.Checker(other.load_packs(other_specs))}
    for checker in checkers.values():
        checker_pass(texts[:3000], checker)  # warm up
    for language, half in (("Chinese", texts[0::2]), ("English", texts[1::2])):
        times: dict[str, list[float]] = {name: [] for name in checkers}
        for round_ in range(args.rounds):
            for start in range(0, len(half), 1000):
                part = half[start:start + 1000]
                order = list(checkers) if (round_ + start // 1000) % 2 else list(reversed(checkers))
                for name in order:
                    began = time.process_time()
                    checker_pass(part, checkers[name])
                    times[name].append(time.process_time() - began)
        per_message = {name: sum(t) / args.rounds / len(half) * 1e6 for name, t in times.items()}
        ratio = statistics.median(a / b for a, b in zip(times["this"], times["other"]))
        print(f"{language} half: this {per_message['this']:.2f} us/message, other {per_message['other']:.2f}, "
              f"median slice ratio this/other {ratio:.3f}")


if __name__ == "__main__":
    main()
