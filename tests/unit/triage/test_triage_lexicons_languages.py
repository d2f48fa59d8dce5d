"""German, Italian, Dutch, Polish, Turkish and Vietnamese: explicit threats, stated suicide
intent and child-safety reports are P0 in their category; each language's everyday idioms
("ich lach mich tot", "mi ammazzo dalle risate", "öldüm gülmekten", "chết cười") are not.
Also paraphrased but explicit killing threats in the first five languages."""

# ruff: noqa: RUF001 -- Turkish reports are written with their dotless i on purpose.

import pytest

from services.triage.classifier import shipped_model
from services.triage.domain import decide
from services.triage.lexicons import LANGUAGES, SAFETY_LEXICONS
from services.triage.phrases import normalise
from services.triage.rules import builtin_rules
from shared.events import Priority, Report, utcnow

NEW_LANGUAGES = ("de", "it", "nl", "pl", "tr", "vi")


def decided(text: str) -> tuple[Priority, str]:
    """Decided with the shipped rules and safety model, as intake would."""
    decision = decide(
        Report(title=text, body=""),
        ruleset=builtin_rules(),
        channel="",
        received_at=utcnow(),
        model=shipped_model(),
    )
    return decision.priority, decision.category


P0 = [
    # German
    ("de", "threat_to_life", "Er hat mir geschrieben: ich bring dich um"),
    ("de", "threat_to_life", "ich werde dich töten, wenn du nochmal hier postest"),
    ("de", "threat_to_life", "Ich stech dich ab, wenn ich dich sehe"),
    ("de", "threat_to_life", "Mein Ex droht, mich umzubringen"),
    ("de", "threat_to_life", "er wird morgen die Schule in die Luft jagen"),
    ("de", "threat_to_life", "ich habe eine Morddrohung per DM bekommen"),
    ("de", "self_harm", "ich bringe mich heute Nacht um"),
    ("de", "self_harm", "Ich will mich umbringen, ich kann nicht mehr"),
    ("de", "self_harm", "Meine Freundin sagt, sie bringt sich heute Nacht um"),
    ("de", "self_harm", "ich will nicht mehr leben"),
    ("de", "child_safety", "In dem Kanal werden Kinderpornos geteilt"),
    ("de", "child_safety", "er verlangt Nacktbilder von meiner 12-jährigen Tochter"),
    # Italian
    ("it", "threat_to_life", "mi ha scritto: ti ammazzo"),
    ("it", "threat_to_life", "ti uccido se ti rivedo qui"),
    ("it", "threat_to_life", "dice che vuole ammazzarmi e sa dove abito"),
    ("it", "threat_to_life", "ha scritto che domani farà una strage a scuola"),
    ("it", "threat_to_life", "ho ricevuto minacce di morte in privato"),
    ("it", "self_harm", "voglio uccidermi, non ce la faccio più"),
    ("it", "self_harm", "stasera mi ammazzo"),
    ("it", "self_harm", "la mia amica dice che si vuole togliere la vita stanotte"),
    ("it", "self_harm", "non voglio più vivere"),
    ("it", "child_safety", "nel gruppo condividono materiale pedopornografico"),
    ("it", "child_safety", "un adulto chiede foto nude a mia figlia di 12 anni"),
    # Dutch
    ("nl", "threat_to_life", "hij stuurde me: ik maak je af"),
    ("nl", "threat_to_life", "ik vermoord je als je nog iets zegt"),
    ("nl", "threat_to_life", "Hij dreigt me te vermoorden"),
    ("nl", "threat_to_life", "iemand zegt dat hij morgen de school gaat opblazen"),
    ("nl", "threat_to_life", "ik kreeg een doodsbedreiging via de app"),
    ("nl", "self_harm", "ik ga zelfmoord plegen"),
    ("nl", "self_harm", "ik wil dood, ik kan dit niet meer"),
    ("nl", "self_harm", "mijn vriendin zegt dat ze vanavond zelfmoord gaat plegen"),
    ("nl", "self_harm", "hij wil zichzelf van kant maken"),
    ("nl", "child_safety", "in deze groep wordt kinderporno gedeeld"),
    ("nl", "child_safety", "een man vraagt naaktfoto's aan mijn dochter van 12"),
    # Polish
    ("pl", "threat_to_life", "napisał mi: zabiję cię"),
    ("pl", "threat_to_life", "on mi grozi, że mnie zabije"),
    ("pl", "threat_to_life", "mój były chce mnie zabić"),
    ("pl", "threat_to_life", "ktoś pisze, że jutro wysadzi szkołę"),
    ("pl", "threat_to_life", "dostałam groźby śmierci od tego konta"),
    ("pl", "self_harm", "chcę się zabić"),
    ("pl", "self_harm", "moja przyjaciółka mówi, że dziś się zabije"),
    ("pl", "self_harm", "nie chcę już żyć"),
    ("pl", "self_harm", "myślę o samobójstwie każdego dnia"),
    ("pl", "child_safety", "w tej grupie jest pornografia dziecięca"),
    ("pl", "child_safety", "dorosły facet prosi moją 12-letnią córkę o nagie zdjęcia"),
    # Turkish, with and without its letters
    ("tr", "threat_to_life", "bana mesaj attı: seni öldüreceğim"),
    ("tr", "threat_to_life", "seni oldurecegim"),
    ("tr", "threat_to_life", "beni öldürmekle tehdit etti"),
    ("tr", "threat_to_life", "okulu havaya uçuracağım diye yazdı"),
    ("tr", "threat_to_life", "ölüm tehditleri alıyorum bu hesaptan"),
    ("tr", "self_harm", "kendimi öldüreceğim"),
    ("tr", "self_harm", "arkadaşım bu gece kendini öldüreceğini söyledi"),
    ("tr", "self_harm", "intihar etmek istiyorum"),
    ("tr", "self_harm", "ölmek istiyorum artık"),
    ("tr", "child_safety", "bu grupta çocuk pornosu paylaşılıyor"),
    ("tr", "child_safety", "adam 12 yaşındaki kızımdan çıplak fotoğraf istiyor"),
    # Vietnamese, with and without its diacritics
    ("vi", "threat_to_life", "nó nhắn cho tôi: tao sẽ giết mày"),
    ("vi", "threat_to_life", "tao se giet may"),
    ("vi", "threat_to_life", "hắn dọa giết tôi qua tin nhắn"),
    ("vi", "threat_to_life", "có người nói sẽ đánh bom trường học ngày mai"),
    ("vi", "self_harm", "tôi muốn tự tử"),
    ("vi", "self_harm", "bạn tôi nói tối nay cô ấy sẽ tự tử"),
    ("vi", "self_harm", "tôi không muốn sống nữa"),
    ("vi", "child_safety", "nhóm này chia sẻ nội dung khiêu dâm trẻ em"),
    ("vi", "child_safety", "một người đàn ông đòi ảnh khỏa thân của bé gái 12 tuổi"),
    # Paraphrases: finding and killing, a date of death, ending one's own life.
    ("de", "threat_to_life", "Ich werde dich finden und töten"),
    ("de", "self_harm", "Ich denke daran, mich umzubringen"),
    ("it", "threat_to_life", "preparati a morire"),
    ("nl", "threat_to_life", "als ik je zie, dan ben je er geweest"),
    ("pl", "self_harm", "chcę skończyć ze sobą"),
    ("tr", "threat_to_life", "kafanı keseceğim"),
    ("vi", "child_safety", "hắn gạ gẫm con gái tôi"),
]


