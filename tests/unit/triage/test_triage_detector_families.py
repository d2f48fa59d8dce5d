"""The paraphrase families of the safety lexicons, the review tier and the fast matcher.

Every family: a positive in each language it covers, an obfuscated and a negated form,
and the hard negatives (idioms, games, news, support talk) that must stay silent.
"""

import re

import pytest

from services.triage.detectors import detect
from services.triage.domain import SAFETY_REVIEW_QUEUE
from services.triage.evaluate import main
from services.triage.phrases import PhraseMatcher, compile_phrase, normalise
from services.triage.quality import load, predict, predict_tiered
from services.triage.rules import RulesError
from services.triage.shipped import classify
from shared.events import Priority, Report
from tests.support.rules import with_rules


def _found(text: str) -> list[tuple[str, str]]:
    return [(detection.category, detection.tier) for detection in detect(text)]


DEFINITE = [
    # threat to life: euphemisms for killing
    ("en", "someone should put that man in the ground", "threat_to_life"),
    ("en", "keep talking and you'll be six feet under", "threat_to_life"),
    ("en", "you won't live to see next week", "threat_to_life"),
    ("en", "he's going to beat her to death", "threat_to_life"),
    ("en", "I'll put a bullet in your head", "threat_to_life"),
    ("es", "te voy a pegar un tiro", "threat_to_life"),
    ("es", "eres hombre muerto", "threat_to_life"),
    ("pt", "vou te dar um tiro", "threat_to_life"),
    ("pt", "você tá morto, cara", "threat_to_life"),
    ("id", "aku bakal habisi kamu", "threat_to_life"),
    ("fr", "je vais te buter", "threat_to_life"),
    ("fr", "on va lui faire la peau", "threat_to_life"),
    # threat to life: weapon + target's place, either order
    ("en", "I'm carrying a knife and I'm outside your house", "threat_to_life"),
    ("en", "at your door right now. got a gun", "threat_to_life"),
    ("es", "traigo una pistola, estoy afuera de tu casa", "threat_to_life"),
    ("pt", "tenho uma arma, estou na frente da sua casa", "threat_to_life"),
    ("id", "aku bawa golok di depan rumahmu", "threat_to_life"),
    ("fr", "j'ai une arme, je suis devant chez toi", "threat_to_life"),
    # threat to life: mass violence
    ("en", "someone is planning to bomb the mall on friday", "threat_to_life"),
    ("en", "he placed a bomb in the office", "threat_to_life"),
    ("es", "voy a volar la escuela", "threat_to_life"),
    ("pt", "vai ter massacre na escola amanhã", "threat_to_life"),
    ("fr", "fusillade au lycée demain", "threat_to_life"),
    # self-harm: passive and indirect ideation
    ("en", "honestly what is the point of living", "self_harm"),
    ("en", "nothing left to live for", "self_harm"),
    ("en", "everyone would be better off without me", "self_harm"),
    ("en", "i won't be around much longer", "self_harm"),
    ("es", "ojalá estuviera muerto", "self_harm"),
    ("es", "mi familia estaría mejor sin mí", "self_harm"),
    ("pt", "queria estar morta", "self_harm"),
    ("id", "lebih baik aku mati", "self_harm"),
    ("fr", "j'aimerais être mort", "self_harm"),
    # self-harm: method + intent, farewells
    ("en", "she's been saving up pills for weeks", "self_harm"),
    ("en", "he said goodbye and drove to the bridge", "self_harm"),
    ("en", "going to jump off the overpass", "self_harm"),
    ("es", "me voy a tirar del edificio", "self_harm"),
    ("pt", "vou me jogar da ponte", "self_harm"),
    ("id", "dia mau gantung diri", "self_harm"),
    ("fr", "je vais me jeter du pont", "self_harm"),
    # self-harm: self-injury, third person
    ("en", "she is cutting herself again", "self_harm"),
    ("en", "he's been burning himself with a lighter", "self_harm"),
    ("en", "my friend has fresh cuts on her arms", "self_harm"),
    ("es", "se quiere matar", "self_harm"),
    ("pt", "ela está se cortando", "self_harm"),
    ("id", "dia suka nyilet tangan", "self_harm"),
    ("fr", "elle veut se suicider", "self_harm"),
    # self-harm: taking all of a medicine, jumping from a height (any person, any language)
    ("en", "he swallowed all his sleeping pills", "self_harm"),
    ("es", "se quiere tomar todas las pastillas", "self_harm"),
    ("pt", "ela tomou todos os comprimidos", "self_harm"),
    ("id", "dia minum semua obat tidurnya", "self_harm"),
    ("fr", "elle a avalé toutes ses pilules", "self_harm"),
    ("en", "she wants to jump from the 12th floor", "self_harm"),
    ("es", "va a saltar desde el piso 8", "self_harm"),
    ("pt", "ele quer pular do décimo andar", "self_harm"),
    ("id", "mau terjun dari lantai 5", "self_harm"),
    ("fr", "il veut sauter du 7e étage", "self_harm"),
    # threat to life: intent (any person) + violent verb, attacks on places
    ("en", "he'd strangle her if she left", "threat_to_life"),
    ("es", "dijo que iba a apuñalar a su vecino", "threat_to_life"),
    ("pt", "ameaçou enforcar o colega", "threat_to_life"),
    ("id", "dia bakal tusuk tetangganya", "threat_to_life"),
    ("fr", "il allait abattre son patron", "threat_to_life"),
    ("en", "they want to attack the synagogue", "threat_to_life"),
    ("es", "quieren incendiar la iglesia", "threat_to_life"),
    ("pt", "vão atacar a escola", "threat_to_life"),
    ("id", "mau mengebom gedung itu", "threat_to_life"),
    ("fr", "ils veulent attaquer la gare", "threat_to_life"),
    # child safety: grooming and requests to a child
    ("en", "a stranger asked my 9 year old for pictures", "child_safety"),
    ("en", "he told my daughter to keep it secret from her parents", "child_safety"),
    ("en", "an adult man is dating a minor on this app", "child_safety"),
    ("en", "someone is trading cp links", "child_safety"),
    ("en", "he sends nudes to my 13 year old", "child_safety"),
    ("es", "un hombre le pidió fotos a mi hija", "child_safety"),
    ("pt", "um cara pediu nudes pra minha filha", "child_safety"),
    ("id", "dia minta foto bugil ke anakku", "child_safety"),
    ("fr", "il demande à ma fille des photos d'elle nue", "child_safety"),
]


