"""Check cn-dev.jsonl, cn-test.jsonl and cn-dev2.jsonl and print their counts.

Checks: every line is JSON; ids are unique across both files; fields, channels and categories
are valid; compliant messages carry a boolean firm_lawful and no category or evasion; texts are
10-200 characters; every full 18-digit ID number has a valid GB 11643 check digit and every
16/19-digit card number passes Luhn, and such numbers occur only in violations; no two texts are
near-duplicates (difflib ratio >= 0.75 after NFKC, placeholders, signatures and punctuation are
removed). Prints counts per file and exits 1 on any problem.

Usage: python corpus/messages/validate_cn.py [FILE...]
(default: all three files; name files, e.g. cn-dev.jsonl cn-dev2.jsonl, to check only those
against each other. The 440-message minimum applies when cn-dev.jsonl and cn-test.jsonl are
both checked.)
"""
import json, re, sys, unicodedata, itertools, difflib
from collections import Counter
from pathlib import Path

D = Path(__file__).resolve().parent
FILES = sys.argv[1:] or ['cn-dev.jsonl', 'cn-test.jsonl', 'cn-dev2.jsonl']
CATS = {'threat_violence', 'insult_profanity', 'impersonation_authority', 'false_legal_threat',
        'third_party_pressure', 'public_shaming', 'false_consequence', 'induce_new_borrowing',
        'privacy_exposure', 'harassment_language'}
CHANNELS = {'sms', 'chat', 'call_script', 'letter', 'email'}
REQ = {'id': str, 'jurisdiction': str, 'channel': str, 'text': str, 'violation': bool, 'evasion': bool}
ALLOWED = set(REQ) | {'category', 'firm_lawful'}

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def id_ok(n): return n[17] == '10X98765432'[sum(int(a) * b for a, b in zip(n[:17], W)) % 11]
def luhn_ok(n):
    s = 0
    for i, d in enumerate(reversed(n)):
        k = int(d) * (2 if i % 2 else 1); s += k - 9 if k > 9 else k
    return s % 10 == 0
assert id_ok('11010519491231002X') and luhn_ok('79927398713') and not luhn_ok('79927398710')

errors, seen, allrecs = [], {}, []
for fn in FILES:
    for ln, line in enumerate((D / fn).read_text(encoding='utf-8').splitlines(), 1):
        where = f'{fn}:{ln}'
        try:
            r = json.loads(line)
        except Exception as e:
            errors.append(f'{where}: not JSON: {e}'); continue
        for k, t in REQ.items():
            if not isinstance(r.get(k), t): errors.append(f'{where}: field {k} missing or not {t.__name__}')
        if 'category' not in r: errors.append(f'{where}: category missing')
        extra = set(r) - ALLOWED
        if extra: errors.append(f'{where}: unexpected fields {extra}')
        # cn-dev2.jsonl (written later as a second tuning set) numbers its messages cn2-0001 ...
        if not re.fullmatch(r'cn2?-\d{4}', r.get('id', '')): errors.append(f'{where}: bad id {r.get("id")}')
        if r.get('id') in seen: errors.append(f'{where}: duplicate id {r["id"]} (also {seen[r["id"]]})')
        seen[r.get('id')] = where
        if r.get('jurisdiction') != 'CN': errors.append(f'{where}: jurisdiction')
        if r.get('channel') not in CHANNELS: errors.append(f'{where}: channel {r.get("channel")}')
        if r.get('violation'):
            if r.get('category') not in CATS: errors.append(f'{where}: category {r.get("category")}')
            if 'firm_lawful' in r: errors.append(f'{where}: firm_lawful on a violation')
        else:
            if r.get('category') is not None: errors.append(f'{where}: compliant with category')
            if r.get('evasion'): errors.append(f'{where}: compliant with evasion')
        if not r.get('violation') and not isinstance(r.get('firm_lawful'), bool): errors.append(f'{where}: compliant without boolean firm_lawful')
        n = len(r.get('text', ''))
        if not 10 <= n <= 200: errors.append(f'{where}: length {n}')
        r['_file'] = fn; allrecs.append(r)

