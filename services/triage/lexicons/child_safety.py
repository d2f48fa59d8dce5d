"""Child safety: sexual abuse material, exploitation and grooming of minors."""

from services.triage.lexicons.types import Lexicon, Near

_MINORS = "child|children|kid|kids|minor|minors|underage|preteen|preteens|toddler|toddlers"

_AGES = "|".join(str(age) for age in range(3, 18))
_MEDIA = "images|photos|pictures|pics|videos|content"

_MINOR_WORDS = (
    f"{_MINORS}|schoolgirl|schoolgirls|schoolboy|schoolboys|daughter|son|student|students|"
    "teen|teens|teenager|teenagers|niña|niñas|niño|niños|menor|menores|hija|hijo|"
    "adolescente|adolescentes|criança|crianças|menina|meninas|menino|meninos|anak|"
    "enfant|enfants|mineur|mineurs|mineure|mineures|gamin|gamine|gamins|"
    "young-girls|young-boys|little-girls|little-boys|tween|tweens|preteen|preteens|"
    "middle-schooler|middle-schoolers|schoolkids|kiddos|filha|filho|filhas|filhos|fille|"
    "fils|putri|putriku|anakku|bocah|bocil|abg|siswi|siswa|murid|di-bawah-umur|"
    "menor-de-edad|menor-de-idade|nena|nenas|chamaca|chamacas|collegienne|collegien|"
    "ado|ados|adolescente|novinha|novinhas"
)
_AGE_WORDS = (
    f"{_AGES} year|yr|years old|olds?",
    "|".join(f"{age}-year-old|{age}yo|{age}y/o|{age}yrs" for age in range(3, 18)),
    f"{_AGES} años|anos|ans|tahun",
    f"under {_AGES}",
    f"only|just {_AGES}",
    f"she's|he's|she-is|he-is|is {_AGES}",
    "anak smp|sd",
)
# Adult contact patterns that are grooming when a child is named nearby.
_MEDIA_REQUESTED = "pics|pictures|photos|photo|videos|selfies|nudes|fotos|foto|video"
_REQUEST = (
    "asking|asks|asked|ask|begging|begs|pressuring|pressures|pressured|keeps-asking|"
    "pide|pidiendo|pidio|pidió|pedindo|pede|pediu|minta|meminta|demande|demandait"
)
# A request aimed at a child: "asked my 10 year old daughter for photos".
_REQUEST_TO_MINOR = (
    f"{_REQUEST} my|a|an|her|his|your|this|that|to|a-mi|a-su|pra-minha|para-minha|a-minha|"
    f"ke|a-ma|a-mon? {_AGES}|{_MINORS}|daughter|son|niece|nephew|student|hija|hijo|filha|"
    "filho|anak|anakku|fille|fils",
)
_GROOMING = (
    "bath|bathtub|shower|underwear|swimsuit|bikini|pajamas|panties|undressed|undress|"
    "undressing|topless|shirtless|without-clothes|clothes-off",
    "don't|dont|do-not|not-to tell your|her|his|ur parents|mom|dad|mum|mother|father|anyone",
    "our|a little? secret",
    "delete|deletes|deleting|erase the|our|these|his|her|their? messages|chats|texts|dms|photos",
    "keep it|this secret|between-us",
    "meet|meet-up|meeting-up|meetup alone|in-person|at-my-place|at-my-house|without-your-parents",
    "in exchange for pics|pictures|photos|videos|selfies",
    "gift card|cards for|in-exchange",
    "robux|vbucks|v-bucks for pics|pictures|photos|videos",
    "no le digas|diga a tus|sus padres|papas|papás",
    "nuestro secreto",
    "nao|não conta|fala pros|para-os seus|teus pais",
    "nosso segredo",
    "jangan bilang|kasih-tau ke? orang-tua|ortu|mama|papa",
    "rahasia kita",
    "ne-rien-dire|ne-dis-rien|ne-le-dis-pas|rien-dire a tes|ses|vos parents",
    "notre petit? secret",
)