@pytest.mark.parametrize(("language", "text", "category"), DEFINITE)
def test_paraphrase_families_are_definite_detections(
    language: str, text: str, category: str
) -> None:
    assert language in {"en", "es", "pt", "id", "fr"}
    assert (category, "definite") in _found(text)
    assert classify(Report(title=text)).priority is Priority.P0


REVIEW = [
    ("en", "I'm outside your house", "threat_to_life"),
    ("en", "a rifle and a list of names, see you at school", "threat_to_life"),
    ("es", "te voy a encontrar", "threat_to_life"),
    ("pt", "vou te achar", "threat_to_life"),
    ("id", "awas kamu", "threat_to_life"),
    ("fr", "je vais te retrouver", "threat_to_life"),
    ("en", "i'm such a burden to everyone", "self_harm"),
    ("en", "giving away all my stuff this week", "self_harm"),
    ("es", "soy una carga", "self_harm"),
    ("pt", "sou um fardo", "self_harm"),
    ("id", "aku cuma beban", "self_harm"),
    ("fr", "je suis un fardeau", "self_harm"),
    ("en", "he is threatening to leak my nudes", "child_safety"),
    ("en", "my 14 year old has a 30 year old boyfriend", "child_safety"),
    ("es", "sextorsión a mi hermano", "child_safety"),
    ("pt", "sextorsão no grupo", "child_safety"),
    ("fr", "sextorsion sur discord", "child_safety"),
    ("id", "sekstorsi lewat dm", "child_safety"),
]


