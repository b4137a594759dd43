"""The ``classifier`` rule kind, ``packs train``, cn-collection's learned rules and optional bundled packs."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from compliance_check import Checker, load_packs
from compliance_check.kinds.classifier import load_model
from compliance_check.packs import loader
from compliance_check.packs.loader import bundled_dir
from compliance_check.packs.train import model_text

ROOT = Path(__file__).resolve().parent.parent
MODELS = [bundled_dir() / "cn-collection.model.json", bundled_dir() / "optional" / "us-federal-learned.model.json"]

# A model small enough to reason about: three n-grams raise the score, one lowers it.
TINY_MODEL = {
    "format": 1,
    "ngrams": [2, 3],
    "length_floor": 10,
    "violation": {"bias": 0.0, "weights": {"打断": 9.0, "你的腿": 9.0, "曝光": 8.0, "不会": -14.0}},
    "categories": {
        "threat_violence": {"bias": 0.0, "weights": {"打断": 2.0, "腿": 1.0}},
        "public_shaming": {"bias": 0.0, "weights": {"曝光": 3.0}},
    },
}


def _pack(folder: Path, threshold: float = 0.8, model: str = "tiny.model.json") -> Path:
    rules = []
    for rule_id, category in (("T-THREAT", "threat_violence"), ("T-SHAME", "public_shaming")):
        rules.append({"id": rule_id, "kind": "classifier", "category": category, "severity": "error",
                      "message": "reads like a violation", "model": model, "threshold": threshold})
    path = folder / "tiny.yaml"
    path.write_text(json.dumps({"id": "tiny", "version": "1.0.0", "title": "tiny", "rules": rules}, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    (tmp_path / "tiny.model.json").write_text(json.dumps(TINY_MODEL, ensure_ascii=False), "utf-8")
    return _pack(tmp_path)


def test_fires_with_the_category_the_category_models_rank_first_and_spans_the_evidence(tiny: Path) -> None:
    checker = Checker(load_packs([str(tiny)]))
    text = "再不还钱就打断你的腿"
    findings = checker.check(text).findings
    assert [(f.rule, f.kind, f.category, f.matched) for f in findings] == [("T-THREAT", "classifier", "threat_violence", "打断你的腿")]
    assert text[findings[0].span[0]:findings[0].span[1]] == "打断你的腿"
    shame = checker.check("不还钱就曝光").findings
    assert [f.rule for f in shame] == ["T-SHAME"]


def test_negative_weights_and_unknown_text_keep_a_message_under_the_threshold(tiny: Path) -> None:
    checker = Checker(load_packs([str(tiny)]))
    assert checker.check("我们不会打断你的腿").findings == []  # (9 + 9 - 14) / sqrt(15): about 0.74
    assert checker.check("请于月底前还款，谢谢").findings == []  # no n-gram of the model: 0.5
    assert checker.check("Pay by Friday").findings == []


def test_the_threshold_is_the_rules_to_set(tmp_path: Path) -> None:
    (tmp_path / "tiny.model.json").write_text(json.dumps(TINY_MODEL, ensure_ascii=False), "utf-8")
    lenient = Checker(load_packs([str(_pack(tmp_path, threshold=0.6))]))
    assert [f.rule for f in lenient.check("我们不会打断你的腿").findings] == ["T-THREAT"]


def test_the_scan_scores_messages_exactly_as_the_model_does() -> None:
    """The packs' one scan sums the model's weights to decide which messages the
    classifier rules look at; a message over the threshold must never be skipped."""
    model = load_model(MODELS[0])
    checker = Checker(load_packs(["cn-collection"]))
    texts = [json.loads(line)["text"] for name in ("cn-dev31.jsonl", "cn-dev35.jsonl")
             for line in (ROOT / "corpus" / "messages" / name).read_text("utf-8").splitlines()]
    # ... and messages the pack's variants rewrite (煞笔, pinyin), which the model still
    # reads as the scan did
    texts += ["这个月再不还，我们就去你家坐坐，你看着办", "您好，您的账单已出，请按时还款。",
              "你这个煞笔，再不还钱我们就去你单位坐坐", "再不还钱就让你 shen bai ming lie，全村都知道"]
    disagreements = []
    for text in texts:
        judged = model.judge(model_text(text))
        findings = checker.check(text).findings
        # the learned rules are a net: judged only when no other rule blocked the message
        judged_at_all = not any(f.severity == "error" and f.kind != "classifier" for f in findings)
        expected = judged_at_all and judged.probability >= 0.8
        fired = [f for f in findings if f.kind == "classifier"]
        if bool(fired) != expected or (fired and fired[0].category != model.category(model_text(text))):
            disagreements.append(text)
    assert disagreements == []


@pytest.mark.parametrize("model_text_, needle", [
    (None, "cannot read the model file"),
    ("{not json", "not JSON"),
    (json.dumps({**TINY_MODEL, "format": 9}), "format: expected 1"),
    (json.dumps({**TINY_MODEL, "categories": {"insult_profanity": TINY_MODEL["categories"]["threat_violence"]}}), "has no category"),
])
def test_a_bad_model_file_is_one_line_naming_the_pack_file_and_field(tmp_path: Path, run_cli, model_text_, needle) -> None:
    if model_text_ is not None:
        (tmp_path / "tiny.model.json").write_text(model_text_, "utf-8")
    pack = _pack(tmp_path)
    result = run_cli("packs", "validate", str(pack))
    assert result.code == 2
    assert needle in result.err
    first = result.err.splitlines()[0]
    assert first.startswith(f"{pack}:") and ("$.rules[0].model" in first or "$.rules[0].category" in first)
    assert "Traceback" not in result.err


def _corpus(path: Path) -> Path:
    rows = []
    for i in range(40):
        rows.append({"id": f"v{i}", "text": f"第{i}次提醒：再不还钱就打断你的腿", "violation": True, "category": "threat_violence"})
        rows.append({"id": f"s{i}", "text": f"第{i}次提醒：再不还钱就把你的欠款发到群里曝光", "violation": True, "category": "public_shaming"})
        rows.append({"id": f"c{i}", "text": f"第{i}期账单已出，请于月底前通过官方App还款", "violation": False})
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def test_packs_train_writes_a_model_a_pack_can_use(tmp_path: Path, run_cli) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl")
    result = run_cli("packs", "train", str(corpus), "--out", str(tmp_path / "tiny.model.json"), "--han-only")
    assert result.code == 0, result.err
    model = json.loads((tmp_path / "tiny.model.json").read_text("utf-8"))
    assert model["trained_on"] == [{"file": corpus.as_posix(), "sha256": hashlib.sha256(corpus.read_bytes()).hexdigest()}]
    assert set(model["categories"]) == {"threat_violence", "public_shaming"}
    assert all(w != 0 for w in model["violation"]["weights"].values())
    checker = Checker(load_packs([str(_pack(tmp_path))]))
    assert [f.rule for f in checker.check("再不还钱就打断你的腿").findings] == ["T-THREAT"]
    assert checker.check("账单已出，请于月底前通过官方App还款").findings == []


def test_packs_train_rejects_a_bad_record_naming_file_line_and_field(tmp_path: Path, run_cli) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl")
    with corpus.open("a", encoding="utf-8") as f:
        f.write('{"id": "x", "text": "再不还钱", "violation": "yes"}\n')
    result = run_cli("packs", "train", str(corpus), "--out", str(tmp_path / "m.json"))
    assert result.code == 2
    assert f"{corpus}:121:1: $.violation" in result.err
    assert not (tmp_path / "m.json").exists()
    bad = run_cli("packs", "train", str(corpus), "--out", str(tmp_path / "m.json"), "--ngrams", "4-2")
    assert bad.code == 2 and "--ngrams" in bad.err


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_the_bundled_models_were_trained_on_the_corpus_files_as_they_are(path: Path) -> None:
    """Editing a training file without retraining (`packs train`, see the model's
    ``trained_on``) leaves a model that no longer matches its data."""
    model = json.loads(path.read_text("utf-8"))
    stale = [entry["file"] for entry in model["trained_on"]
             if hashlib.sha256((ROOT / entry["file"]).read_bytes()).hexdigest() != entry["sha256"]]
    assert stale == []
    assert len(model["trained_on"]) >= 30


@pytest.fixture
def optional_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled packs (links to them) with one more optional pack beside them: cn-collection
    plus the tiny model's rules, in ``rules/optional/``."""
    folder = tmp_path / "rules"
    (folder / "optional").mkdir(parents=True)
    for path in bundled_dir().iterdir():
        if path.is_file():
            (folder / path.name).symlink_to(path)
    for path in (bundled_dir() / "optional").iterdir():
        (folder / "optional" / path.name).symlink_to(path)
    (folder / "optional" / "tiny.model.json").write_text(json.dumps(TINY_MODEL, ensure_ascii=False), "utf-8")
    pack = json.loads(_pack(folder / "optional").read_text("utf-8"))
    (folder / "optional" / "tiny.yaml").unlink()
    (folder / "optional" / "cn-tiny.yaml").write_text(json.dumps({**pack, "id": "cn-tiny", "extends": ["cn-collection"]}, ensure_ascii=False), "utf-8")
    monkeypatch.setattr(loader, "bundled_dir", lambda: folder)
    return folder


