"""The trained safety classifier: features, scoring, how it feeds the review tier, and that
the shipped model was trained on the corpus in the repository."""

import gzip
import json
from pathlib import Path

import pytest

from services.triage import classifier, train_model
from services.triage.classifier import (
    SAFETY_CLASSES,
    Block,
    SafetyModel,
    Thresholds,
    char_features,
    load_model,
    shipped_model,
    tokens,
    word_features,
)
from services.triage.detectors import detect
from services.triage.domain import SAFETY_REVIEW_QUEUE
from services.triage.phrases import normalise
from services.triage.shipped import classify
from shared.events import Priority, Report


def _model(
    words: dict[str, tuple[float, float, float]],
    *,
    threshold: float = 0.5,
    page_threshold: float = 0.5,
    thresholds: dict[str, Thresholds] | None = None,
) -> SafetyModel:
    """A model whose only features are whole words, each with idf 1 and the given weights
    for threat to life, self-harm and child safety; every category has the same thresholds
    unless ``thresholds`` says otherwise."""
    table = {word: (1.0, *weights) for word, weights in words.items()}
    same = Thresholds(review=threshold, page=page_threshold)
    return SafetyModel(
        version="test",
        classes=SAFETY_CLASSES,
        bias=(-3.0, -3.0, -3.0),
        blocks={"chars": Block(table={}), "words": Block(table=table)},
        thresholds={category: same for category in SAFETY_CLASSES} | (thresholds or {}),
    )


def test_drawn_out_and_leetspeak_spellings_share_the_plain_words_features() -> None:
    plain = tokens(normalise("you will die").text)
    obfuscated = tokens(normalise("y0u wiiill diiie").text)

    assert word_features(plain) == word_features(obfuscated) == [
        "you", "wil", "die", "you wil", "wil die"
    ]  # fmt: skip
    assert char_features(plain) == char_features(obfuscated)
    assert " di" in char_features(plain)


def test_scoring_flags_only_at_the_threshold_and_quotes_the_words_that_weighed() -> None:
    model = _model({"bridge": (0.0, 8.0, 0.0), "tonight": (0.0, 2.0, 0.0)})

    flagged = model.flagged(normalise("Meet me at the BRIDGE tonight").text)
    quiet = model.flagged(normalise("Meet me at the station").text)

    assert flagged is not None
    assert flagged.category == "self_harm"
    assert flagged.safety_probability >= 0.5
    assert quiet is None
    assert model.probabilities("meet me at the station")["self_harm"] < 0.5
    text = normalise("meet me at the bridge tonight").text
    spans = model.evidence(text, category="self_harm")
    assert [text[start:end] for start, end in spans] == ["bridge", "tonight"]


def test_a_flag_in_a_category_without_a_lexicon_routes_nowhere() -> None:
    model = _model({"bridge": (0.0, 8.0, 0.0)})

    assert detect("Meet me at the BRIDGE", lexicons=(), model=model) == []


def test_model_detections_are_review_tier_with_evidence_from_the_original_text() -> None:
    model = _model({"bridge": (0.0, 8.0, 0.0)})

    detections = detect("Meet me at the BRÏDGE", model=model)

    assert len(detections) == 1
    assert detections[0].category == "self_harm"
    assert detections[0].tier == "review"
    assert detections[0].evidence == ("brïdge",)  # original characters, lower-cased
    assert detections[0].model_version == "test"
    assert detections[0].model_score is not None
    assert detections[0].model_score >= 0.5


def test_a_flag_below_the_paging_threshold_is_queued_at_p2_without_paging() -> None:
    model = _model({"bridge": (0.0, 4.0, 0.0)}, threshold=0.5, page_threshold=0.9)
    text = "Meet me at the bridge"
    score = model.flagged(normalise(text).text)
    assert score is not None
    assert 0.5 <= score.safety_probability < 0.9
    assert not score.pages

    [detection] = detect(text, model=model)
    decision = classify(Report(title=text), model=model)

    assert detection.low_confidence
    assert (decision.category, decision.priority, decision.queue) == (
        "self_harm",
        Priority.P2,
        SAFETY_REVIEW_QUEUE,
    )
    assert "below its paging threshold" in decision.reasons[0].detail


