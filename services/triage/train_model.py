"""Train the safety classifier (see :mod:`services.triage.classifier`).

``python -m services.triage.train_model`` reads the training corpus (``training/triage/*.jsonl``
plus the labelled dev sets under ``tests/data``), picks the regularisation strength, the
review threshold and the paging threshold by 5-fold cross-validation, fits the model on
everything and writes ``services/triage/safety_model.json.gz`` with what it was trained on,
its cross-validated precision and recall, and probe texts with the probabilities scikit-learn
gave them. ``--check`` verifies that the shipped model was trained on the corpus as it is now
and that today's feature extraction (normalisation, tokens, n-grams) still reproduces the
probes.

The independent held-out set ``tests/data/triage_heldout_v2.jsonl`` is never read here: it
measures the model, so nothing may be tuned on it. Needs scikit-learn (a dev dependency).
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
from services.triage.detectors import normalise

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "training" / "triage"
DEV_SETS = (
    ROOT / "tests" / "data" / "triage_labelled.jsonl",
    ROOT / "tests" / "data" / "triage_heldout.jsonl",
)
HELD_OUT = ROOT / "tests" / "data" / "triage_heldout_v2.jsonl"
LABELS = ("none", *SAFETY_CLASSES)
REGULARISATION_GRID = (10.0, 30.0)
TARGET_RECALL = 0.95
PAGE_PRECISION = 0.9  # of the flags above the paging threshold, at least this many are real
THRESHOLD_BOUNDS = (0.05, 0.5)
MIN_DOCUMENTS = 2  # a feature seen in one report only is noise
FOLDS = 5
PROBES = 40  # texts whose training-time probabilities the shipped model keeps


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    source: str


def corpus_files() -> list[Path]:
    files = [*sorted(CORPUS_DIR.glob("*.jsonl")), *DEV_SETS]
    if HELD_OUT in files:
        raise SystemExit(f"{HELD_OUT} is the independent held-out set; never train on it")
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


def _threshold(scores: Any, truth: Any) -> float:
    """The highest threshold that still flags TARGET_RECALL of the safety examples."""
    import numpy as np

    positives = np.sort(scores[truth])
    allowed_misses = int(len(positives) * (1 - TARGET_RECALL))
    low, high = THRESHOLD_BOUNDS
    return float(min(high, max(low, positives[allowed_misses])))


def _page_threshold(scores: Any, truth: Any, *, review_threshold: float) -> float:
    """The lowest threshold at which PAGE_PRECISION of the flagged reports are about a
    safety category (never below the review threshold)."""
    import numpy as np

    for candidate in np.unique(scores[scores >= review_threshold]):
        flagged = scores >= candidate
        if (flagged & truth).sum() >= PAGE_PRECISION * flagged.sum():
            return float(candidate)
    return 1.0


def _report(scores: Any, truth: Any, threshold: float) -> dict[str, float]:
    flagged = scores >= threshold
    true_positives = int((flagged & truth).sum())
    return {
        "precision": round(true_positives / max(1, int(flagged.sum())), 3),
        "recall": round(true_positives / max(1, int(truth.sum())), 3),
        "support": int(truth.sum()),
    }


def _cross_validation(predicted: Any, labels: list[int], threshold: float) -> dict[str, Any]:
    """Out-of-fold precision and recall at the threshold: of any safety category (what
    decides whether a person sees the report), and per category (what it is filed as)."""
    import numpy as np

    truth = np.array(labels)
    safety = 1 - predicted[:, 0]
    chosen = predicted[:, 1:].argmax(axis=1) + 1
    report: dict[str, Any] = {"any_safety": _report(safety, truth > 0, threshold)}
    for k, category in enumerate(SAFETY_CLASSES, start=1):
        report[category] = _report(np.where(chosen == k, safety, 0.0), truth == k, threshold)
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
    import numpy as np
    import sklearn

    files = corpus_files()
    examples = load_corpus(files)
    texts = [normalise(example.text).text for example in examples]
    labels = [LABELS.index(example.label) for example in examples]
    searched = {c: _out_of_fold(texts, labels, regularisation=c) for c in REGULARISATION_GRID}
    quality = {c: round(_average_precision(p, labels), 4) for c, p in searched.items()}
    regularisation = max(quality, key=lambda c: quality[c])
    predicted = searched[regularisation]
    threshold = _threshold(1 - predicted[:, 0], np.array(labels) > 0)
    page_threshold = _page_threshold(
        1 - predicted[:, 0], np.array(labels) > 0, review_threshold=threshold
    )

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
        "review_threshold": round(threshold, 4),
        "page_threshold": round(page_threshold, 4),
        "trained_on": {
            "files": digest,
            "examples": dict(sorted(Counter(example.label for example in examples).items())),
            "scikit_learn": sklearn.__version__,
        },
        "regularisation": {"C": regularisation, "cv_average_precision": quality},
        "cross_validation": {
            "review": _cross_validation(predicted, labels, threshold),
            "page": _cross_validation(predicted, labels, page_threshold),
        },
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
            "review_threshold",
            "page_threshold",
            "regularisation",
            "cross_validation",
        )
    }
    summary["features"] = {name: len(block) for name, block in document["blocks"].items()}
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
