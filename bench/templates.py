"""Benchmark: template files per second through ``compliance-check templates``, against the floor.

    .venv/bin/python bench/templates.py [--files 20000] [--repeat 3]

Workload: a generated template repository in a temporary folder, ``--files`` files in
every format the command reads (30% .txt SMS, 15% .html.j2 e-mails with tags and Jinja
blocks, 10% .md letters, 25% .yaml files of three templates with subject/body mappings,
10% .json files of two strings, 10% .po catalogues of three entries), about half Chinese
and half English, about 5% of messages carrying a violating phrase (the messages of
bench/messages.py), a .compliance.yaml selecting both bundled packs and a channel per folder.

Measured, each --repeat times, back to back:
- floor: one process reads every file and runs the bare ``Checker.check`` over the
  file's whole text (no extraction, no positions, no suppressions), checker compiled beforehand;
- ``compliance-check templates DIR --format json`` with ``--jobs 1`` and ``--jobs 2``, as a
  subprocess; its start-up (imports, loading and compiling the packs) is measured by the
  same command on a one-file repository and subtracted, so files/s is the checking rate.
Prints medians and the ratio floor rate / templates rate, for wall-clock time and for CPU
time (user + system, the command's worker processes included). On a shared machine
the CPU figures are the steadier ones: wall time there depends on what else runs.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from compliance_check import Checker, load_packs  # noqa: E402
from messages import generate_messages  # noqa: E402

PACKS = ["cn-collection", "us-federal"]
CONFIG = """packs: [cn-collection, us-federal]
paths:
  - glob: "sms/**"
    channel: sms
  - glob: "email/**"
    channel: email
  - glob: "letters/**"
    channel: letter
"""


def _po_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def write_repository(folder: Path, files: int, seed: int = 5) -> int:
    """Write ``files`` template files under ``folder``; return how many strings they hold."""
    rng = random.Random(seed)
    pool = generate_messages(max(1000, files * 2), seed=seed)
    taken = iter(pool * 3)
    (folder / ".compliance.yaml").write_text(CONFIG, encoding="utf-8")
    for sub in ("sms", "email", "letters", "i18n"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    messages = 0
    for i in range(files):
        roll = rng.random()
        bucket = f"{i // 500:03d}"
        if roll < 0.30:
            path, text, n = folder / "sms" / bucket / f"t{i}.txt", next(taken), 1
        elif roll < 0.45:
            body = next(taken)
            text = (f"{{# e-mail {i} #}}\n<html><body>\n<p>Hello {{{{ name }}}},</p>\n"
                    f"{{% if overdue %}}\n<p>{body}</p>\n{{% endif %}}\n<p><a href=\"{{{{ url }}}}\">unsubscribe</a></p>\n</body></html>\n")
            path, n = folder / "email" / bucket / f"t{i}.html.j2", 1
        elif roll < 0.55:
            path, text, n = folder / "letters" / bucket / f"t{i}.md", f"# Notice\n\nDear {{{{ name }}}},\n\n{next(taken)}\n\n<!-- footer -->\nRegards\n", 1
        elif roll < 0.80:
            path = folder / ("email" if i % 2 else "sms") / bucket / f"t{i}.yaml"
            text = (f"notice:\n  subject: {json.dumps(next(taken)[:30], ensure_ascii=False)}\n"
                    f"  body: |\n    {next(taken)}\n    {next(taken)}\nreminders:\n  - {json.dumps(next(taken), ensure_ascii=False)}\n")
            n = 3
        elif roll < 0.90:
            path = folder / "sms" / bucket / f"t{i}.json"
            text = json.dumps({"sms": {"text": next(taken)}, "alt": [next(taken)]}, ensure_ascii=i % 3 == 0, indent=2)
            n = 2
        else:
            path = folder / "i18n" / bucket / f"t{i}.po"
            entries = "".join(f'\nmsgid "m{i}-{k}"\nmsgstr ""\n"{_po_string(next(taken))}"\n' for k in range(3))
            text = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n' + entries
            n = 3
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        messages += n
    return messages


def floor(folder: Path, checker: Checker) -> tuple[float, float]:
    """Wall and CPU seconds to read every template file and run the bare check over its text."""
    paths = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    start, cpu = time.perf_counter(), time.process_time()
    for p in paths:
        checker.check(p.read_bytes().decode("utf-8"))
    return time.perf_counter() - start, time.process_time() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command(folder: Path, jobs: int) -> tuple[float, float, dict]:
    """Wall and CPU seconds of one run of the command (its workers included), and its report."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(
        [sys.executable, "-m", "compliance_check", "templates", str(folder), "--format", "json", "--jobs", str(jobs)],
        capture_output=True, text=True, cwd=ROOT,
    )
    elapsed, used = time.perf_counter() - start, _children_cpu() - cpu
    if proc.returncode not in (0, 1):
        raise SystemExit(f"templates failed ({proc.returncode}): {proc.stderr[:500]}")
    return elapsed, used, json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo, tiny = Path(tmp, "repo"), Path(tmp, "tiny")
        repo.mkdir()
        tiny.mkdir()
        messages = write_repository(repo, args.files)
        write_repository(tiny, 1)
        checker = Checker(load_packs(PACKS))
        print(f"{args.files:,} files, {messages:,} strings; packs: {', '.join(PACKS)}; {args.repeat} repeats")
        rows: dict[str, list[float]] = {k: [] for k in ("floor", "startup", "jobs1", "jobs2")}
        cpu: dict[str, list[float]] = {k: [] for k in rows}
        outputs = {}
        for r in range(args.repeat):
            wall, used = floor(repo, checker)
            rows["floor"].append(wall)
            cpu["floor"].append(used)
            wall, used, _ = command(tiny, 1)
            rows["startup"].append(wall)
            cpu["startup"].append(used)
            for jobs in (1, 2):
                wall, used, out = command(repo, jobs)
                rows[f"jobs{jobs}"].append(wall)
                cpu[f"jobs{jobs}"].append(used)
                outputs[jobs] = out
            print(f"  repeat {r + 1}: " + ", ".join(
                f"{name} {rows[name][-1]:.2f}s wall / {cpu[name][-1]:.2f}s CPU" for name in rows), flush=True)
        if outputs[1] != outputs[2]:
            raise SystemExit("--jobs 1 and --jobs 2 disagree")
        summary = outputs[1]["summary"]
        print(f"findings: {summary['total']} ({summary['error']} errors, {summary['warning']} warnings, {summary['info']} info); "
              f"{outputs[1]['templates']:,} templates in {outputs[1]['files']:,} files; --jobs 1 and --jobs 2 reports identical")
        for label, table in (("wall", rows), ("CPU", cpu)):
            med = {k: statistics.median(v) for k, v in table.items()}
            floor_rate = args.files / med["floor"]
            print(f"[{label}] floor (read + bare Checker.check, one process): {floor_rate:,.0f} files/s; "
                  f"start-up of the command (one-file repository): {med['startup']:.2f}s")
            for jobs in (1, 2):
                total = med[f"jobs{jobs}"]
                rate = args.files / max(total - med["startup"], 1e-9)
                print(f"[{label}] --jobs {jobs}: {total:.2f}s, {args.files / total:,.0f} files/s with start-up, "
                      f"{rate:,.0f} files/s checking; floor/templates {floor_rate / rate:.2f}x")


if __name__ == "__main__":
    main()