# identifiers in privacy messages: valid; full numbers appear only in violations
for r in allrecs:
    t = unicodedata.normalize('NFKC', r['text'])
    flat = re.sub(r'(?<=\d)[ \-](?=\d)', '', t)
    for m in re.finditer(r'(?<!\d)(\d{17}[\dXx]|\d{16}|\d{19})(?!\d)', flat):
        num = m.group(1)
        ok = id_ok(num.upper()) if len(num) == 18 else luhn_ok(num)
        if not ok: errors.append(f'{r["id"]}: invalid identifier {num}')
        if not r['violation']: errors.append(f'{r["id"]}: full identifier in a compliant message')

# near duplicates (placeholders, signatures, punctuation and spaces removed; NFKC)
def norm(t):
    t = unicodedata.normalize('NFKC', t).replace('\u200b', '')
    t = re.sub(r'\$?\{\{?\s*\w+\s*\}?\}|【[^】]*】', '', t)
    return re.sub(r'[\W_]+', '', t).lower()
N = sorted(((r['id'], norm(r['text'])) for r in allrecs), key=lambda x: len(x[1]))
near = []
for i, (a, x) in enumerate(N):
    for b, y in N[i + 1:]:
        # ratio <= 2*len(x)/(len(x)+len(y)): past this length no later text can reach 0.75
        if 2 * len(x) < 0.75 * (len(x) + len(y)): break
        if x == y: near.append((1.0, a, b)); continue
        rq = difflib.SequenceMatcher(None, x, y).quick_ratio()
        if rq < 0.75: continue
        rr = difflib.SequenceMatcher(None, x, y).ratio()
        if rr >= 0.75: near.append((rr, a, b))

def stats(recs):
    v = [r for r in recs if r['violation']]; c = [r for r in recs if not r['violation']]
    f = [r for r in c if r['firm_lawful'] is True]; e = [r for r in v if r['evasion']]
    return dict(total=len(recs), compliant=len(c), compliant_share=round(len(c) / len(recs), 3),
                firm_lawful=len(f), firm_share_of_compliant=round(len(f) / len(c), 3),
                violations=len(v), disguised=len(e), disguised_share_of_violations=round(len(e) / len(v), 3))

out = {}
for fn in FILES + ['all']:
    recs = allrecs if fn == 'all' else [r for r in allrecs if r['_file'] == fn]
    s = stats(recs)
    s['by_category'] = dict(sorted(Counter(r['category'] for r in recs if r['violation']).items()))
    s['disguised_by_category'] = dict(sorted(Counter(r['category'] for r in recs if r['evasion']).items()))
    s['by_channel'] = dict(sorted(Counter(r['channel'] for r in recs).items()))
    lens = [len(r['text']) for r in recs]; s['length_min_max'] = [min(lens), max(lens)]
    out[fn] = s
    print(f"{fn}: total {s['total']}, compliant {s['compliant']} ({s['compliant_share']:.1%}), "
          f"firm_lawful {s['firm_lawful']} ({s['firm_share_of_compliant']:.1%} of compliant), "
          f"violations {s['violations']}, disguised {s['disguised']} ({s['disguised_share_of_violations']:.1%} of violations)")
    print('   by category:', ', '.join(f'{k} {v} ({s["disguised_by_category"].get(k, 0)} disguised)' for k, v in s['by_category'].items()))
    print('   by channel:', ', '.join(f'{k} {v}' for k, v in s['by_channel'].items()), '| length', s['length_min_max'])
    for k, lim in [('compliant_share', .45), ('firm_share_of_compliant', 1 / 3), ('disguised_share_of_violations', .2)]:
        if s[k] < lim: errors.append(f'{fn}: {k} {s[k]} < {lim:.3f}')
if {'cn-dev.jsonl', 'cn-test.jsonl'} <= set(FILES) and len(allrecs) < 440: errors.append(f'total {len(allrecs)} < 440')
missing = CATS - set(out['all']['by_category'])
if missing: errors.append(f'categories without messages: {missing}')
# Ids only: a pair may involve the held-out test split, whose texts nobody tuning should read.
errors.extend(f'near-duplicate ({rr:.2f}): {a} and {b}' for rr, a, b in sorted(near, reverse=True))
print('errors:', len(errors)); [print(' ', e) for e in errors]
sys.exit(1 if errors else 0)
