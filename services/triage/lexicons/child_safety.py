"""Child safety: sexual abuse material, exploitation and grooming of minors."""

from services.triage.lexicons.types import Lexicon, Near

_MINORS = "child|children|kid|kids|minor|minors|underage|preteen|preteens|toddler|toddlers"

_AGES = "|".join(str(age) for age in range(3, 18))
_MEDIA = "images|photos|pictures|pics|videos|content"

_MINOR_WORDS = (
    f"{_MINORS}|schoolgirl|schoolgirls|schoolboy|schoolboys|daughter|son|student|students|"
    "teen|teens|teenager|teenagers|niña|niñas|niño|niños|menor|menores|hija|hijo|"
    "adolescente|adolescentes|criança|crianças|menina|meninas|menino|meninos|anak|"
    "enfant|enfants|mineur|mineurs|mineure|mineures|gamin|gamine|gamins"
)
_SEXUAL_WORDS = (
    "nude|nudes|naked|sexual|sexually|explicit|porn|porno|pornographic|sex|sexting|sexy|"
    "sextort*|desnuda|desnudas|desnudo|desnudos|sexuales|nua|nuas|nus|pelada|peladas|"
    "seksual|bugil|telanjang|bokep|cabul|nue|nues|sexuel|sexuels|sexuelle|sexuelles|"
    "denudee|denudees"
)

CHILD_SAFETY = Lexicon(
    category="child_safety",
    queue="safety-child",
    phrases={
        "en": (
            "csam",
            "child|kiddie|kiddy porn*",
            "child sexual? abuse|exploitation",
            "child abuse material|images|imagery|videos",
            f"sexual|nude|naked|explicit {_MEDIA} of a|an? {_MINORS}",
            f"groom* a|an|this|that|the? {_MINORS}|teen|teens|girl|boy",
            f"nudes from|of a|an? {_MINORS}",
            "underage nudes|porn|sex|sexual",
            f"groom* a|an|this|that|the? {_AGES} year|yr old|olds?",
            f"nudes|nude|naked|sexual from|of a|an? {_AGES} year|yr old|olds?",
            f"asking|asks|asked|ask a|an? {_MINORS} for nudes|nude|naked|sexy",
            f"{_MINORS}|teen|teens|girls|boys for nudes|nude|naked|explicit|sexual {_MEDIA}?",
            f"sexual abuse|assault|exploitation of a|an? {_MINORS}",
            "trades|trading|sell|sells|selling|share|shares|sharing cp",
            "cp links|link|videos|folder|collection",
            f"pretending to be a|an? {_AGES}|kid|teen|minor",
            "pedophil*|paedophil*|pedo|pedos",
            "sextort* a|an? minor|child|kid|teen",
        ),
        "es": (
            "pornografia infantil",
            "abuso sexual infantil",
            "abuso sexual de|a menores|niños|niñas",
            "explotacion sexual infantil",
            "explotacion sexual de menores",
            "fotos intimas de una|un? menor*",
            "foto|fotos desnuda|desnudas|desnudo|desnudos a|de mi|una|un? "
            "hija|hijo|niña|niño|menor*",
            "material de abuso sexual? infantil",
            "pedofil*",
        ),
        "pt": (
            "pornografia infantil",
            "abuso sexual infantil",
            "abuso sexual de menores|crianças",
            "exploracao sexual infantil",
            "exploracao sexual de menores",
            "pedofil*",
            "nudes de menor*",
            "material|conteudo de abuso|exploracao sexual? infantil",
        ),
        "id": (
            "pornografi anak",
            "pelecehan|kekerasan|eksploitasi seksual terhadap? anak",
            "pedofil*",
            "foto bugil anak",
            "video|foto porno|bokep anak",
        ),
        "fr": (
            "pedopornograph*",
            "pornographie infantile|juvenile",
            "abus sexuel* sur mineur*|enfant*",
            "exploitation sexuelle infantile",
            "exploitation sexuelle des-enfants|d'enfants",
            "pedophil*",
            "photos nues|denudees a|de|d' des? enfants|mineurs|mineure|mineures",
        ),
    },
    near=(
        Near(
            first=(
                _MINOR_WORDS,
                f"{_AGES} year|yr|years old|olds?",
                "|".join(f"{age}-year-old|{age}yo" for age in range(3, 18)),
                f"{_AGES} años|anos|ans|tahun",
                f"under {_AGES}",
                "anak smp|sd",
            ),
            second=(_SEXUAL_WORDS,),
            words=6,
        ),
    ),
    exclude=(
        "sex education|ed",
        "educacion|educacao sexual",
        "education sexuelle",
    ),
)
