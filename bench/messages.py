"""Benchmark: messages per second through the full checker, against the floor.

    .venv/bin/python bench/messages.py [--messages 20000] [--repeat 9]

Workload: 20,000 generated SMS-length messages (about 100 characters, half Chinese,
half English, about 5% carrying a violating phrase), checked with both bundled
packs plus a generated 5,000-term pack. The floor, measured in the same run on the
same texts: NFKC + casefold + one Aho-Corasick scan (ahocorasick_rs) for the same
terms. Prints medians over --repeat runs and the ratio checker/floor time; the
two are timed slice by slice (--slice messages), back to back, so that both meet the
same state of a shared, noisy machine, by the process's CPU time (--clock cpu, the
default) or by elapsed time (--clock wall).
One process, one thread: the figures are single-core.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import ahocorasick_rs
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compliance_check import Checker, load_packs  # noqa: E402
from compliance_check.packs.loader import PackLibrary  # noqa: E402

ZH_PARTS = [
    "【{bank}】尊敬的{name}客户，", "您尾号{d4}的信用卡本期应还款{amount}元，", "最后还款日为{m}月{d}日，",
    "请按时还款，如已还款请忽略。", "如有疑问请致电客服热线95{d3}。", "您的借款已逾期{n}天，",
    "请尽快通过官方App还款，", "逾期将按合同约定计收罚息。", "如还款确有困难，可申请协商分期。",
    "感谢您的支持与配合。", "本次通话将被录音，", "请勿向任何个人账户转账。",
]
EN_PARTS = [
    "Hi {name}, ", "this is a reminder from {bank} ", "that your payment of ${amount} ", "is due on {m}/{d}. ",
    "Please pay through the official app. ", "Call us at 1-800-555-{d4} ", "Monday to Friday, 8am to 8pm. ",
    "If you have already paid, please ignore this message. ", "We can offer a payment plan. ",
    "Reply STOP to opt out. ", "This is a communication from a debt collector. ",
]
ZH_BAD = ["再不还钱小心你的腿", "你这个老赖", "我们会通知你的家人和同事", "我是公安局经侦大队的", "煞笔快还钱"]
EN_BAD = ["we will have you arrested", "you deadbeat", "we will call your boss and tell him", "pay the damn bill"]


def _fill(part: str, rng: random.Random) -> str:
    return part.format(
        bank=rng.choice(["招商银行", "XX消费金融", "ABC Bank", "Acme Lending"]),
        name=rng.choice(["张先生", "李女士", "John", "Maria", "{name}"]),
        d4=rng.randint(1000, 9999), d3=rng.randint(100, 999), amount=f"{rng.uniform(100, 9999):.2f}",
        m=rng.randint(1, 12), d=rng.randint(1, 28), n=rng.randint(1, 90),
    )


def generate_messages(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        zh = i % 2 == 0
        parts, bad = (ZH_PARTS, ZH_BAD) if zh else (EN_PARTS, EN_BAD)
        text = ""
        while len(text) < (90 if not zh else 60):
            text += _fill(rng.choice(parts), rng)
        if rng.random() < 0.05:
            cut = rng.randint(0, len(text))
            text = text[:cut] + rng.choice(bad) + text[cut:]
        out.append(text)
    return out


def generate_terms(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    terms: set[str] = set()
    while len(terms) < count:
        if rng.random() < 0.6:
            terms.add("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 5))))
        else:
            terms.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(5, 10))))
    return sorted(terms)


def write_term_pack(terms: list[str], folder: Path) -> Path:
    rules = [
        {"id": f"GEN-{i:03d}", "kind": "terms", "category": "harassment_language", "severity": "warning",
         "message": "generated benchmark term", "terms": terms[i * 100:(i + 1) * 100]}
        for i in range(len(terms) // 100)
    ]
    pack = {"id": "bench-generated", "version": "1.0.0", "title": "Generated 5,000-term pack", "rules": rules}
    path = folder / "bench-generated.yaml"
    path.write_text(yaml.safe_dump(pack, allow_unicode=True), encoding="utf-8")
    return path


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def floor_pass(texts: list[str], automaton: ahocorasick_rs.AhoCorasick) -> int:
    hits = 0
    normalize = unicodedata.normalize
    for t in texts:
        hits += len(automaton.find_matches_as_indexes(normalize("NFKC", t).casefold()))
    return hits


def checker_pass(texts: list[str], checker: Checker) -> int:
    blocked = 0
    check = checker.check
    for t in texts:
        if check(t).verdict == "block":
            blocked += 1
    return blocked


def paired_times(texts: list[str], automaton: ahocorasick_rs.AhoCorasick, checker: Checker, size: int, clock) -> tuple[float, float]:
    """Total floor and checker time over ``texts`` by ``clock``, timing the two on
    each slice of ``size`` messages one right after the other."""
    floor_total = checker_total = 0.0
    for start in range(0, len(texts), size):
        part = texts[start:start + size]
        floor_total += timed(clock, floor_pass, part, automaton)
        checker_total += timed(clock, checker_pass, part, checker)
    return floor_total, checker_total


def timed(clock, fn, *args) -> float:
    start = clock()
    fn(*args)
    return clock() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--terms", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--slice", type=int, default=5000,
                    help="messages timed back to back by floor and checker (short slices measure cold caches)")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                    help="cpu: this process's CPU time (not the time others hold the core); wall: elapsed time")
    args = ap.parse_args()

    texts = generate_messages(args.messages)
    terms = generate_terms(args.terms)
    with tempfile.TemporaryDirectory() as tmp:
        bundled = PackLibrary().bundled_ids()
        packs = load_packs([*bundled, str(write_term_pack(terms, Path(tmp)))])
    checker = Checker(packs)
    all_terms = sorted({t for p in packs for r in p.rules for t in r.params.get("terms", [])})
    automaton = ahocorasick_rs.AhoCorasick([t.casefold() for t in all_terms])
    chars = sum(len(t) for t in texts)
    print(f"workload: {len(texts)} messages, {chars / len(texts):.0f} chars on average; packs: "
          + ", ".join(f"{p.id} ({len(p.rules)} rules)" for p in packs) + f"; {len(all_terms)} literal terms")

    checker_pass(texts[:2000], checker)  # warm up: fold table, jieba dictionary
    blocked = checker_pass(texts, checker)
    clock = CLOCKS[args.clock]
    floor_times, checker_times = [], []
    for _ in range(args.repeat):
        floor_t, checker_t = paired_times(texts, automaton, checker, args.slice, clock)
        floor_times.append(floor_t)
        checker_times.append(checker_t)
    floor_s = statistics.median(floor_times)
    checker_s = statistics.median(checker_times)
    # Each repeat times the floor and the checker slice by slice, back to back, so
    # their ratio is less exposed to the shared machine's noise than either figure alone.
    ratios = [c / f for c, f in zip(checker_times, floor_times)]
    print(f"clock: {args.clock}")
    print(f"floor (NFKC + casefold + Aho-Corasick): {len(texts) / floor_s:,.0f} messages/s (median of {args.repeat})")
    print(f"checker (full pipeline):               {len(texts) / checker_s:,.0f} messages/s (median of {args.repeat})")
    print(f"ratio checker time / floor time: median {statistics.median(ratios):.2f}x, best {min(ratios):.2f}x; "
          f"blocked {blocked} of {len(texts)} messages")
    for language, subset in (("Chinese", texts[0::2]), ("English", texts[1::2])):
        pairs = [paired_times(subset, automaton, checker, args.slice, clock) for _ in range(3)]
        f_s = statistics.median(f for f, _ in pairs)
        c_s = statistics.median(c for _, c in pairs)
        print(f"  {language} half: floor {len(subset) / f_s:,.0f}/s, checker {len(subset) / c_s:,.0f}/s, "
              f"ratio {statistics.median(c / f for f, c in pairs):.2f}x (median of 3)")


if __name__ == "__main__":
    main()
