"""Check the US corpus files (dev, test, dev2 to dev7) and print their counts.

Usage: python corpus/messages/validate_us.py [--new FILE...]   (exit 1 on any problem)

--new: look for near-duplicates only in pairs that hold a message of these files (a new
batch against everything), minutes faster than every pair; the other checks cover all files.
"""
import json
import re
import sys
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = ["us-dev.jsonl", "us-test.jsonl", "us-dev2.jsonl", "us-dev3.jsonl", "us-dev4.jsonl", "us-dev5.jsonl", "us-dev6.jsonl", "us-dev7.jsonl", "us-dev8.jsonl", "us-dev9.jsonl", "us-dev10.jsonl", "us-dev11.jsonl", "us-dev12.jsonl", "us-dev13.jsonl", "us-dev14.jsonl", "us-dev15.jsonl", "us-dev16.jsonl", "us-dev17.jsonl", "us-dev18.jsonl", "us-dev19.jsonl", "us-dev20.jsonl", "us-dev21.jsonl", "us-dev22.jsonl", "us-dev23.jsonl", "us-dev24.jsonl", "us-dev25.jsonl", "us-dev26.jsonl", "us-dev27.jsonl", "us-dev28.jsonl", "us-dev29.jsonl", "us-dev30.jsonl", "us-dev31.jsonl", "us-dev32.jsonl", "us-dev33.jsonl", "us-dev34.jsonl", "us-dev35.jsonl", "us-dev36.jsonl", "us-dev37.jsonl", "us-dev38.jsonl", "us-dev39.jsonl", "us-dev40.jsonl", "us-dev41.jsonl", "us-dev42.jsonl", "us-dev43.jsonl", "us-dev44.jsonl", "us-dev45.jsonl", "us-dev46.jsonl", "us-dev47.jsonl", "us-dev48.jsonl", "us-dev49.jsonl", "us-dev50.jsonl", "us-dev51.jsonl", "us-dev52.jsonl", "us-dev53.jsonl", "us-dev54.jsonl", "us-dev55.jsonl", "us-dev56.jsonl", "us-dev57.jsonl", "us-dev58.jsonl", "us-dev59.jsonl", "us-dev60.jsonl", "us-dev61.jsonl", "us-dev62.jsonl", "us-dev63.jsonl", "us-dev64.jsonl", "us-dev65.jsonl", "us-dev66.jsonl", "us-dev67.jsonl", "us-dev68.jsonl", "us-dev69.jsonl", "us-dev70.jsonl", "us-dev71.jsonl", "us-dev72.jsonl"]
CHANNELS = {"sms", "email", "chat", "call_script", "letter"}
CATEGORIES = {"threat_violence", "insult_profanity", "impersonation_authority",
              "false_legal_threat", "third_party_pressure", "public_shaming",
              "false_consequence", "induce_new_borrowing", "privacy_exposure",
              "harassment_language"}
FIELDS = {"id", "jurisdiction", "channel", "text", "violation", "category", "evasion"}
ID_RE = re.compile(r"us-\d{4,5}")  # ids passed us-9999 in session 7
# digits possibly split by spaces, dashes, dots or zero-width characters
CARD_RE = re.compile(r"\d(?:[ \-.\u200b\u200c\u200d\u2060]?\d){12,18}")


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def card_numbers(text):
    flat = unicodedata.normalize("NFKC", text)
    return [re.sub(r"\D", "", m.group()) for m in CARD_RE.finditer(flat)]


def norm(text):
    t = unicodedata.normalize("NFKC", text).replace("\u200b", "").casefold()
    return re.sub(r"\s+", " ", t).strip()