@pytest.mark.parametrize(("language", "text", "category"), REVIEW)
def test_weaker_signals_go_to_the_safety_review_queue_at_p1(
    language: str, text: str, category: str
) -> None:
    assert language in {"en", "es", "pt", "id", "fr"}
    assert _found(text) == [(category, "review")]
    decision = classify(Report(title=text))
    assert decision.category == category
    assert decision.priority is Priority.P1
    assert decision.queue == SAFETY_REVIEW_QUEUE
    assert decision.severity == "high"
    assert "safety-review" in decision.tags
    assert not decision.safety
    assert decision.reasons[0].rule == f"safety.{category}"
    assert "possible" in decision.reasons[0].detail
    assert decision.reasons[0].evidence


def test_a_definite_detection_wins_over_a_review_match() -> None:
    text = "I'm outside your house and I will kill you"
    assert _found(text)[0] == ("threat_to_life", "definite")
    decision = classify(Report(title=text))
    assert decision.priority is Priority.P0
    assert decision.queue == "safety-emergency"


def test_a_review_match_never_lowers_a_more_urgent_rule() -> None:
    ruleset = with_rules(
        [{"name": "vip", "when": {"reporter_type": ["partner"]}, "then": {"priority": "P0"}}]
    )
    report = Report.model_validate(
        {"title": "i'm a burden to my family", "reporter": {"type": "partner"}}
    )
    decision = classify(report, ruleset=ruleset)
    assert decision.category == "self_harm"
    assert decision.priority is Priority.P0


OBFUSCATED = [
    ("put h1m in the gr0und", "threat_to_life", "put h1m in the gr0und"),
    ("y o u r  d a y s are numbered", "threat_to_life", None),
    ("s i x feet under", "threat_to_life", None),
    ("what's the p0int of l1ving", "self_harm", None),
    ("b e t t e r off without me", "self_harm", None),
    ("she is cuttiiing herself", "self_harm", "cuttiiing herself"),
    ("t r a d i n g cp links", "child_safety", None),
    ("asked my 9 year old for p1ctures", "child_safety", None),
]


@pytest.mark.parametrize(("text", "category", "evidence"), OBFUSCATED)
def test_new_families_see_through_obfuscation(
    text: str, category: str, evidence: str | None
) -> None:
    [detection] = detect(text)
    assert (detection.category, detection.tier) == (category, "definite")
    if evidence is not None:
        assert evidence in detection.evidence


NEGATED = [
    ("I'm not going to jump off the bridge", "self_harm", "not"),
    ("he said he would never put me in the ground", "threat_to_life", "never"),
    ("no quiero tirarme del puente", "self_harm", "no"),
    ("je ne veux pas en finir", "self_harm", "pas"),
]


@pytest.mark.parametrize(("text", "category", "negation"), NEGATED)
def test_negation_keeps_the_new_families_and_names_the_negation(
    text: str, category: str, negation: str
) -> None:
    [detection] = detect(text)
    assert detection.category == category
    assert negation in detection.negated
    assert classify(Report(title=text)).priority is Priority.P0


HARD_NEGATIVES = [
    "kill the old pods and redeploy",
    "this boss fight is killing me",
    "we will shoot the wedding video on saturday",
    "I'm dying to see the new update",
    "that joke killed me",
    "my kid's 12th birthday photos are gone",
    "my 12 year old forgot her password",
    "photos of my kids from the school trip won't load",
    "please block explicit songs for kids",
    "a news story about the school shooting drill was removed",
    "I'm outside the office and the wifi is down",
    "the knife skin from the store is missing",
    "the nail gun video was flagged",
    "you're dead wrong about the refund",
    "six feet under season 2 won't play",
    "cut my hand on the broken box",
    "what's the point of this new button",
    "I can't take it anymore with this app crashing",
    "the bridge level in the game glitches when you jump",
    "she's 12 and wants her own account",
    "el juego me está matando",
    "mi hija de 12 años olvidó su contraseña",
    "não aguento mais esse aplicativo travando",
    "meu filho de 10 anos esqueceu a senha",
    "game ini bikin aku mati ketawa",
    "anak saya umur 12 tahun butuh akun",
    "je veux en finir avec cet abonnement",
    "ma fille de 12 ans a oublié son mot de passe",
    "ce jeu me tue",
    "she took all the pictures on the 10th floor",
    "I am going to take all my vacation days",
    "jump to the 3rd floor map in the game",
    "they attacked the school budget in the meeting",
    "this headache is killing me",
    "i am going to kill it at the interview",
]