def test_an_optional_pack_is_chosen_only_by_name(optional_bundled: Path) -> None:
    assert "cn-tiny" not in {p.id for p in load_packs([], ["CN"])}
    assert "us-federal-learned" not in {p.id for p in load_packs([], ["US"])}
    assert not {"cn-tiny", "us-federal-learned"} & {p.id for p in load_packs([])}
    (pack,) = load_packs(["cn-tiny"])
    assert pack.extends == ("cn-collection",)
    assert {r.kind for r in pack.rules if r.defined_in == "cn-tiny"} == {"classifier"}


def test_packs_list_shows_an_optional_pack_apart(optional_bundled: Path, run_cli) -> None:
    rows = json.loads(run_cli("packs", "list", "--format", "json").out)
    optional = {row["id"]: row["optional"] for row in rows}
    assert optional["cn-tiny"] is True and optional["us-federal-learned"] is True
    assert optional["cn-collection"] is False and optional["us-federal"] is False
    text = run_cli("packs", "list").out
    assert "cn-tiny" in text and "optional: used only when named" in text


def test_cn_collection_s_learned_rules_are_a_net_under_its_phrase_rules() -> None:
    """A message a phrase rule blocks is not judged by the model (its finding names the
    phrase); one the phrase rules miss is, and the finding carries the category's
    citation."""
    checker = Checker(load_packs(["cn-collection"]))
    blocked = checker.check("再不还钱就打断你的腿").findings
    assert blocked and not [f for f in blocked if f.kind == "classifier"]
    missed = checker.check("你欠钱的截图我们已经准备好了，就等着发你家族群了。").findings
    assert [(f.rule, f.kind, f.category) for f in missed] == [("CN-SHAME-ML", "classifier", "public_shaming")]
    assert missed[0].citation


