"""Train the safety classifier (see :mod:`services.triage.classifier`).

``python -m services.triage.train_model`` reads the training corpus (``training/triage/*.jsonl``,
``services/triage/training/*.jsonl``, ``tests/data/triage_train_*.jsonl`` and the labelled
set ``tests/data/triage_labelled.jsonl``), picks the regularisation strength by 5-fold
cross-validation, fits the model on everything and writes
``services/triage/safety_model.json.gz`` with what it was trained on, its cross-validated
precision and recall, and probe texts with the probabilities scikit-learn gave them.
``--check`` verifies that the shipped model was trained on the corpus as it is now and that
today's feature extraction (normalisation, tokens, n-grams) still reproduces the probes.

Thresholds are per safety category and calibrated on the out-of-fold probabilities of the
reports no lexicon matches, the only ones the model decides (beside a lexicon detection it
adds nothing that changes the decision). For the category the model finds most likely:

- paging threshold: the lowest at which at least ``PAGE_PRECISION`` of the reports flagged
  in that category are about it and at most ``FALSE_PAGE_RATE`` of all benign reports are
  paged in it (1.0, never paging, when no threshold does);
- review threshold: the lowest at which at most ``FALSE_QUEUE_RATE`` of all benign reports
  reach the safety-review queue in that category (within ``THRESHOLD_BOUNDS``, never above
  the paging threshold).

Held-out sets (``tests/data/*heldout*``) are never read here: they measure the model, so
nothing may be tuned on them. Needs scikit-learn (a dev dependency).
"""

import argparse
import gzip
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.triage.classifier import BLOCKS, MODEL_PATH, SAFETY_CLASSES, SafetyModel, tokens
from services.triage.detectors import detect
from services.triage.phrases import normalise

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "training" / "triage"
# Hard negatives (ops alerts, hyperbole, gaming, lyrics, news, recovery, grief, parents,
# schools, scams) and paraphrased positives in en/es/pt/id/fr.
TRIAGE_CORPUS_DIR = Path(__file__).resolve().with_name("training")
TEST_DATA = ROOT / "tests" / "data"
DEV_SETS = (TEST_DATA / "triage_labelled.jsonl",)
HELD_OUT = TEST_DATA / "triage_heldout_v2.jsonl"
LABELS = ("none", *SAFETY_CLASSES)
REGULARISATION_GRID = (10.0, 30.0)
PAGE_PRECISION = 0.9  # of the model's pages in a category, at least this many are about it
FALSE_PAGE_RATE = 0.003  # of the benign reports, at most this many paged in one category
FALSE_QUEUE_RATE = 0.015  # of the benign reports, at most this many queued in one category
THRESHOLD_BOUNDS = (0.05, 0.95)  # of a review threshold
MIN_DOCUMENTS = 2  # a feature seen in one report only is noise
FOLDS = 5
PROBES = 40  # texts whose training-time probabilities the shipped model keeps


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    source: str


def corpus_files() -> list[Path]:
    files = [
        *sorted(CORPUS_DIR.glob("*.jsonl")),
        *sorted(TRIAGE_CORPUS_DIR.glob("*.jsonl")),
        *sorted(TEST_DATA.glob("triage_train_*.jsonl")),
        *DEV_SETS,
    ]
    for path in files:
        if path == HELD_OUT or "heldout" in path.name:
            raise SystemExit(f"{path} is a held-out set; never train on it")
    return files