@pytest.mark.parametrize("text", [*HARD_NEGATIVES, "It would be nice to have tabs"])
def test_hard_negatives_fire_neither_lexicon_tier_and_never_reach_p0(text: str) -> None:
    assert _found(text) == []
    decision = classify(Report(title=text))
    # The trained classifier stands behind the lexicons and raises false alarms on some
    # short texts like these (about one ordinary report in seven in cross-validation):
    # those reach a person on the review queue, never P0.
    assert decision.priority is not Priority.P0
    if decision.category in {"threat_to_life", "self_harm", "child_safety"}:
        assert decision.queue == SAFETY_REVIEW_QUEUE
        assert "classifier" in decision.reasons[0].detail


def test_ambiguous_farewells_go_to_review_never_to_p0() -> None:
    # A known cost of the review tier: this is an out-of-office note, a person clears it.
    decision = classify(Report(title="I won't be here tomorrow, I'm on vacation until monday"))
    assert decision.priority is Priority.P1
    assert decision.queue == SAFETY_REVIEW_QUEUE


SAMPLES = [
    "kill the process, I will kill you, kiiill youuu and killers kill",
    "K 1 L L you now",
    "Ya no quiero vivir; me quiero morir. SUICÍDIO!",
    "groom* grooming a child; grooming children",
    "  ",
    "",
    "İstanbul ﬁle ǅ straße",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_word_start_matcher_finds_what_a_plain_regex_finds(text: str) -> None:
    phrases = ["kill you|u", "kill", "suicid*", "groom* a|an? child|kid", "no? quiero vivir"]
    normalised = normalise(text)
    plain = re.compile("|".join(compile_phrase(phrase) for phrase in phrases))
    expected = [m.span() for m in plain.finditer(normalised.text) if m.end() > m.start()]
    assert PhraseMatcher(phrases).spans(normalised) == expected


def test_non_ascii_text_keeps_its_map_back_to_the_original() -> None:
    normalised = normalise("Voy a MATÁRTE ﬁnally")
    assert normalised.text == "voy a matarte finally"
    start = normalised.text.index("finally")
    assert normalised.quote(start, start + 7) == "ﬁnally"


def test_a_keyword_without_letters_is_a_clear_rules_error() -> None:
    with pytest.raises(RulesError, match="has no letter or digit"):
        with_rules([{"name": "bad", "when": {"keywords": ["!!"]}, "then": {"priority": "P2"}}])


def test_the_evaluator_reports_p0_and_review_views(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"text": "I will kill you", "language": "en", "label": "threat_to_life"}\n'
        '{"text": "I\'m outside your house", "language": "en", "label": "threat_to_life"}\n'
        '{"text": "hello", "language": "en", "label": "none"}\n'
    )
    assert predict("I'm outside your house") == "none"
    assert predict("I'm outside your house", include_review=True) == "threat_to_life"
    assert predict_tiered("I will kill you") == ("threat_to_life", Priority.P0)

    assert main([str(path), "--errors"]) == 0

    out = capsys.readouterr().out
    p0, either = out.split("== caught at P0 or sent to review ==")
    assert "threat_to_life       1.000   0.500" in p0
    assert "threat_to_life       1.000   1.000" in either
    assert "review threat_to_life: I'm outside your house" in out
    assert len(load(path)) == 3
