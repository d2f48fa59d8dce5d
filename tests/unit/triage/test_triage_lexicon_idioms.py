"""Everyday idioms and recovery or prevention posts are not emergencies; the same verbs
aimed at the reporter by someone else, or a relapse, still are."""

import pytest

from services.triage.shipped import classify
from shared.events import Priority, Report


def decided(text: str) -> tuple[Priority, str]:
    decision = classify(Report(title=text, body=""))
    return decision.priority, decision.category


@pytest.mark.parametrize(
    "text",
    [
        "mi jefe me va a matar si no llega el pedido hoy",
        "mi mamá me mata si pierdo el celular otra vez",
        "vou me matar de estudar essa semana, prova de cálculo",
        "je vais crever de chaud dans ce bureau",
        "hoy cumplo un año sin autolesionarme, gracias a todos",
        "seis meses sem me cortar, muito orgulhosa",
        "If you are thinking about suicide, call or text 988, the Suicide and Crisis Lifeline",
    ],
)
def test_idioms_and_recovery_are_not_p0(text: str) -> None:
    assert decided(text)[0] is not Priority.P0


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mi ex me va a matar si no vuelvo con él", "threat_to_life"),
        ("Me amenazó de muerte por mensaje privado, dice que va a matarme", "threat_to_life"),
        ("no puedo estar sin cortarme, esta noche lo hago", "self_harm"),
        ("vou me matar hoje à noite, já escrevi a carta", "self_harm"),
    ],
)
def test_the_emergencies_beside_them_still_are(text: str, category: str) -> None:
    assert decided(text) == (Priority.P0, category)