def test_each_category_is_flagged_and_paged_by_its_own_thresholds() -> None:
    model = _model(
        {"bridge": (0.0, 6.0, 0.0), "rifle": (6.0, 0.0, 0.0)},
        thresholds={
            "self_harm": Thresholds(review=0.5, page=0.9),
            "threat_to_life": Thresholds(review=0.99, page=0.999),
        },
    )
    bridge = model.flagged(normalise("meet me at the bridge").text)
    rifle = normalise("meet me with the rifle").text

    assert bridge is not None
    assert (bridge.category, bridge.pages) == ("self_harm", True)
    assert bridge.safety_probability >= 0.9
    # As likely to be about threat to life, but below that category's own review threshold.
    assert sum(model.probabilities(rifle).values()) == pytest.approx(bridge.safety_probability)
    assert model.flagged(rifle) is None


def test_a_lexicon_detection_wins_over_the_model_for_its_category() -> None:
    model = _model({"kil": (8.0, 0.0, 0.0)})

    detections = detect("I will kill you", model=model)

    assert [(d.category, d.tier, d.model_score) for d in detections] == [
        ("threat_to_life", "definite", None)
    ]


PARAPHRASES = [
    ("en", "he keeps texting me that I won't live to see my birthday and he knows my address"),
    ("en", "my friend gave away all her things and wrote that she won't be a problem much longer"),
    ("en", "a grown man keeps asking my 11 year old to send photos and to keep it a secret"),
    ("es", "me dijo que no voy a llegar vivo al lunes, sabe dónde vivo"),
    ("pt", "ela escreveu que não aguenta mais e que amanhã ninguém vai precisar se preocupar"),
]


@pytest.mark.parametrize(("language", "text"), PARAPHRASES)
def test_paraphrases_reach_a_person(language: str, text: str) -> None:
    decision = classify(Report(title=text, language=language))

    assert decision.category in SAFETY_CLASSES
    assert decision.priority in {Priority.P0, Priority.P1}


def test_a_report_only_the_model_flags_goes_to_review_at_p1_never_p0() -> None:
    text = "my friend gave away all her things and wrote that she won't be a problem much longer"
    assert [d for d in detect(text) if d.category == "self_harm"] == []  # lexicons miss it

    decision = classify(Report(title=text))

    assert decision.category == "self_harm"
    assert decision.priority is Priority.P1
    assert decision.queue == SAFETY_REVIEW_QUEUE
    reason = next(r for r in decision.reasons if r.rule == "safety.self_harm")
    assert f"classifier {shipped_model().version}: p=" in reason.detail
    assert reason.evidence
    assert all(word in text.lower() for word in reason.evidence)


ORDINARY_SUPPORT = [
    "I was charged twice for my subscription this month",
    "Cannot log in after resetting my password",
    "The app crashes when I upload a profile picture",
    "Please add dark mode to the desktop app",
    "How do I change the e-mail address on my account?",
    "No puedo iniciar sesión desde ayer",
    "Fui cobrado duas vezes no cartão",
    "Je n'arrive pas à télécharger ma facture",
    "Aplikasi error terus waktu mau bayar",
    "My order never arrived and tracking has not updated in a week",
]


@pytest.mark.parametrize("text", ORDINARY_SUPPORT)
def test_ordinary_support_reports_stay_off_the_safety_queues(text: str) -> None:
    decision = classify(Report(title=text))

    assert decision.category not in SAFETY_CLASSES
    assert decision.queue != SAFETY_REVIEW_QUEUE


def test_the_shipped_model_was_trained_on_the_corpus_as_it_is_now() -> None:
    assert train_model.main(["--check"]) == 0, "retrain: python -m services.triage.train_model"


def test_training_never_reads_the_independent_heldout_set() -> None:
    files = train_model.corpus_files()

    assert train_model.HELD_OUT not in files
    assert not [path for path in files if "heldout" in path.name]
    trained_on = json.dumps(train_model.shipped_document()["trained_on"])
    assert "heldout" not in trained_on
    assert any(path.parent == train_model.CORPUS_DIR for path in files)
    assert any(path.parent == train_model.TRIAGE_CORPUS_DIR for path in files)


def test_a_heldout_file_among_the_training_files_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "triage_heldout_v9.jsonl").write_text("")
    monkeypatch.setattr(train_model, "TRIAGE_CORPUS_DIR", tmp_path)

    with pytest.raises(SystemExit, match="held-out"):
        train_model.corpus_files()