@pytest.mark.parametrize(("language", "category", "text"), P0)
def test_each_new_language_pages_each_safety_category(
    language: str, category: str, text: str
) -> None:
    assert language in LANGUAGES
    assert decided(text) == (Priority.P0, category)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # Laughing, heat, boredom, shame: "dying" of something.
        ("de", "ich lach mich tot, das Video ist so gut"),
        ("de", "Ich sterbe vor Langeweile in diesem Meeting"),
        ("de", "Meine Mutter bringt mich um, wenn ich das Handy wieder verliere"),
        ("de", "Dieser Bug bringt mich um den Verstand"),
        ("de", "Ich bring dich um 8 zum Bahnhof"),
        ("de", "Du bist tot für mich, blockiert"),
        ("de", "Der Song 'Ich bring dich um' läuft im Radio"),
        ("de", "Selbstmordattentat in Kabul, sagt die Tagesschau"),
        ("it", "mi ammazzo dalle risate con questo video"),
        ("it", "mia madre mi ammazza se perdo di nuovo il telefono"),
        ("it", "ti ammazzo di baci, amore mio"),
        ("it", "vorrei morire dalla vergogna, ho sbagliato email"),
        ("it", "voglio farla finita con questa storia dell'abbonamento"),
        ("it", "mi taglio i capelli domani"),
        ("nl", "ik ga dood van de hitte"),
        ("nl", "ik lach me dood om die video"),
        ("nl", "mijn moeder vermoordt me als ik mijn telefoon weer kwijt ben"),
        ("nl", "ik maak hem morgen af, de taak is bijna klaar"),
        ("nl", "je gaat dood van het lachen als je dit ziet"),
        ("nl", "zelfmoordaanslag in Bagdad, meldt het journaal"),
        ("pl", "zabijesz mnie tym żartem"),
        ("pl", "umieram ze śmiechu"),
        ("pl", "mama mnie zabije, jak zgubię telefon"),
        ("pl", "chcę umrzeć ze wstydu, wysłałem zły mail"),
        ("pl", "strzelił gola samobójczego w 90 minucie"),
        ("pl", "zabijam czas grając w karty"),
        ("tr", "öldüm gülmekten"),
        ("tr", "gülmekten öleceksin bu videoyu görünce"),
        ("tr", "annem beni öldürecek telefonu kaybedersem"),
        ("tr", "utançtan ölmek istiyorum, yanlış maile gönderdim"),
        ("tr", "kendimi işe atacağım bu hafta"),
        ("tr", "intihar saldırısı haberi çok üzücü"),
        ("vi", "chết cười với video này"),
        ("vi", "tôi sẽ từ từ kiểm tra lại đơn hàng"),
        ("vi", "mẹ tôi sẽ giết tôi nếu tôi làm mất điện thoại"),
        ("vi", "buồn ngủ muốn chết"),
        ("vi", "giết thời gian bằng cách chơi game"),
        ("vi", "tôi muốn mua tủ sắt"),
        # Gaming and tech in every language.
        ("vi", "anh Khoa thân với trẻ em trong xóm lắm"),
        ("it", "vi ammazzo di complimenti, ottimo servizio"),
        ("de", "kill den Prozess und starte den Server neu"),
        ("it", "devo uccidere il processo e riavviare il server"),
        ("pl", "zabić proces i zrestartować serwer"),
        ("tr", "süreci öldür ve sunucuyu yeniden başlat"),
    ],
)
def test_idioms_of_each_new_language_are_not_p0(language: str, text: str) -> None:
    assert language in NEW_LANGUAGES
    assert decided(text)[0] is not Priority.P0


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "you're going to die tonight"),
        ("en", "I'll put a bullet in you"),
        ("en", "you won't live to see your next birthday"),
        ("en", "I will end your life"),
        ("en", "gonna murder you and your family"),
        ("en", "you will die by my hands"),
        ("en", "you'll be dead by morning"),
        ("en", "I'm going to bomb the concert on friday"),
        ("es", "te voy a pegar un tiro"),
        ("es", "te mataré"),
        ("es", "voy a acabar con tu vida"),
        ("es", "te voy a quitar la vida"),
        ("pt", "vou acabar com sua vida"),
        ("pt", "vou meter uma bala na sua cabeça"),
        ("pt", "você não vai viver pra contar"),
        ("id", "aku habisi kamu"),
        ("id", "lo bakal mati"),
        ("id", "gue gorok leher lo"),
        ("fr", "je vais te faire la peau"),
        ("fr", "je te tue si je te vois"),
        ("fr", "je vais t'enterrer vivant"),
        ("fr", "demain je tire sur tout le monde au lycée"),
        ("en", "I'll have you killed"),
        ("en", "there's a bullet with your name on it"),
        ("es", "te voy a asesinar"),
        ("es", "date por muerto"),
        ("pt", "vou te encher de tiro"),
        ("id", "siap-siap mampus lo"),
        ("fr", "on va te retrouver et te tuer"),
        # Incitement to kill a group: "darles plomo", "harus dibantai", "aligner contre un mur".
        ("es", "habría que ponerlos en fila y darles plomo"),
        ("pt", "vai aparecer boiando no rio"),
        ("id", "kaum mereka harus dibantai semua"),
        ("fr", "faudrait tous les aligner contre un mur"),
    ],
)
def test_paraphrased_explicit_threats_are_p0(language: str, text: str) -> None:
    assert decided(text) == (Priority.P0, "threat_to_life")


@pytest.mark.parametrize(
    "text",
    [
        "you're going to die laughing at this video",
        "you're dead in the next round, noob",
        "the bomb squad cleared the building, all safe",
        "my boss is going to kill me, I missed the deadline",
        "tu vas mourir de rire en voyant ça",
        "j'ai une migraine, je vais crever",
        "hp lo bakal mati kalau gak dicas",
        "I have a gift for you",
        "I'll gut the old kitchen next month",
        "vou matar o processo e reiniciar",
        "il faut aligner les photos contre le mur",
        "pelaku harus dihukum berat",
    ],
)
def test_their_idioms_are_not_p0(text: str) -> None:
    assert decided(text)[0] is not Priority.P0


def test_text_without_its_letters_folds_like_text_with_them() -> None:
    assert normalise("Zabiłem ŁEB, đâm, bıçak, weiß").text == "zabilem leb, dam, bicak, weiss"


def test_every_lexicon_covers_the_new_languages() -> None:
    for lexicon in SAFETY_LEXICONS:
        assert set(NEW_LANGUAGES) <= set(lexicon.phrases), lexicon.category