def test_packs_train_keeps_positive_weights_off_wording_ordinary_messages_use(tmp_path: Path, run_cli) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = []
    for i in range(40):
        # the violations happen to share a polite closing with ordinary messages
        rows.append({"id": f"v{i}", "text": f"第{i}次：再不还钱就打断你的腿，谢谢配合", "violation": True, "category": "threat_violence"})
        rows.append({"id": f"c{i}", "text": f"第{i}期账单已出，请于月底前还款", "violation": False})
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    background = tmp_path / "background.jsonl"
    background.write_text("\n".join(json.dumps({"id": f"b{i}", "text": f"会议改到周{i % 7}，谢谢配合", "violation": False}, ensure_ascii=False)
                                    for i in range(30)) + "\n", "utf-8")
    out = tmp_path / "m.json"
    result = run_cli("packs", "train", str(corpus), "--background", str(background), "--positive-max-background", "1",
                     "--han-only", "--out", str(out))
    assert result.code == 0, result.err
    model = json.loads(out.read_text("utf-8"))
    positive = [g for g, w in model["violation"]["weights"].items() if w > 0]
    assert positive and not any(g in "谢谢配合" for g in positive)
    assert model["messages"]["background"] == 30
    assert model["trainer"]["positive_max_background"] == 1
    lone = run_cli("packs", "train", str(corpus), "--positive-max-background", "1", "--out", str(out))
    assert lone.code == 2 and "--background" in lone.err
    with background.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "x", "text": "打断你的腿", "violation": True}, ensure_ascii=False) + "\n")
    mixed = run_cli("packs", "train", str(corpus), "--background", str(background), "--out", str(out))
    assert mixed.code == 2 and "lawful messages only" in mixed.err