def test_the_shipped_thresholds_were_calibrated_for_paging_precision() -> None:
    """Per category, on the reports no lexicon matches: out-of-fold, at least nine model pages
    in ten were about the category they were filed under (or the category never pages), and
    few benign reports were paged or queued."""
    document = train_model.shipped_document()
    model = load_model()
    page = document["cross_validation"]["page"]
    review = document["cross_validation"]["review"]
    for category in SAFETY_CLASSES:
        thresholds = model.thresholds[category]
        assert 0 < thresholds.review <= thresholds.page <= 1
        if thresholds.page < 1:
            assert page[category]["precision"] >= train_model.PAGE_PRECISION
    categories = len(SAFETY_CLASSES)
    assert page["benign_share"] <= categories * train_model.FALSE_PAGE_RATE
    assert review["benign_share"] <= categories * train_model.FALSE_QUEUE_RATE


_THRESHOLDS = {category: {"review": 0.5, "page": 0.9} for category in SAFETY_CLASSES}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("classes", ["threat_to_life", "spam", "child_safety"], "classes"),
        ("classes", ["threat_to_life", "self_harm", "self_harm"], "classes"),
        ("bias", [0.0, 0.0, 0.0, 0.0], "4 biases"),
        ("bias", [0.0, 0.0], "2 biases"),
        ("thresholds", {**_THRESHOLDS, "self_harm": {"review": 0.5, "page": 0.1}}, "thresholds"),
        ("thresholds", {**_THRESHOLDS, "child_safety": {"review": 0.0, "page": 0.9}}, "thresholds"),
        ("thresholds", {**_THRESHOLDS, "child_safety": {"review": 0.5, "page": 1.5}}, "thresholds"),
        ("thresholds", {"threat_to_life": {"review": 0.5, "page": 0.9}}, "thresholds"),
    ],
)
def test_a_malformed_model_file_is_refused_at_load(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    path = tmp_path / "model.json.gz"
    document = train_model.shipped_document()
    document[field] = value
    with gzip.open(path, "wt", encoding="utf-8") as file:
        json.dump(document, file)

    with pytest.raises(ValueError, match=message):
        load_model(path)


def test_a_change_of_feature_extraction_since_training_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = train_model.shipped_document()
    assert train_model.check(document) == 0
    monkeypatch.setitem(classifier.BLOCKS, "words", lambda words: [t.word for t in words])

    assert train_model.check(document) == 1
    assert "feature extraction changed" in capsys.readouterr().err


def test_the_model_adds_nothing_beside_a_definite_detection() -> None:
    model = _model({"cat": (0.0, 8.0, 0.0)})

    detections = detect("I will kill you, I gave my cat away", model=model)

    assert [(d.category, d.tier) for d in detections] == [("threat_to_life", "definite")]


def test_a_stale_model_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    extra = tmp_path / "extra.jsonl"
    extra.write_text('{"language": "en", "label": "none", "text": "hello"}\n')
    real = train_model.corpus_files()
    monkeypatch.setattr(train_model, "corpus_files", lambda: [*real, extra])

    assert train_model.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err


OPS_ALERTS = [
    "Disk almost full on db-7\nOnly 2% left on /var",
    "[FIRING:1] KubeContainerOOMKilled payments/worker-5f8d: container was OOMKilled",
    "Pod checkout-api-7d9 was killed with SIGKILL after the termination grace period",
    "Node ip-10-1-2-3 is dead: kubelet stopped posting node status",
    "Garbage collector: 12 orphaned child pods without an ownerReference in namespace batch",
    "Kafka consumer group orders-consumer lag 250,000 messages and growing",
    "kill -9 the hung migration on pg-main before the deploy",
]


@pytest.mark.parametrize("text", OPS_ALERTS)
def test_ops_alerts_read_in_full_reach_no_safety_queue(text: str) -> None:
    # No screening: every word is read, the worst case for a machine alert.
    decision = classify(Report(title=text))

    assert decision.category not in SAFETY_CLASSES
    assert decision.queue != SAFETY_REVIEW_QUEUE


ORDINARY_HARD_CASES = [
    "my mom will kill me if I lose this account",
    "je vais mourir d'ennui",
    "I'll kill you next round, noob",
    "My partner bought gift cards for a seller who asks buyers to pay outside the app, scam?",
    "Our class play photos are up, the kids were amazing as the seven dwarfs",
    "One year clean from self-harm today, it gets better",
    "News: two injured in a shooting near the station, the suspect was arrested",
]


@pytest.mark.parametrize("text", ORDINARY_HARD_CASES)
def test_the_model_pages_on_none_of_the_ordinary_hard_cases(text: str) -> None:
    """Hyperbole, gaming, scams, school photos, recovery and news: the lexicons leave them
    alone, and the model may at most queue them for review (P2), never page."""
    assert [d for d in detect(text) if d.tier == "definite"] == []

    decision = classify(Report(title=text))

    assert decision.priority not in {Priority.P0, Priority.P1}
