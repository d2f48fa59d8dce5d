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
    "undressed|sexualmente|sexualizada|sexualizadas|intimas|íntimas|intimes|"
    "erotic|erotica|seductive|molest*|rape|raped|raping|fondle|fondling|touching-her|"
    "touching-him|touched-her|touched-him|dick-pic|dick-pics|genitals|sexualized|sexualised|"
    "sexualizado|sexualizados|sexo|sexuais|mesum|sange|bugil|cabul|nuas|nua|nues|nus|"
    "sextort*|desnuda|desnudas|desnudo|desnudos|sexuales|nua|nuas|nus|pelada|peladas|"
    "seksual|bugil|telanjang|bokep|cabul|nue|nues|sexuel|sexuels|sexuelle|sexuelles|"
    "denudee|denudees"
)

# --- German, Italian, Dutch, Polish, Turkish, Vietnamese ---------------------------------
_CHILD_DE = (
    "kinderporn*|kinderpornograph*|kinderpornograf*",
    "missbrauchsdarstellung*|missbrauchsabbildung*|missbrauchsmaterial|missbrauchsvideo*|"
    "missbrauchsbilder",
    "sexuell* missbrauch* von|an kindern|minderjährigen|minderjaehrigen|mädchen|maedchen|"
    "jungen|schülern|schuelern|schülerinnen",
    "pädophil*|paedophil*|padophil*|pädo|paedo|pädos|pädosexuell*",
    "cybergrooming",
    "nacktbilder|nacktfotos|nacktvideos|nacktaufnahmen|nudes von kindern|minderjährigen|"
    "minderjaehrigen|mädchen|maedchen|jungen|schülerinnen",
    "verkauft|verkaufen|tauscht|tauschen|teilt|teilen|verbreitet|verbreiten nacktbilder|"
    "nacktfotos|nacktvideos|bilder|videos|fotos von|mit kindern|minderjährigen|minderjaehrigen|"
    "kleinen-mädchen|kleinen-maedchen",
)
_CHILD_IT = (
    "pedopornograf*",
    "pornografia infantile|minorile",
    "abus* sessual* su|di|a|ai|sui minori|bambini|bambine|minorenni|ragazzini|ragazzine|"
    "bambino|bambina|minorenne",
    "adescament* di? minori|minorenni|bambini|bambine|ragazzini|ragazzine|online",
    "adesca|adescano|adescava|adescare|adescando minori|minorenni|bambini|bambine|ragazzini|"
    "ragazzine|mio-figlio|mia-figlia",
    "pedofil*",
    "vende|vendono|scambia|scambiano|condivide|condividono foto|video|immagini di minori|"
    "bambini|bambine|minorenni|ragazzine",
    "foto|video|immagini nude|nudi|osé|ose|intime|porno di|a minori|bambini|bambine|minorenni|"
    "ragazzine",
)
_CHILD_NL = (
    "kinderporno*|kinderpornografi*",
    "kindermisbruik*",
    "seksueel misbruik van kinderen|minderjarigen|een-kind|een-minderjarige|meisjes|jongens",
    "pedofiel*|pedoseksu*",
    "groom* van? minderjarig*|kinderen|kind|meisje*|jongen*",
    "naaktfoto's|naaktfotos|naaktbeelden|naaktvideo's|naaktvideos van kinderen|minderjarigen|"
    "meisjes|jongens",
    "verkoopt|verkopen|ruilt|ruilen|deelt|delen foto's|fotos|video's|videos|beelden van "
    "kinderen|minderjarigen|kleine-meisjes",
)
_CHILD_PL = (
    "pornografi* dziecięc*|dzieciec*|z-udziałem-dzieci|z-udzialem-dzieci|z-udziałem-nieletnich",
    "pedofil*",
    "wykorzystywani* seksualn* dzieci|nieletnich|małoletnich|maloletnich|dziecka",
    "molestowa* dzieci|dziecka|nieletni*|dziewczyn*|chłopc*|chlopc*|córk*|cork*|syna",
    "nagie|rozbierane|intymne zdjęcia|zdjecia|fotki|nagrania dzieci|nieletnich|dziecka|"
    "dziewczynek|chłopców|chlopcow|córki|corki",
    "sprzedaje|sprzedają|sprzedaja|udostępnia|udostepnia|wymienia zdjęcia|zdjecia|nagrania|"
    "filmy dzieci|nieletnich|dziewczynek",
)
_CHILD_TR = (
    "çocuk|cocuk porno*|pornografi*|istismar*",
    "çocuğa|cocuga|çocuklara|cocuklara|küçüğe|kucuge|reşit-olmayana|resit-olmayana cinsel "
    "istismar*|taciz*",
    "cinsel istismar* çocuk*|cocuk*|küçük*|kucuk*|reşit*|resit*",
    "sübyanci*|subyanci*",
    "pedofil*",
    "çocuklarin|cocuklarin|çocuk|cocuk|küçük-kizlarin|kucuk-kizlarin çiplak|ciplak|müstehcen|"
    "mustehcen fotoğraf*|fotograf*|video*|görüntü*|goruntu*|resim*",
)
_CHILD_VI = (
    "khiêu|khieu dâm|dam trẻ|tre em",
    "ấu|au dâm|dam",
    "xâm|xam hại|hai|hiếp|hiep tình-dục|tinh-duc? trẻ-em|tre-em|vị-thành-niên|vi-thanh-nien",
    "lạm|lam dụng|dung tình-dục|tinh-duc trẻ-em|tre-em|vị-thành-niên|vi-thanh-nien|bé-gái|"
    "be-gai|bé-trai|be-trai|học-sinh|hoc-sinh",
    # Not "ảnh" (photo): folded it is "anh" (brother, you, a name's title).
    "khỏa-thân|khoa-than|sex|sếch|sech trẻ|tre em",
    "clip|video|phim|hình|hinh|hình-ảnh|hinh-anh khỏa-thân|khoa-than|nóng|nong|sex trẻ|tre em",
    "clip|video|phim|hình|hinh|hình-ảnh|hinh-anh khiêu-dâm|khieu-dam|sex|nóng|nong của|cua "
    "trẻ|tre em",
    "gạ|ga gẫm|gam|tình|tinh trẻ-em|tre-em|bé-gái|be-gai|học-sinh|hoc-sinh|con-tôi|con-toi|"
    "con-gái|con-gai|con-trai|"
    "cháu-tôi|chau-toi",
)
# Minors, ages and nudity in the new languages, for the co-occurrence rules of the lexicon.
# One phrase per language: a phrase is tried wherever a word with one of its openings
# starts, so a list spanning every language would be tried at far more words.
_MINOR_WORDS_NEW = (
    "kinder|kindern|kindes|minderjährige|minderjaehrige|minderjährigen|minderjaehrigen|"
    "tochter|töchter|sohn|mädchen|maedchen|schülerin|schuelerin|schülerinnen|enkelin|nichte",
    "bambino|bambina|bambini|bambine|minorenne|minorenni|ragazzina|ragazzino|ragazzine|"
    "ragazzini|figlia|figlio|nipotina|alunna|alunno|dodicenne|tredicenne|quattordicenne|"
    "quindicenne|undicenne|decenne",
    "kinderen|kindje|minderjarige|minderjarigen|meisje|meisjes|dochter|zoon|nichtje|leerling",
    "dziecko|dzieci|dziecka|dzieciom|dziećmi|dziecmi|nieletni|nieletnia|nieletnich|nieletniej|dziewczynka|dziewczynki|"
    "dziewczynce|chłopiec|chlopiec|chłopca|chlopca|córka|corka|córki|corki|córce|corce|córką|"
    "córkę|corke|syn|syna|synowi|synem|uczennica|małolata|malolata|małolat|malolat",
    "çocuk|cocuk|çocuğum|cocugum|çocuğa|cocuga|çocuğuma|cocuguma|çocuğumu|cocugumu|kizim|"
    "kizima|kizimi|oğlum|oglum|oğluma|oglumu|"
    "ogluma|küçük-kiz|kucuk-kiz|reşit-olmayan|resit-olmayan|öğrenci|ogrenci",
    "con-tôi|con-toi|con-mình|con-minh|cháu-tôi|chau-toi|con-gái|con-gai|con-trai|trẻ-em|"
    "tre-em|bé-gái|be-gai|bé-trai|be-trai|học-sinh|hoc-sinh|vị-thành-niên|vi-thanh-nien|"
    "chưa-đủ-tuổi|chua-du-tuoi",
)
# "12-jährige", "12-jarige", "12-letnia", "12 yaşinda", "12 tuổi", "12 Jahre alt"...
_AGE_WORDS_NEW = (
    f"{_AGES} jährige|jaehrige|jährigen|jaehrigen|jarige|jarig|letnia|letni|letniej|letniego|"
    "latka|latek|yaşinda|yasinda|yaşindaki|yasindaki|yaşlarinda|yaslarinda|tuổi|tuoi|"
    "jahre-alt|jahren-alt|jaar-oud",
    f"ha|di {_AGES} anni",
    f"van {_AGES} jaar",
    f"ma {_AGES} lat|latka",
)
_SEXUAL_WORDS_NEW = (
    "nackt|nacktbilder|nacktfotos|nacktbild|nacktfoto|sexuell|sexuelle|sexuellen|sexbilder|"
    "intimbilder|intimfotos",
    "foto-nude|foto-nuda|foto-nudi|video-nudi|immagini-nude|tutta-nuda|sessuale|sessuali|"
    "foto-intime|foto-osé|foto-ose",
    "naakt|naaktfoto|naaktfoto's|naaktfotos|seksueel|seksuele",
    "nago|nagie|nagich|nagiej|nagi|nagą|naga|rozbierane|seksualne|seksualny|intymne",
    "çiplak-fotoğraf|ciplak-fotograf|çiplak-fotoğraflarini|ciplak-fotograflarini|çiplak-foto|"
    "ciplak-foto|çiplak-resim|ciplak-resim|çiplak-video|ciplak-video|cinsel|müstehcen|mustehcen",
    # Not "khỏa thân" alone: folded it is also "Khoa thân" (a name, "close to").
    "clip-khỏa-thân|video-khỏa-thân|hình-khỏa-thân|ảnh-khỏa-thân-của|chụp-ảnh-khỏa-thân|"
    "gửi-ảnh-khỏa-thân|đòi-ảnh-khỏa-thân|xin-ảnh-khỏa-thân|tình-dục|tinh-duc|khiêu-dâm|"
    "khieu-dam|clip-nóng|clip-nong|clip-sex",
)
_GROOMING_NEW = (
    "sag|sags|erzähl|erzaehl|erzähls es? nicht deinen|deiner eltern|mama|mutter|papa|vater",
    "nicht|niemandem deinen|deiner|seinen|seiner|ihren|ihrer eltern|mama|mutter|papa|vater "
    "sagen|erzählen|erzaehlen|verraten",
    "unser kleines? geheimnis",
    "heimlich|alleine|allein treffen|sehen|abholen",
    "ohne dass deine|ihre|eure|wir|sie eltern|es",
    "senza che i tuoi|suoi|i-tuoi|i-suoi genitori|lo-sappiano",
    "incontrarsi|vedersi|incontrarla|incontrarlo da soli|sola|solo|di-nascosto",
    "non dirlo|dire-niente|dirlo-a-nessuno ai|a|alla|al tuoi|tua|tuo? genitori|mamma|papà|papa",
    "il nostro piccolo? segreto",
    "zeg|vertel het? niet|niks|niets tegen je|jouw ouders|moeder|vader|mama|papa",
    "ons|hun|jullie geheimpje|geheim",
    "afspreken|afspraak zonder dat je|jouw|haar|zijn|wij|we ouders|het",
    "zonder dat wij|we|je-ouders|haar-ouders|zijn-ouders het weten",
    "niet|niks|niets tegen je|jouw|zijn|haar ouders|moeder|vader|mama|papa zeggen|vertellen|"
    "mag|mogen|moet|hoeft|zegt|vertelt",
    "nie mów|mow|mówił|mowil|mówiła|mowila rodzicom|mamie|tacie",
    "nasz|nasza sekret|tajemnica",
    "spotkać|spotkac się|sie sam|bez na|rodziców|rodzicow",
    "bez wiedzy rodziców|rodzicow",
    "ailene|annene|babana|annenlere söyleme|soyleme|anlatma|söylemesin|soylemesin",
    "aramizda kalsin|sir",
    "ailenin|annenin|ailesinin haberi olmadan",
    "yalniz|gizlice buluşalim|bulusalim|buluşalim|görüşelim|goruselim",
    "đừng|dung nói|noi|kể|ke với|voi|cho bố-mẹ|bo-me|ba-mẹ|ba-me|cha-mẹ|cha-me",
    "bí|bi mật|mat của|cua chúng|chung ta",
    "gặp|gap riêng|rieng",
    "không|khong cho bố-mẹ|bo-me|ba-mẹ|ba-me|cha-mẹ|cha-me biết|biet",
)
_CHILD_EXCLUDE_NEW = (
    "sexualkunde|aufklärung|aufklaerung|sexualerziehung|educazione sessuale|seksuele voorlichting",
    "edukacja|wychowanie seksualna|seksualne|do-życia-w-rodzinie",
    "cinsel eğitim|egitim",
    "giáo|giao dục|duc giới-tính|gioi-tinh|tình-dục|tinh-duc",
)
_CHILD_REVIEW_NEW = {
    "de": ("loverboy",),
    "it": ("adesca|adescava|adescare",),
    "nl": ("loverboy|loverboys",),
    "pl": ("sekstorsja|sextortion",),
    "tr": ("şantaj|santaj çiplak|ciplak",),
    "vi": ("dụ|du dỗ|do trẻ-em|tre-em|bé-gái|be-gai|học-sinh|hoc-sinh",),
}

_MINORS_AND_AGES = (_MINOR_WORDS, *_MINOR_WORDS_NEW, *_AGE_WORDS, *_AGE_WORDS_NEW)

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
        "de": _CHILD_DE,
        "it": _CHILD_IT,
        "nl": _CHILD_NL,
        "pl": _CHILD_PL,
        "tr": _CHILD_TR,
        "vi": _CHILD_VI,
    },
    near=(
        Near(first=_MINORS_AND_AGES, second=(_SEXUAL_WORDS, *_SEXUAL_WORDS_NEW), words=6),
        # "an adult keeps asking my 11 year old for pictures in the bath"
        Near(first=_MINORS_AND_AGES, second=(*_GROOMING, *_GROOMING_NEW), words=8),
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
        **_CHILD_REVIEW_NEW,
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
        *_CHILD_EXCLUDE_NEW,
    ),
)
