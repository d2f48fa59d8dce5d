"""Safety detectors: every language, obfuscations, negations and hard negatives."""

import pytest

from services.triage.detectors import detect
from services.triage.lexicons import LANGUAGES, SAFETY_LEXICONS
from services.triage.phrases import compile_phrase, normalise
from services.triage.shipped import classify
from shared.events import Priority, Report


def _categories(text: str) -> list[str]:
    return [detection.category for detection in detect(text)]


POSITIVES = [
    # English
    ("en", "He said I will kill you after school", "threat_to_life"),
    ("en", "there is a bomb threat against the station", "threat_to_life"),
    ("en", "I'm going to shoot up the school on Monday", "threat_to_life"),
    ("en", "I know where you live and I am coming", "threat_to_life"),
    ("en", "I want to die, nothing matters", "self_harm"),
    ("en", "she keeps saying she is suicidal", "self_harm"),
    ("en", "I don't want to live anymore", "self_harm"),
    ("en", "people in the comments telling him to kill yourself", "self_harm"),
    ("en", "group is trading CSAM", "child_safety"),
    ("en", "an adult is grooming a child in DMs", "child_safety"),
    ("en", "he asked for nudes from a minor", "child_safety"),
    # Spanish
    ("es", "Me escribió: te voy a matar", "threat_to_life"),
    ("es", "recibí una amenaza de muerte", "threat_to_life"),
    ("es", "Ya no quiero vivir, me quiero morir", "self_harm"),
    ("es", "habla de suicidio en su perfil", "self_harm"),
    ("es", "comparten pornografía infantil en el grupo", "child_safety"),
    # Portuguese
    ("pt", "ele disse vou te matar amanhã", "threat_to_life"),
    ("pt", "recebi uma ameaça de morte", "threat_to_life"),
    ("pt", "eu quero morrer, não aguento mais", "self_harm"),
    ("pt", "não quero mais viver", "self_harm"),
    ("pt", "perfil com abuso sexual infantil", "child_safety"),
    # Indonesian
    ("id", "dia bilang aku akan membunuhmu", "threat_to_life"),
    ("id", "ada ancaman bom di sekolah", "threat_to_life"),
    ("id", "aku ingin bunuh diri", "self_harm"),
    ("id", "saya ingin mati saja", "self_harm"),
    ("id", "akun ini menyebarkan pornografi anak", "child_safety"),
    # French
    ("fr", "il a écrit je vais te tuer", "threat_to_life"),
    ("fr", "j'ai reçu une menace de mort", "threat_to_life"),
    ("fr", "je veux mourir, je n'en peux plus", "self_harm"),
    ("fr", "il parle de se suicider", "self_harm"),
    ("fr", "contenu pédopornographique partagé", "child_safety"),
]


@pytest.mark.parametrize(("language", "text", "category"), POSITIVES)
def test_each_language_detects_each_safety_category(
    language: str, text: str, category: str
) -> None:
    assert language in LANGUAGES
    assert _categories(text) == [category]


def test_every_lexicon_covers_every_language() -> None:
    for lexicon in SAFETY_LEXICONS:
        assert set(lexicon.phrases) == set(LANGUAGES), lexicon.category


@pytest.mark.parametrize(
    ("text", "category", "evidence"),
    [
        ("I will k i l l you", "threat_to_life", "i will k i l l"),
        ("k.i.l.l you", "threat_to_life", "k.i.l.l you"),
        ("i will k1ll you", "threat_to_life", "i will k1ll"),
        ("kiiiiill youuuu", "threat_to_life", "kiiiiill youuuu"),
        ("feeling su1c1dal tonight", "self_harm", "su1c1dal"),
        ("s u i c i d e", "self_harm", "s u i c i d e"),
        ("$uicide", "self_harm", "$uicide"),
        ("c$am links here", "child_safety", "c$am"),
        ("SUICÍDIO", "self_harm", "suicídio"),
        ("I wanna d1e", "self_harm", "wanna d1e"),
    ],
)
def test_obfuscation_is_undone_and_the_original_text_is_quoted(
    text: str, category: str, evidence: str
) -> None:
    [detection] = detect(text)

    assert detection.category == category
    assert evidence in detection.evidence


@pytest.mark.parametrize(
    "text",
    [
        "this game is killing me",
        "kill the process and restart it",
        "I'm going to kill the process",
        "we are going to shoot a photo at the park",
        "can you shoot me an email",
        "I'll shoot you an email tomorrow",
        "this new track is killer",
        "I could kill for a coffee",
        "you killed it at the show!",
        "Suicide Squad is a terrible movie",
        "the bomb was a hit at the party",
        "my kid has a cold",
        "Killjoy mode is great",
        "the skill tree is broken",
        "she was dying of laughter",
        "we need to kill time before the flight",
        "the kill switch did not work",
        "matar el proceso",
        "o jogo está me matando de rir",
    ],
)
def test_hard_negatives_fire_no_safety_detector(text: str) -> None:
    assert _categories(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to kill myself",
        "I will kill myself tonight",
        "i'll hurt myself if this goes on",
        "me voy a matar",
        "voy a matarme",
        "vou me matar",
        "je vais me tuer",
    ],
)
def test_first_person_phrasing_is_self_harm_not_threat(text: str) -> None:
    assert _categories(text) == ["self_harm"]


def test_a_threat_and_self_harm_in_one_report_are_both_detected() -> None:
    assert _categories("I will kill you and then kill myself") == [
        "threat_to_life",
        "self_harm",
    ]


@pytest.mark.parametrize(
    ("text", "category", "negation"),
    [
        ("I'm not going to kill myself, I promise", "self_harm", "not"),
        ("I would never kill you", "threat_to_life", "never"),
        ("no quiero morir", "self_harm", "no"),
    ],
)
def test_negation_never_silences_a_safety_detector_but_is_named(
    text: str, category: str, negation: str
) -> None:
    [detection] = detect(text)

    assert detection.category == category
    assert negation in detection.negated
    decision = classify(Report(title=text))
    assert decision.priority is Priority.P0
    assert "negation nearby" in decision.reasons[0].detail


def test_negation_inside_the_phrase_is_part_of_the_match() -> None:
    [detection] = detect("honestly I don't want to live")

    assert detection.category == "self_harm"
    assert detection.evidence == ("don't want to live",)


def test_normalised_text_maps_back_to_the_original() -> None:
    normalised = normalise("K 1 L L")

    assert normalised.text == "kill"
    assert normalised.quote(0, 4) == "k 1 l l"


def test_phrase_language() -> None:
    import re

    pattern = re.compile(compile_phrase("groom* a|an? child|kid"))
    assert pattern.search("grooming a child")
    assert pattern.search("groomed kid")
    assert pattern.search("grooooom an child")
    assert not pattern.search("grooming children")  # no '*' on child
    assert not pattern.search("regrooming a child")