def main():
    errors, seen, records = [], {}, {}
    for name in FILES:
        records[name] = []
        for n, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
            where = f"{name}:{n}"
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: not JSON ({e})")
                continue
            keys = set(r)
            extra = keys - FIELDS - {"firm_lawful"}
            if FIELDS - keys or extra:
                errors.append(f"{where}: fields missing {sorted(FIELDS - keys)} extra {sorted(extra)}")
                continue
            if not isinstance(r["id"], str) or not ID_RE.fullmatch(r["id"]):
                errors.append(f"{where}: bad id {r['id']!r}")
            elif r["id"] in seen:
                errors.append(f"{where}: id {r['id']} also at {seen[r['id']]}")
            else:
                seen[r["id"]] = where
            if r["jurisdiction"] != "US":
                errors.append(f"{where}: jurisdiction {r['jurisdiction']!r}")
            if r["channel"] not in CHANNELS:
                errors.append(f"{where}: channel {r['channel']!r}")
            if not isinstance(r["text"], str) or not r["text"].strip():
                errors.append(f"{where}: empty text")
            if not isinstance(r["violation"], bool) or not isinstance(r["evasion"], bool):
                errors.append(f"{where}: violation/evasion must be booleans")
            if r["violation"]:
                if r["category"] not in CATEGORIES:
                    errors.append(f"{where}: category {r['category']!r}")
                if "firm_lawful" in r:
                    errors.append(f"{where}: firm_lawful on a violation")
            else:
                if r["category"] is not None:
                    errors.append(f"{where}: compliant message with category {r['category']!r}")
                if r["evasion"]:
                    errors.append(f"{where}: compliant message marked evasion")
                if not isinstance(r.get("firm_lawful", False), bool):
                    errors.append(f"{where}: firm_lawful must be boolean")
            cards = card_numbers(r["text"])
            if not r["violation"] and any(luhn_ok(c) for c in cards):
                errors.append(f"{where}: compliant message holds a full card number")
            if r["category"] == "privacy_exposure":
                bad = [c for c in cards if not luhn_ok(c)]
                if bad:
                    errors.append(f"{where}: card-like numbers failing Luhn: {bad}")
            records[name].append((where, r))

    everything = [x for name in FILES for x in records[name]]
    texts = sorted(((w, norm(r["text"])) for w, r in everything), key=lambda x: len(x[1]))
    counts = {w: Counter(t) for w, t in texts}
    new = tuple(Path(f).name + ":" for f in (sys.argv[sys.argv.index("--new") + 1:] if "--new" in sys.argv else []))
    for i, (w1, a) in enumerate(texts):
        if new and not w1.startswith(new):
            continue
        # with --new, a new text meets every other text, shorter ones included
        for w2, b in (texts[:i] + texts[i + 1:] if new else texts[i + 1:]):
            if new and w2.startswith(new) and w2 < w1:
                continue  # that pair was compared from w2's side
            # ratio <= 2*min/(len(a)+len(b)): a text this much longer or shorter cannot reach 0.8
            if 2 * min(len(a), len(b)) < 0.8 * (len(a) + len(b)):
                continue
            # SequenceMatcher.quick_ratio from counts made once per text: the same bound, cheaper
            if 2 * sum((counts[w1] & counts[w2]).values()) < 0.8 * (len(a) + len(b)):
                continue
            ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
            if ratio >= 0.8:
                errors.append(f"near-duplicate ({ratio:.2f}): {w1} and {w2}")

    def report(label, rs):
        total = len(rs)
        comp = [r for r in rs if not r["violation"]]
        viol = [r for r in rs if r["violation"]]
        fl = sum(r.get("firm_lawful", False) for r in comp)
        ev = sum(r["evasion"] for r in viol)
        with_cards = sum(1 for r in viol if r["category"] == "privacy_exposure"
                         and any(luhn_ok(c) for c in card_numbers(r["text"])))
        print(f"{label}: total {total}; compliant {len(comp)} ({len(comp)/total:.1%}); "
              f"firm-but-lawful {fl} ({fl/max(len(comp),1):.1%} of compliant); "
              f"violations {len(viol)}, disguised {ev} ({ev/max(len(viol),1):.1%}); "
              f"privacy_exposure with a Luhn-valid card {with_cards}")
        cats = {}
        for r in viol:
            cats[r["category"]] = cats.get(r["category"], 0) + 1
        chans = {}
        for r in rs:
            chans[r["channel"]] = chans.get(r["channel"], 0) + 1
        print("   categories:", ", ".join(f"{k} {v}" for k, v in sorted(cats.items())))
        print("   channels:  ", ", ".join(f"{k} {v}" for k, v in sorted(chans.items())))
        electronic = [r for r in comp if r["channel"] in ("sms", "email")]
        disc = sum(1 for r in electronic if "debt collector" in r["text"].lower())
        opt = sum(1 for r in electronic
                  if re.search(r"(?i)opt[- ]?out|unsubscribe|\bSTOP\b", r["text"]))
        print(f"   compliant sms/email {len(electronic)}: with debt-collector disclosure {disc}, "
              f"with opt-out {opt}")

    for name in FILES:
        report(name, [r for _, r in records[name]])
    report("all", [r for _, r in everything])
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