def corpus_digest(files: list[Path]) -> dict[str, str]:
    return {_name(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def load_corpus(files: list[Path]) -> list[Example]:
    examples: list[Example] = []
    seen: set[str] = set()
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if record["label"] not in LABELS:
                raise SystemExit(f"{path}:{number}: unknown label {record['label']!r}")
            if record["text"] in seen:
                continue
            seen.add(record["text"])
            examples.append(Example(text=record["text"], label=record["label"], source=path.name))
    return examples


def _vectorizers() -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    def analyzer(block: str) -> Any:
        return lambda text: BLOCKS[block](tokens(text))

    # The scheme SafetyModel.Block reproduces: (1 + log tf) * smoothed idf, unit length.
    return {
        name: TfidfVectorizer(analyzer=analyzer(name), sublinear_tf=True, min_df=MIN_DOCUMENTS)
        for name in BLOCKS
    }


@dataclass
class Fitted:
    vectorizers: dict[str, Any]
    model: Any

    def matrix(self, texts: list[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([v.transform(texts) for v in self.vectorizers.values()]).tocsr()


def _fit(texts: list[str], labels: list[int], *, regularisation: float) -> Fitted:
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    vectorizers = _vectorizers()
    matrix = hstack([v.fit_transform(texts) for v in vectorizers.values()]).tocsr()
    model = LogisticRegression(
        C=regularisation, max_iter=5000, class_weight="balanced", random_state=0
    )
    model.fit(matrix, labels)
    return Fitted(vectorizers=vectorizers, model=model)


def _out_of_fold(texts: list[str], labels: list[int], *, regularisation: float) -> Any:
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    predicted = np.zeros((len(texts), len(LABELS)))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    for train, test in folds.split(np.zeros(len(labels)), labels):
        fitted = _fit(
            [texts[i] for i in train], [labels[i] for i in train], regularisation=regularisation
        )
        predicted[test] = fitted.model.predict_proba(fitted.matrix([texts[i] for i in test]))
    return predicted


def _average_precision(predicted: Any, labels: list[int]) -> float:
    """Of "is this about any safety category": how well the model ranks safety first."""
    import numpy as np
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(np.array(labels) > 0, 1 - predicted[:, 0]))


def lexicon_silent(examples: list[Example]) -> list[bool]:
    """Which examples no lexicon matches at all: the reports the model decides."""
    return [not detect(example.text) for example in examples]


def _scores(predicted: Any) -> tuple[Any, Any]:
    """Per example: the most likely safety category (0-based) and the probability of any
    safety category, what the thresholds apply to."""
    return predicted[:, 1:].argmax(axis=1), 1 - predicted[:, 0]


def _calibrate(
    predicted: Any, labels: list[int], silent: list[bool]
) -> dict[str, dict[str, float]]:
    """Each category's review and paging thresholds (see the module's docstring), from the
    out-of-fold probabilities of the examples no lexicon matches."""
    import numpy as np

    truth, mask = np.array(labels), np.array(silent)
    chosen, safety = _scores(predicted)
    benign = int((mask & (truth == 0)).sum())
    thresholds: dict[str, dict[str, float]] = {}
    for k, category in enumerate(SAFETY_CLASSES):
        mine = mask & (chosen == k)
        candidates = np.unique(safety[mine])
        page = 1.0
        for candidate in candidates:
            flagged = mine & (safety >= candidate)
            real = int((flagged & (truth == k + 1)).sum())
            false_pages = int((flagged & (truth == 0)).sum())
            if real >= PAGE_PRECISION * flagged.sum() and false_pages <= FALSE_PAGE_RATE * benign:
                page = float(candidate)
                break
        review = page
        for candidate in candidates:
            if (
                int((mine & (safety >= candidate) & (truth == 0)).sum())
                <= FALSE_QUEUE_RATE * benign
            ):
                review = float(candidate)
                break
        low, high = THRESHOLD_BOUNDS
        review = min(page, max(low, min(high, review)))
        thresholds[category] = {"review": review, "page": page}  # unrounded: exact cuts
    return thresholds


def _report(scores: Any, truth: Any, threshold: float) -> dict[str, float]:
    flagged = scores >= threshold
    true_positives = int((flagged & truth).sum())
    return {
        "precision": round(true_positives / max(1, int(flagged.sum())), 3),
        "recall": round(true_positives / max(1, int(truth.sum())), 3),
        "support": int(truth.sum()),
    }


def _cross_validation(
    predicted: Any, labels: list[int], silent: list[bool], thresholds: dict[str, dict[str, float]]
) -> dict[str, Any]:
    """Out-of-fold precision and recall of the model's flags, per category, at its review
    and paging thresholds, on the examples no lexicon matches; and the share of those benign
    examples queued and paged."""
    import numpy as np

    truth, mask = np.array(labels), np.array(silent)
    chosen, safety = _scores(predicted)
    report: dict[str, Any] = {"lexicon_silent": {"examples": int(mask.sum())}}
    benign = mask & (truth == 0)
    for tier in ("review", "page"):
        cut = np.array([thresholds[category][tier] for category in SAFETY_CLASSES])[chosen]
        flagged = mask & (safety >= cut)
        report[tier] = {
            category: _report(
                np.where(flagged & (chosen == k), 1.0, 0.0)[mask], (truth == k + 1)[mask], 0.5
            )
            for k, category in enumerate(SAFETY_CLASSES)
        }
        report[tier]["benign_share"] = round(
            float((flagged & benign).sum() / max(1, benign.sum())), 4
        )
    return report


def _document_blocks(fitted: Fitted) -> dict[str, dict[str, list[float]]]:
    # Logits relative to "none", so scoring needs three weights per feature, not four.
    coefficients = fitted.model.coef_[1:] - fitted.model.coef_[0]
    blocks: dict[str, dict[str, list[float]]] = {}
    offset = 0
    for name, vectorizer in fitted.vectorizers.items():
        blocks[name] = {
            feature: [
                round(float(vectorizer.idf_[column]), 5),
                *(round(float(w), 5) for w in coefficients[:, offset + column]),
            ]
            for feature, column in vectorizer.vocabulary_.items()
        }
        offset += len(vectorizer.vocabulary_)
    return blocks


def _probes(fitted: Fitted, examples: list[Example]) -> list[dict[str, Any]]:
    """Original texts with the probabilities scikit-learn gives them (none first)."""
    texts = [example.text for example in examples[:: max(1, len(examples) // PROBES)]]
    expected = fitted.model.predict_proba(fitted.matrix([normalise(t).text for t in texts]))
    return [
        {"text": text, "probabilities": [round(float(p), 6) for p in row]}
        for text, row in zip(texts, expected, strict=True)
    ]


def disagreements(model: SafetyModel, probes: list[dict[str, Any]]) -> list[str]:
    """The probe texts the pure-Python scorer, fed today's normalisation and features, no
    longer scores as scikit-learn did at training time."""
    wrong = []
    for probe in probes:
        probabilities = model.probabilities(normalise(probe["text"]).text)
        got = [1 - sum(probabilities.values()), *probabilities.values()]
        if max(abs(a - b) for a, b in zip(got, probe["probabilities"], strict=True)) > 1e-3:
            wrong.append(probe["text"])
    return wrong


def train() -> dict[str, Any]:
    import sklearn

    files = corpus_files()
    examples = load_corpus(files)
    texts = [normalise(example.text).text for example in examples]
    labels = [LABELS.index(example.label) for example in examples]
    searched = {c: _out_of_fold(texts, labels, regularisation=c) for c in REGULARISATION_GRID}
    quality = {c: round(_average_precision(p, labels), 4) for c, p in searched.items()}
    regularisation = max(quality, key=lambda c: quality[c])
    predicted = searched[regularisation]
    silent = lexicon_silent(examples)
    thresholds = _calibrate(predicted, labels, silent)

    fitted = _fit(texts, labels, regularisation=regularisation)
    digest = corpus_digest(files)
    version = (
        "safety-" + hashlib.sha256(json.dumps(digest, sort_keys=True).encode()).hexdigest()[:12]
    )
    bias = fitted.model.intercept_[1:] - fitted.model.intercept_[0]
    document = {
        "version": version,
        "classes": list(SAFETY_CLASSES),
        "bias": [round(float(b), 5) for b in bias],
        "thresholds": thresholds,
        "calibration": {
            "page_precision": PAGE_PRECISION,
            "false_page_rate": FALSE_PAGE_RATE,
            "false_queue_rate": FALSE_QUEUE_RATE,
        },
        "trained_on": {
            "files": digest,
            "examples": dict(sorted(Counter(example.label for example in examples).items())),
            "scikit_learn": sklearn.__version__,
        },
        "regularisation": {"C": regularisation, "cv_average_precision": quality},
        "cross_validation": _cross_validation(predicted, labels, silent, thresholds),
        "blocks": _document_blocks(fitted),
    }
    probes = _probes(fitted, examples)
    document["probes"] = probes
    wrong = disagreements(SafetyModel.from_document(document), probes)
    if wrong:
        raise SystemExit(f"the scorer disagrees with scikit-learn on {wrong[:3]}")
    return document


def write_model(document: dict[str, Any], path: Path = MODEL_PATH) -> None:
    payload = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as file:
        file.write(payload)


def shipped_document(path: Path = MODEL_PATH) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        document: dict[str, Any] = json.load(file)
    return document


def check(document: dict[str, Any]) -> int:
    trained_on = document["trained_on"]["files"]
    current = corpus_digest(corpus_files())
    if trained_on != current:
        changed = sorted(set(trained_on.items()) ^ set(current.items()))
        sys.stderr.write(f"safety model is stale; retrain (changed: {changed})\n")
        return 1
    wrong = disagreements(SafetyModel.from_document(document), document["probes"])
    if wrong:
        sys.stderr.write(
            f"safety model is stale: feature extraction changed since training; retrain "
            f"({len(wrong)} probes scored differently, e.g. {wrong[0]!r})\n"
        )
        return 1
    sys.stdout.write("safety model matches the corpus and the feature extraction\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the model matches the corpus")
    arguments = parser.parse_args(argv)
    if arguments.check:
        return check(shipped_document())
    document = train()
    write_model(document)
    summary = {
        key: document[key]
        for key in (
            "version",
            "thresholds",
            "regularisation",
            "cross_validation",
        )
    }
    summary["features"] = {name: len(block) for name, block in document["blocks"].items()}
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