_SEXUAL_WORDS = (
    "nude|nudes|naked|sexual|sexually|porn|porno|pornographic|sex|sexting|sexy|lewd|lewds|"
    "undressed|sexualmente|sexualmente|sexualizada|sexualizadas|intimas|íntimas|intimes|"
    "erotic|erotica|seductive|molest*|rape|raped|raping|fondle|fondling|touching-her|"
    "touching-him|touched-her|touched-him|dick-pic|dick-pics|genitals|sexualized|sexualised|"
    "sexualizado|sexualizados|sexo|sexuais|mesum|sange|bugil|cabul|nuas|nua|nues|nus|"
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
            "pthc|jailbait|lolicon|shotacon|preteen-models|child-models",
            "underage content|pics|pictures|videos|vids|material|nudes|porn|girls-nudes",
            "cp|csam|child-porn trade|trading|links|link|collection|folder|for-sale",
            f"selling|sells|sell|sharing|shares|trading|trades|buying photos|pics|pictures|"
            f"videos|vids of undressed|naked|nude? {_MINORS}",
            "selling|sells|sharing|shares|trading|trades|buying photos|pics|pictures|videos|"
            "vids of young-girls|young-boys|little-girls|little-boys",
            "adult|grown-man|grown-woman|old-man|adult-man|older-man is? sexting|"
            "dating|having-sex-with|sleeping-with|in-a-relationship-with a|an? minor|"
            f"{_MINORS}|{_AGES}",
            f"groom* my {_MINORS}|daughter|son|kid|child|niece|nephew|student",
            "groom* kids|children|minors|teens|young",
            f"send|sends|sent|sending nudes|nude|naked|explicit|sexual pics|pictures|photos|"
            f"messages|videos to a|an|my? {_MINORS}|daughter|son|{_AGES}",
            f"molest* a|an|my|his|her? {_MINORS}|daughter|son|niece|nephew|student",
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
            "acosa|acosando|acoso sexualmente a menores|niñas|niños",
            "vende|venden|vendiendo|comparte|comparten fotos|videos de niñas|niños|menores",
            "grooming",
            "abusa|abusando|abuso de|a una|un? menor|niña|niño",
            "pide|pidiendo|pidio|pidió fotos|videos a mi|su|una|un? hija|hijo|niña|niño|menor",
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
            "pedindo|pede|pediu nudes|fotos-intimas|fotos-peladas pra|para|a|de? minha|uma|"
            "sua? filha|filho|menina|menino|criança|menor",
            "vende|vendendo|compartilha|compartilhando fotos|videos|vídeos de crianças|"
            "meninas|meninos|menores",
            "assedia|assediando|abusa|abusando de|a? menores|crianças|meninas|meninos",
        ),
        "id": (
            "pornografi anak",
            "pelecehan|kekerasan|eksploitasi seksual terhadap? anak",
            "pedofil*",
            "foto bugil anak",
            "video|foto porno|bokep anak",
            "menjual|jual|berbagi|sebar|menyebarkan foto|video anak|bocah|bocil|siswi",
            "minta|meminta foto|video bugil|telanjang|tanpa-baju",
            "pelecehan seksual|cabul terhadap|pada? anak|siswi|bocah|murid",
            "grooming anak",
        ),
        "fr": (
            "pedopornograph*",
            "pornographie infantile|juvenile",
            "abus sexuel* sur mineur*|enfant*",
            "exploitation sexuelle infantile",
            "exploitation sexuelle des-enfants|d'enfants",
            "pedophil*",
            "photos nues|denudees a|de|d' des? enfants|mineurs|mineure|mineures",
            "photos|videos d'elle|de-lui|d'eux nue|nu|nues|nus",
            "vend|vendent|partage|partagent des? photos|videos d'enfants|de-mineurs|de-gamins",
            "harcele|harcèle|harcelement|harcèlement sexuel* des? mineurs|enfants|mineure",
        ),
    },
    near=(
        Near(first=(_MINOR_WORDS, *_AGE_WORDS), second=(_SEXUAL_WORDS,), words=6),
        # "an adult keeps asking my 11 year old for pictures in the bath"
        Near(first=(_MINOR_WORDS, *_AGE_WORDS), second=_GROOMING, words=8),
        Near(first=_REQUEST_TO_MINOR, second=(_MEDIA_REQUESTED,), words=8),
    ),
    review={
        "en": (
            "sextortion",
            "sextort*",
            "threaten*|threatening to share|post|leak|send my|her|his nudes|pics|photos|videos",
            "loli",
            "underage|minor girl|girls|boy|boys|teen|teens",
            "asking|asks|asked|begging|pressuring kids|children|minors|teens for pics|pictures|"
            "photos|videos|selfies",
            "wants|wanted to meet my|a? daughter|son|kid",
        ),
        "es": ("sextorsion", "menores de edad en este|el grupo|chat"),
        "pt": ("sextorsao", "menores de idade no grupo"),
        "id": ("sekstorsi", "anak di bawah umur di grup"),
        "fr": ("sextorsion", "mineurs dans ce|le groupe"),
    },
    review_near=(
        Near(
            first=(_MINOR_WORDS, *_AGE_WORDS),
            second=("explicit|inappropriate|dirty|creepy|suggestive|flirting|flirty",),
            words=6,
        ),
        Near(
            first=(_MINOR_WORDS, *_AGE_WORDS),
            second=("for pics|pictures|photos|videos|selfies|nudes",),
            words=4,
        ),
        Near(
            first=(_MINOR_WORDS, *_AGE_WORDS),
            second=("boyfriend|girlfriend|date|dating|hook-up|hookup|relationship|marry",),
            words=6,
        ),
    ),
    exclude=(
        "sex education|ed",
        "educacion|educacao sexual",
        "education sexuelle",
        "explicit lyrics|songs|content-filter|filter|language",
        "school|class|yearbook|passport|profile|birthday|team photo|photos|picture|pictures",
        "sex of the baby",
        "birthday pictures|photos|party",
        "photos|pictures of my|our kids|children|daughter|son from|at|on the? birthday|party|"
        "holiday|vacation|trip|school|game",
    ),
)
