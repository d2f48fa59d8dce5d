"""Self-harm and suicide: first-person risk, and encouraging someone to do it."""

from services.triage.lexicons.types import Lexicon, Near

_BODY = "arm|arms|wrist|wrists|thigh|thighs|leg|legs|skin|stomach|body"
# A farewell and a method or place, in either order: "texted me goodbye, he's on the bridge".
_FAREWELL = (
    "goodbye|goodbyes|farewell|farewells|letters-to-everyone|last-message|last-words",
    "despedida|despedirme|despidio|despidió|adios|adiós|carta|cartas",
    "despedida|despedir|despediu|adeus|carta|cartas",
    "selamat-tinggal|perpisahan|pamit|surat-wasiat",
    "adieu|adieux|lettre|lettres",
)
# Taking all of a medicine, in any person and language: "take all her antidepressants".
_TAKE_ALL = (
    "take|taking|took|swallow|swallowed|swallowing|down|downed|ate all|every|the-whole-bottle",
    "tomar|tomarme|tomarse|tomo|tomó|tome|tragar|tragarme|tragarse todas|todos",
    "tomar|tomei|tomou|tomando|engolir|engoli todos|todas",
    "minum|meminum|menelan|nelan semua|sebotol|sekaligus",
    "prendre|pris|avaler|avale|avalé tous|toutes",
)
_MEDICINES = (
    "pills|meds|medication|medications|tablets|antidepressants|painkillers|sleeping-pills|"
    "tylenol|paracetamol|insulin|pastillas|pildoras|píldoras|medicamentos|remedios|"
    "comprimidos|remédios|obat|pil|pilules|cachets|medicaments|médicaments|somniferes|"
    "somnifères",
)
# Jumping from a height or onto rails: "loncat dari lantai 10", "tirarme a las vías".
_JUMP = (
    "jump|jumping|jumped|throw-myself|throw-herself|throw-himself|step-off|leap|"
    "saltar|tirarme|tirarse|aventarme|lanzarme|pular|me-jogar|se-jogar|loncat|lompat|"
    "terjun|sauter|me-jeter|se-jeter|me-lancer",
)
_HEIGHTS = (
    "floor|storey|story|rooftop|roof|ledge|tracks|rails|train|overpass|piso|vias|vías|"
    "tren|azotea|andar|trilhos|trem|telhado|lantai|atap|rel|kereta|etage|étage|rails|"
    "train|toit|viaduc",
)
_METHOD = (
    "bridge|roof|rooftop|ledge|cliff|balcony|train-tracks|tracks|pills|rope|noose|gun|razor|"
    "blade|overdose",
    "puente|azotea|techo|pastillas|cuerda|vias-del-tren",
    "ponte|telhado|predio|prédio|remedios|remédios|comprimidos|corda|trilhos",
    "jembatan|atap|gedung|obat|tali|rel-kereta",
    "pont|toit|falaise|cachets|medicaments|médicaments|corde|voie-ferree",
)

# Someone else's intent before a verb naming the reporter as its object ("dice que va a
# matarme", "quiere matarnos"): a threat from them, not the reporter's own self-harm.
_THREATENED_ES = (
    "va|van|iba|iban|quiere|quieren|queria|quería|querian|querían|piensa|piensan|planea|"
    "planean|intento|intentó|intentaron|trato-de|trató-de|amenaza-con|amenazo-con|"
    "amenazó-con|amenazan-con|amenazaron-con|jura|juró|promete|prometio|prometió a? "
    "matarme|matarnos|asesinarme|ahorcarme|quemarme|envenenarme|ahogarme|cortarme"
)
# Another person's intent to end their own life, with the reflexive: "se va a quitar la
# vida", "ela vai se matar", "il compte mettre fin à ses jours". Past forms ("se quitó la
# vida") are grief or news, not an emergency, and are not listed.
_INTENT_ES = "va|van|iba|iban|quiere|quieren|piensa|piensan|planea|amenaza-con|amenazo-con"
_INTENT_PT = "vai|vao|vão|ia|iam|quer|querem|pretende|planeja|ameaça|ameaca|ameacou|ameaçou"
_INTENT_FR = "va|vont|veut|veulent|allait|voulait|compte|menace-de|menacé-de|pense-a|pense-à"

# --- German, Italian, Dutch, Polish, Turkish, Vietnamese ---------------------------------
# First-person intent with the reflexive ("ich bringe mich um", "voglio uccidermi", "chcę
# się zabić", "kendimi öldüreceğim"), the same in the third person ("sie bringt sich heute
# Nacht um", "vuole togliersi la vita"), wishes to die or not to live, cutting, methods, and
# telling someone to do it. Past forms ("hat sich umgebracht") are grief or news.
_SELF_DE = (
    "suizid*|selbstmord*|selbsttötung|selbsttoetung|freitod",
    "ich bring|bringe|bringen mich heute|morgen|gleich|jetzt|bald|einfach|wirklich|noch|"
    "endlich|dann? nacht|abend|abends? um",
    "bring|bringt|bringen sich heute|morgen|gleich|jetzt|bald|einfach|wirklich|"
    "endlich|dann? nacht|abend? um",
    "ich will|werde|möchte|moechte|muss|wollte|werd mich|sich umbringen|töten|toeten|"
    "erhängen|erhaengen|aufhängen|aufhaengen|vergiften|ertränken|ertraenken|erschießen|"
    "erschiessen",
    "will|wird|möchte|moechte|wollte|droht|drohte|plant|versucht sich umbringen|töten|toeten|"
    "umzubringen|zu-töten|zu-toeten|erhängen|erhaengen|das-leben-nehmen|das-leben-zu-nehmen|"
    "etwas-antun|was-antun|etwas-anzutun",
    "sich umzubringen|das-leben-zu-nehmen|etwas-anzutun",
    "daran|dran|überlege|ueberlege|versuche|plane mich umzubringen|das-leben-zu-nehmen",
    "mir das leben zu nehmen",
    "nehme|nehm|nimmt|nehmen mir|sich heute|morgen? das leben",
    "mir|sich das leben nehmen",
    "sich etwas|was antun",
    "ich will|werde|möchte|moechte|könnte|koennte|muss mir etwas|was antun",
    "ich will|möchte|moechte nur-noch|einfach|endlich|nicht-mehr? sterben|tot-sein|"
    "nicht-mehr-leben|"
    "nicht-mehr-aufwachen|nicht-mehr-sein",
    "will|möchte|moechte|kann nicht mehr leben|weiterleben|aufwachen|existieren",
    "kein|keinen grund|sinn mehr? zu|weiter? leben",
    "ritze|ritz|ritzt|ritzte mich|sich",
    "schneide|schneid|schneidet mich|sich wieder|absichtlich|heimlich|jeden-tag|jeden-abend|selbst",
    "ritzen|ritzt|ritze mich|sich|meine|ihre arme|handgelenke|beine",
    "pulsader*",
    "handgelenke aufschneiden|aufritzen|aufgeschnitten|durchschneiden",
    "selbstverletz*",
    "von|vom der|einer|dem? brücke|bruecke|dach|hochhaus|balkon springen|stürzen|stuerzen",
    "spring|springe|springt|stürze|stuerze mich|sich|heute|heut|morgen|jetzt|gleich|nachher? "
    "von|vom der|dem|einer|einem|ihrem|"
    "meinem? brücke|bruecke|dach|hochhaus|balkon|turm",
    "vor den|einen zug|ubahn|u-bahn|lkw werfen|springen|schmeißen|schmeissen|legen",
    "mich erhängen|erhaengen|aufhängen|aufhaengen",
    "sich erhängen|erhaengen",
    "besser dran ohne mich",
    "ohne mich besser dran",
    "wären|waeren|wäre|waere ohne mich besser|glücklicher|gluecklicher",
    "abschiedsbrief*",
    "bring|bringt dich|euch doch|endlich|einfach|selbst endlich|einfach|mal|doch? um",
    "geh|geht dich|euch umbringen|aufhängen|aufhaengen",
    "häng|haeng|häng-dich|haeng-dich dich|euch auf",
    "töte|toete dich|euch selbst",
    # All of one's pills at once.
    "alle|sämtliche|saemtliche|meine-ganzen tabletten|pillen|schlaftabletten|medikamente|"
    "antidepressiva nehmen|schlucken|genommen|geschluckt|einwerfen|eingeworfen",
    "nehme|schlucke|nehm|schluck alle|sämtliche|saemtliche|meine-ganzen tabletten|pillen|"
    "schlaftabletten|medikamente|antidepressiva",
)
_SELF_IT = (
    "voglio|vorrei|devo|sto-per|ho-deciso-di|penso-di|sto-pensando-di|ho-voglia-di|"
    "mi-viene-voglia-di|non-vedo-l'ora-di uccidermi|ammazzarmi|suicidarmi|togliermi-la-vita|"
    "impiccarmi|farla-finita|tagliarmi-le-vene|farmi-del-male",
    "voglio|vorrei|ho-voglia-di morire",
    "mi voglio|vorrei|devo uccidere|ammazzare|suicidare|impiccare|togliere-la-vita",
    "mi ammazzo|uccido|suicido|impicco|tolgo-la-vita",
    "togliermi|togliersi|toglierti la vita",
    "non voglio|vorrei più|piu vivere|esistere|svegliarmi",
    "non ho più|piu voglia di vivere",
    "nessun|nessuna|non-ho-un|non-ho-nessun motivo|ragione per vivere",
    "mi taglio|tagliuzzo|autolesiono",
    "mi sono tagliato|tagliata|tagliuzzato|tagliuzzata|ferito|ferita di-nuovo|ancora|le-braccia|"
    "i-polsi|le-gambe",
    "tagliarmi|tagliarsi|mi-taglio|si-taglia|taglio le|i vene|polsi|braccia",
    "mi faccio del male",
    "mi-butto|buttarmi|gettarmi|lanciarmi|mi-getto|mi-lancio|si-butta|buttarsi|buttare|gettare|"
    "lanciare dal|da|dalla|"
    "sotto|giù-dal|giu-dal il|un|una|la|lo? ponte|tetto|balcone|finestra|treno|palazzo|"
    "terrazzo|metro|grattacielo",
    "si vuole|vorrebbe uccidere|ammazzare|suicidare|impiccare|togliere-la-vita",
    "vuole|vorrebbe|sta-per|minaccia-di|ha-intenzione-di|pensa-di|ha-deciso-di uccidersi|"
    "ammazzarsi|suicidarsi|togliersi-la-vita|impiccarsi|farla-finita|farsi-del-male",
    "si ammazza|uccide|suicida|impicca stasera|stanotte|domani|oggi",
    "starebbero|staranno|stareste|stanno meglio senza di me",
    "lettera d'addio|di-addio",
    "ucciditi|suicidati|impiccati-pure",
    "vai|va ad|a ammazzarti|ucciderti|impiccarti|suicidarti",
    # All of one's pills at once.
    "prendere|prendo|preso|ingoiare|ingoio|ingoiato|prenderò|prendero|ingoierò|ingoiero "
    "tutte|tutti le|i|quelle|quei? pillole|pasticche|compresse|farmaci|medicine|sonniferi|"
    "antidepressivi",
)
_SELF_NL = (
    "zelfmoord*|zelfdoding",
    "wil|wilt|wou|wilde dood|sterven|dood-zijn|er-niet-meer-zijn",
    "wil|wilt|wou|wilde niet meer leven|bestaan|wakker-worden|verder-leven",
    "wil|wilt er niet meer zijn",
    "mezelf|zichzelf|me|zich van kant maken|te-maken|maak|maakt",
    "maak|maakt|ga|gaat mezelf|zichzelf|me|zich van kant",
    "ga|gaat|wil|wilt mezelf|zichzelf ophangen|doodmaken|vermoorden|verdrinken|iets-aandoen|"
    "van-kant-maken",
    "mezelf|zichzelf ophangen|doodmaken|vermoorden|verdrinken|iets-aandoen|pijn-doen|snijden",
    "snij|snijd|sneed|snijdt|kras|krast mezelf|zichzelf",
    "maak|maakt|maken er vanavond|vannacht|morgen|vandaag|nu|gewoon|echt|zelf? een einde|eind aan",
    "einde|eind aan mijn|m'n|mn leven",
    "wil|wilt|gaat|zal|wou een einde|eind aan zijn|haar leven",
    "mijn|mn|zijn|haar leven beëindigen|beeindigen",
    "voor de|een trein|metro springen|spring|gooien|werpen",
    "van de|het|een brug|flat|dak|balkon|gebouw|toren springen|afspringen|af-springen",
    "spring|springt|ga-springen van de|het|een brug|flat|dak|balkon|gebouw|toren",
    "beter af zonder mij",
    "afscheidsbrief*",
    "hang|knoop jezelf op",
    # All of one's pills at once.
    "slik|slikken|geslikt|neem|nemen|genomen alle|al-mijn|al-m'n pillen|tabletten|medicijnen|"
    "slaappillen",
    "alle|al-mijn|al-m'n pillen|tabletten|medicijnen|slaappillen slikken|innemen|ingenomen|geslikt",
)
_SELF_PL = (
    "samobójstw*|samobojstw*|samobójcz*|samobojcz*",
    "chcę|chce|chciałbym|chcialbym|chciałabym|chcialabym|zamierzam|planuję|planuje|"
    "postanowiłem|postanowilem|postanowiłam|postanowilam|muszę|musze się|sie zabić|zabic|"
    "powiesić|powiesic|otruć|otruc|utopić|utopic",
    "chcę|chce|chciałbym|chcialbym|chciałabym|chcialabym|zamierzam|planuję|planuje|"
    "postanowiłem|postanowilem|postanowiłam|postanowilam zabić|zabic|powiesić|powiesic się|sie",
    "zabiję|zabije|powieszę|powiesze|otruję|otruje|utopię|utopie się|sie",
    "się|sie dzisiaj|dziś|dzis|jutro|zaraz|wieczorem|chyba? zabiję|zabije|powieszę|powiesze|"
    "powiesi",
    "zabij|powieś|powies się|sie",
    "idź|idz się|sie zabij|powieś|powies",
    "nie chcę|chce już|juz? żyć|zyc|istnieć|istniec|się-obudzić|sie-obudzic",
    "chcę|chce umrzeć|umrzec|nie-żyć|nie-zyc",
    "nie mam po-co|dla-kogo|dla-czego żyć|zyc",
    "tnę|tne|cięłam|cielam|ciąłem|cialem|pocięłam|pocielam|pociąłem|pocialem się|sie",
    "się|sie tnę|tne|pocięłam|pocielam|pociąłem|pocialem",
    "ona|on się|sie tnie",
    "okaleczam|okaleczać|okaleczac|okaleczyłam|okaleczylam się|sie",
    "samookalecz*",
    "podetnę|podetne|podciąć|podciac|podcięłam|podcielam|podciąłem|podcialem sobie żyły|zyly|"
    "nadgarstki",
    "skoczę|skocze|skoczyć|skoczyc|rzucę-się|rzuce-sie|rzucić-się|rzucic-sie z|pod|przed "
    "mostu|dachu|bloku|okna|wieżowca|wiezowca|balkonu|pociąg|pociag",
    "lepiej beze mnie",
    "list pożegnalny|pozegnalny",
    "skończyć|skonczyc|skończę|skoncze ze sobą|soba",
    "odbiorę|odbiore|odebrać|odebrac|odbierze sobie życie|zycie",
    # All of one's pills at once.
    "łyknę|lykne|łyknąć|lyknac|połknę|polkne|połknąć|polknac|wezmę|wezme|wziąć|wziac|wzięłam|"
    "wzielam|wziąłem|wzialem|łyknęłam|lyknelam wszystkie|całe|cale tabletki|leki|pigułki|"
    "pigulki|proszki|opakowanie",
)
_SELF_TR = (
    "intihar*",
    "kendimi öldüreceğim|oldurecegim|öldürcem|oldurcem|öldürecem|oldurecem|öldürücem|"
    "oldurucem|öldürürüm|oldururum|öldürmek|oldurmek|öldürmeyi|oldurmeyi|asacağim|asacagim|"
    "asarim|ascam|asicam|asmak|zehirleyeceğim|zehirleyecegim|yakacağim|"
    "yakacagim",
    "kendini öldürecek|oldurecek|öldüreceğini|oldurecegini|öldürmek|oldurmek|öldürmeye|"
    "oldurmeye|asacak|asacağini|asacagini|asmak|asmaya|öldür|oldur|öldürsene|oldursene|as|"
    "assana",
    "ölmek|olmek istiyorum|istiyom|isterdim|istiyoruz",
    "ölmek|olmek istiyor",
    "yaşamak|yasamak istemiyorum|istemiyom|istemiyor",
    "yaşamak|yasamak için|icin bir sebebim|nedenim yok",
    "hayatima|hayatina son vereceğim|verecegim|vercem|vericem|vermek|"
    "verecek|vereceğini|verecegini|vermeyi",
    "canima|canina kiyacağim|kiyacagim|kiycam|kiyicam|kiymak|kiymak|kiyacak|kiyacağini|kiyacagini",
    "bileklerimi|bileğimi|bilegimi|damarlarimi|bileklerini|damarlarini|damarlarini kes*",
    "kendime|kendine zarar ver*",
    "kendimi|kendini kesiyorum|kesiyor|kestim|kesti|keseceğim|kesecegim|jiletliyorum|"
    "jiletledim|jiletliyor",
    "kendimi|kendini köprüden|kopruden|çatidan|catidan|binadan|balkondan|pencereden|camdan|"
    "uçurumdan|ucurumdan at*",
    "köprüden|kopruden|çatidan|catidan|binadan|balkondan|uçurumdan|ucurumdan atlayacağim|"
    "atlayacagim|atlicam|atlarim|atlamak|atlayacak|atlayacağini|"
    "atlayacagini",
    "trenin|metronun|arabanin önüne|onune atlayacağim|atlayacagim|atlicam|atlamak|"
    "atacağim|atacagim",
    "bensiz daha iyi|mutlu olur|olursunuz|olacaklar",
    "veda mektubu|mektubumu",
    "haplari|haplari|ilaçlari|ilaclari içip|icip|yutup öleceğim|olecegim|ölcem|olcem|ölmek",
    # All of one's pills at once.
    "tüm|tum|bütün|butun ilaçlarimi|ilaclarimi|ilaçlari|ilaclari|haplarimi|haplari|"
    "haplari içeceğim|icecegim|içtim|ictim|içicem|icicem|yutacağim|yutacagim|yuttum",
)
_SELF_VI = (
    "tôi|toi|mình|minh|tớ|to|tui|tao|em|con|nó|no|cô-ấy|co-ay|anh-ấy|anh-ay|bạn-tôi|"
    "ban-toi muốn|muon|sẽ|se|định|dinh|sắp|sap|đang-định|dang-dinh|nghĩ-đến|nghi-den|"
    "đã|da|lại|lai tự|tu tử|tu|sát|sat",
    "muốn|muon|định|dinh|sắp|sap tự|tu tử|tu|sát|sat",
    "tôi|toi|mình|minh|tớ|tui muốn|muon chết|chet",
    "muốn|muon chết|chet quách|quach|cho-xong|đi-cho-xong|di-cho-xong",
    "không|khong|chẳng|chang muốn|muon sống|song nữa|nua",
    "chẳng|chang|không|khong còn|con lý-do|ly-do gì|gi để|de sống|song",
    "kết|ket thúc|thuc cuộc|cuoc đời|doi|sống|song mình|minh|tôi|toi|của-mình|cua-minh",
    "tự|tu làm|lam hại|hai|đau|dau bản-thân|ban-than|mình|minh",
    "tôi|toi|mình|minh|em|nó|no|tự|tu|lại|lai|hay|muốn|muon|đã|da rạch|rach tay|cổ-tay|co-tay",
    "cắt|cat cổ|co tay",
    "tự|tu treo cổ|co",
    "muốn|muon|định|dinh|sẽ|se|sắp|sap nhảy|nhay lầu|lau|cầu|cau|sông|song",
    "uống|uong hết|het|cả-lọ|ca-lo thuốc|thuoc ngủ|ngu",
    "uống|uong thuốc|thuoc ngủ|ngu tự|tu tử|tu|chết|chet",
    "thư|thu tuyệt|tuyet mệnh|menh",
    "nhảy|nhay từ|tu tầng|tang|nóc|noc|sân-thượng|san-thuong|cầu|cau|lầu|lau",
    "tôi|toi|mình|minh|tớ|tui muốn|muon kết|ket thúc|thuc tất-cả|tat-ca|mọi-thứ|moi-thu",
    "mọi|moi người|nguoi sẽ|se tốt|tot|hạnh-phúc|hanh-phuc hơn|hon khi|nếu|neu không|khong có|"
    "co tôi|toi|mình|minh",
)
# Idioms in the new languages: dying of laughter, shame, boredom; "killing time"; an own goal
# ("gol samobójczy"), a suicide attack, a squad or a mission; a haircut; prevention lines.
_SELF_EXCLUDE_NEW = (
    "selbstmordattentat*|selbstmordanschlag*|selbstmordkommando*|suizidprävention|"
    "suizidpraevention|selbstmordrate|suizidrate|selbstmordprävention|selbstmordattentäter*|"
    "selbstmordattentaeter*|suizidhilfe|selbstmordgedanken-hotline",
    "sterben|sterbe vor lachen|langeweile|scham|hitze|hunger|neugier|müdigkeit|muedigkeit",
    "um vor lachen",
    "um den|meinen|mein|meine|meinem|seinen|sein|seine|ihren|ihr|ihre|unseren|unser|unsere|"
    "euren|eure|jeden|jede|verstand|schlaf",
    "mi taglio|tagliato|tagliata|taglia con|col|sul|sulla la|il|un|una? carta|vetro|foglio|"
    "lattina|scatola|coltello-da-cucina",
    "hier|dort|da|burada|orada|burda|orda|bu-şehirde|bu-sehirde|bu-ülkede|bu-ulkede|bu-evde "
    "yaşamak|yasamak",
    "cổ|co tay áo|ao",
    "attentato|attentati|attentatore|attentatori|missione|kamikaze suicida|suicidi",
    "suicida|suicide attentato|missione|squad",
    "morire|morendo|muoio di|dal|dalla|dalle ridere|risate|vergogna|noia|fame|sonno|caldo|"
    "paura|sete|freddo|stanchezza|voglia",
    "mi ammazzo|uccido|ammazzavo|ammazzerei dalle|dal|di|per risate|ridere|lavoro|studio|fatica|"
    "botte|canne",
    "farla finita con|coi|col|colla|con-questa|con-questo",
    "mi taglio|tagli|taglia|tagliuzzo i|la|le|lo capelli|unghie|barba|frangia|baffi",
    "zelfmoordaansla*|zelfmoordterror*|zelfmoordpreventie|zelfmoordcijfer*|zelfmoordmissie|"
    "zelfmoordactie|zelfmoordcommando|zelfmoordpoging-in-de-film",
    "dood van|door|om|aan schaamte|het-lachen|lachen|de-hitte|hitte|verveling|honger|dorst",
    "mezelf|zichzelf snijden|sneed|snijdt|gesneden aan|in|met een|het|de? papier|glas|mes|blik",
    "gol|gola|bramka|bramkę|bramke|samobój|samoboj samobójcz*|samobojcz*",
    "samobójcz*|samobojcz* gol|gola|bramk*|zamach*|misj*|atak*",
    "zamach*|misj*|atak* samobójcz*|samobojcz*",
    "umrzeć|umrzec|umieram ze|z śmiechu|smiechu|wstydu|nudów|nudow|głodu|glodu|zmęczenia|"
    "zmeczenia|strachu|ciekawości|ciekawosci|zazdrości|zazdrosci",
    "zabije|zabiję się|sie ze|z śmiechu|smiechu",
    "intihar saldiri*|bombaci*|eylem*|timi|filosu|önleme|onleme|hatti|orani|oranlari|görevi|gorevi",
    "utançtan|utanctan|utancimdan|rezillikten|gülmekten|gulmekten|sikintidan|"
    "sikintidan|sicaktan ölmek|olmek",
    "kendimi işe|ise|derslere|oyuna|müziğe|muzige|dişari|disari|yatağa|yataga|koltuğa|koltuga at*",
    "từ|tu từ|tu tìm|tim|xem|kiểm|kiem|làm|lam|học|hoc|đọc|doc|tra|nghĩ|nghi|suy|thử|thu|giải|"
    "giai|sửa|sua|xử|xu|trả|tra|nói|noi|ăn|an|uống|uong|chờ|cho|đợi|doi|dùng|dung|hiểu|"
    "hieu|tập|tap|lo|tính|tinh|bàn|ban|rồi|roi|đã|da|thôi|thoi|nhé|nhe|nha|mà|ma|đi|di|"
    "lên|len|xuống|xuong|cũng|cung|sẽ|se|được|duoc",
    "muốn|muon chết|chet đi-được|di-duoc|mất|mat|luôn|luon|được|duoc",
    "nhảy|nhay cầu|cau môn|mon|thể-thao|the-thao|nghệ-thuật|nghe-thuat",
)
_SELF_REVIEW_NEW = {
    "de": (
        "ich bin nur eine last",
        "ich bin eine last für|fuer alle",
        "ich verschenke meine sachen",
        "ich halte das nicht mehr aus",
    ),
    "it": ("sono un peso", "sto regalando le mie cose", "non ce la faccio più|piu a vivere"),
    "nl": ("ik ben een last", "ik geef mijn spullen weg", "ik trek het niet meer"),
    "pl": (
        "jestem ciężarem|ciezarem",
        "nie chce|chcę mi się żyć|zyc",
        "rozdaję|rozdaje swoje rzeczy",
    ),
    "tr": (
        "yük oluyorum|yuk-oluyorum",
        "herkese yük|yuk",
        "eşyalarimi|esyalarimi dağitiyorum|dagitiyorum",
    ),
    "vi": ("chán|chan sống|song", "tôi là gánh nặng|ganh-nang", "mệt mỏi với cuộc đời|doi"),
}


SELF_HARM = Lexicon(
    category="self_harm",
    queue="safety-wellbeing",
    phrases={
        "en": (
            "suicid*",
            "kill|killing|kms my-self",
            "end|ending|take|taking my own? life",
            "end|ending it all",
            "self harm*",
            "cut|cutting|hurt|hurting|harm|harming|starve|starving myself",
            "want|wants|wanted to die",
            "wanna die",
            "don't|dont|do-not want to live|be-alive|wake-up",
            "no reason to live",
            "better off dead",
            "better off without me",
            "not worth living",
            "kill yourself|urself|yourselves",
            "kys",
            "kms",
            "end|ending|take|taking her|his|their own? life|lives",
            "never wake up",
            "disappear forever",
            "can't|cant|cannot go on",
            "overdos*",
            "took|take|taking|swallowed|swallow a|the? bunch|bottle of pills",
            "nobody|no-one will|would miss me|him|her",
            "goodbye note|letter",
            "take|taking|took|swallow|swallowed all|every my|her|his|their|the? pills|meds|tablets",
            "end it tonight|today|now",
            "tired|done|sick with|of life|living",
            "deserve to die",
            "cutting again",
            "started cutting",
            "overdose on purpose",
            "slit my wrists",
            # Passive and indirect ideation, farewells, methods, third person.
            "kill|killing|kms himself|herself|themselves|themself",
            "end|ending|take|taking his|her|their own? life",
            "cut|cutting|hurt|hurting|harm|harming|starve|starving|burn|burning|punish|"
            "punishing|hang|hanging|choke|choking|drown|drowning myself|himself|herself|"
            "themselves|themself",
            "wish|wished i was|were|could-be dead|gone|never-born",
            "wish|wishes|wished i|she|he|they was|were|had-been never-born",
            "want|wants|wanna to? stop-existing|not-exist|cease-to-exist|disappear-forever",
            "wish i could|would die|disappear|sleep-forever|not-wake-up|stop-existing",
            "why bother living|going-on|being-alive",
            "what's|whats|what-is the point of|in living|life|going-on|being-alive",
            "no point in? living|going-on|being-alive",
            "nothing|nobody|no-one left? to live for",
            "lost the will to live",
            "don't|dont|do-not want to exist|be-here-anymore|be-around|be-alive|live-anymore",
            "tired|sick of being alive|existing|breathing",
            "won't|wont|will-not|not going-to|gonna? be here|around much-longer|for-long|"
            "after-tonight",
            "won't|wont|will-not be here|around anymore",
            "everyone|everybody|they|you|my-family would|will be better off without me",
            "better off without me|her|him",
            "this is my last goodbye|message|post|day|night",
            "goodbye cruel world",
            "goodbye forever",
            "final goodbye|goodbyes",
            "jump|jumping|jumped|throw-myself|throw-herself|throw-himself off|from the|a|this? "
            "bridge|roof|rooftop|building|cliff|balcony|ledge|tower|overpass",
            "jump|jumping|step|stepping|throw-myself|throw-herself|throw-himself in front of "
            "a|the train|bus|truck|car",
            "swallow*|took|take|taking|ate all|every|a-bunch-of|the-whole-bottle "
            "pills|meds|tablets",
            "how many pills|tablets|meds to-die|would-kill|does-it-take|to-overdose|to-take-to-die",
            "lethal dose",
            "stockpiling|hoarding|saving-up|saved-up pills|meds|tablets",
            "fresh|new|deep cuts|scars|burns on my|her|his " + _BODY,
            "cutting|cut|slicing|slit|carving|burning my|her|his " + _BODY,
            "cut|cuts|cutting herself|himself|themselves",
            "razor|blade to my|her|his " + _BODY,
            "tie|tied|tying a noose",
            "bought|buying|got|have a rope|noose to hang",
            "my last day|night on earth|alive",
            "don't|dont|do-not deserve to live|be-alive|exist",
            "neck|rope|hang yourself|urself",
            "drink bleach",
            "you should|should-just die|kill-yourself|end-it",
            "do everyone|the-world|us a favor|favour and die|kill-yourself|end-it",
            "wanna|want-to|going-to|gonna end it",
            "end it all",
            "planning|planned|plan my suicide|death|exit",
            "painless|easiest|easy|quickest|fastest|best|quick way|ways|method|methods to "
            "die|kill-myself|end-it|end-my-life|commit-suicide",
            "whole|entire|full bottle|pack|packet|box of sleeping|my? pills|tablets|meds|"
            "painkillers|tylenol|paracetamol|sleeping-pills",
            "don't|dont|do-not|doesn't|doesnt|didn't|didnt want to wake-up|live|be-alive|"
            "exist|be-here",
            "tonight is|will-be the night|day i end|end-it|die|do-it",
            "end things tonight|today|now|for-good",
            "drink|drank|drinking|swallow|swallowed poison|bleach|antifreeze",
            "poison|poisoning myself|herself|himself",
            "until|till|til it|they|i bleed|bleeds|bled",
            "jump|jumping|leap|leaping to my|her|his|their death",
            "scratch|scratching|scratched|carve|carving|carved|burn|burning|pick|picking my|"
            "her|his arms|wrists|thighs|legs|skin until",
        ),
        "es": (
            "suicid*",
            "quitarme la vida",
            "matarme",
            "me voy a matar",
            "me quiero morir",
            "quiero morir*",
            "no quiero vivir",
            "autolesion*",
            "cortarme|lastimarme|hacerme-daño",
            "me corto",
            "acabar con mi vida",
            "quiero desaparecer",
            "no quiero despertar",
            "no le veo|tiene sentido a|en? seguir viviendo|vivir|la-vida",
            "sin sentido seguir viviendo|vivir",
            "ya no quiero estar aqui|vivo|viva",
            "ya no quiero seguir",
            "quiero dejar de existir|vivir",
            "ojala|ojalá estuviera|estar muerto|muerta",
            "ojala|ojalá no hubiera nacido",
            "no deberia|debería haber nacido",
            "tomarme|tome|tomé|me-tome|me-tomé todas las pastillas",
            "me voy a tirar|lanzar|aventar de|del|por|al puente|edificio|azotea|balcon|tren",
            "tirarme|lanzarme|aventarme de|del|por|al puente|edificio|azotea|balcon|tren|la",
            "ahorcarme|colgarme",
            "cortarme las venas",
            "me voy a pegar|dar un tiro|balazo",
            "pegarme un tiro|balazo",
            "se quiere matar|suicidar",
            "se va a matar|suicidar|tirar",
            "estaria|estaría|estarian|estarían|estaran|estarán mejor sin mi|mí",
            "es mi despedida",
            "me despido de todos|ustedes",
            "no estare|estaré aqui|aquí mañana",
            "me corte|corté|me-corto|cortandome|cortándome los brazos|las-muñecas|el-brazo",
            "nadie me extrañaria|extrañaría",
            "matate|mátate|suicidate|suicídate",
            "acabar con todo|mi-vida",
            "cortarme|cortarse|cortar|cortando|corto|corta las venas|muñecas",
            "no le veo|tiene|encuentro|encuentra sentido a|en? la-vida|vivir|seguir",
            "quiere|quiero|queria|quería|quisiera morir*",
            "quitarme|quitarse|quitarte la vida",
            "tomar|tomarse|tomarme|tomo|tomó veneno",
            # Reflexive: "me voy a quitar la vida", "se va a matar", "te vas a matar"; "te voy
            # a quitar la vida" is a threat to the reader (see the threat lexicon).
            "me voy|quiero|pienso a? quitar la vida|suicidar|ahorcar|colgar|matar|envenenar|"
            "cortar-las-venas",
            f"se {_INTENT_ES} a? quitar la vida|suicidar|ahorcar|colgar|matar|envenenar|"
            "cortar-las-venas",
            "te vas a? quitar la vida|suicidar|ahorcar|colgar|matar|envenenar|cortar-las-venas",
        ),
        "pt": (
            "suicid*",
            "vou|quero|penso|pensando|vontade em|de? me matar",
            "quero morrer",
            "tirar minha propria vida",
            "nao quero mais? viver",
            "automutila*",
            "me cortar|machucar",
            "acabar com minha vida",
            "nao aguento mais viver",
            "sentido em|de viver",
            "acabar com tudo",
            "tirar a|minha propria? vida",
            "nao|não vejo sentido em|de viver|na-vida|continuar",
            "queria estar morto|morta",
            "queria nao|não ter nascido",
            "nao|não queria ter nascido",
            "quero sumir|desaparecer pra|para sempre",
            "me jogar da|do|de-uma|de-um ponte|predio|prédio|janela|telhado|viaduto",
            "me jogar na frente do|de-um trem|onibus|ônibus|carro|caminhao",
            "me enforcar",
            "cortar os pulsos",
            "me|se cortando|cortei",
            "se corta|machuca de-proposito|de-propósito",
            "se corta|cortando|machuca todo-dia|todos-os-dias|de-novo|sempre|os-bracos|"
            "os-braços|os-pulsos",
            "hasta|até|ate|sampai|jusqu'a|jusqu'à sangrar|berdarah|saigner",
            "tomar|tomei|engolir todos|todas os|as remedios|remédios|comprimidos",
            "vou|quero|vontade-de|pensando-em me dar um tiro",
            "estariam|vão-ficar|vao-ficar melhor sem mim",
            "nao|não vou estar aqui amanha|amanhã",
            "quer|vai se matar",
            "minha carta de despedida",
            "ninguem|ninguém vai sentir minha falta",
            "se mata|mate-se",
            "nao|não quero|queria mais? acordar",
            "acabar com a? minha propria? vida",
            "quero|queria|so-queria|só-queria|quer morrer",
            "tomar|tomou|tomei|beber veneno|chumbinho",
            f"{_INTENT_PT} se suicidar|enforcar|matar|envenenar|jogar-da-ponte|jogar-do-predio|"
            "jogar-do-prédio",
            f"{_INTENT_PT} dar|por fim|fim-à|fim-a|fim-na|termo-à propria|própria|sua? vida",
            f"{_INTENT_PT} tirar a|sua propria|própria? vida",
        ),
        "id": (
            "bunuh diri",
            "ingin|mau|pengen|pingin mati",
            "mengakhiri hidup*",
            "menyakiti|melukai diri*",
            "tidak|gak|nggak|ga mau? ingin? hidup lagi",
            "sayat tangan",
            "mengakhiri semua*",
            "capek|lelah hidup",
            "pengin|pingin|kepengen|pengen|ingin|mau mati aja|saja",
            "mending|lebih-baik aku|gue|gw? mati",
            "gantung diri",
            "loncat|lompat dari jembatan|gedung|atap",
            "minum obat banyak|sebanyak-banyaknya|semua",
            "overdosis",
            "nyilet|menyilet|silet|sayat tangan|lengan|nadi",
            "potong nadi",
            "gak|tidak|ga|nggak ada gunanya|artinya hidup",
            "hidup gak|tidak|ga|nggak ada artinya|gunanya",
            "ingin|mau|pengen menghilang selamanya",
            "tidak|gak|ga|nggak mau bangun lagi",
            "mau|ingin|pengen mengakhiri semuanya|hidupku|hidupnya",
            "dia|ia mau|ingin|akan bunuh diri",
            "minum|meminum|menelan|nelan racun|baygon|obat-nyamuk|pestisida",
            "pergi selamanya|untuk-selamanya",
        ),
        "fr": (
            "suicid*",
            "je-vais|je-veux|envie|pense de|a? me tuer",
            "plus envie de vivre",
            "je veux mourir",
            "mettre fin a mes jours",
            "en finir avec la vie",
            "automutil*",
            "me scarifier",
            "me faire du mal",
            "disparaitre pour toujours",
            "ne plus me reveiller",
            "ne jamais me reveiller",
            "en finir",
            "me|se|te foutre en l'air",
            "me jeter d'un|du|sous pont|toit|immeuble|train|balcon|fenetre",
            "me pendre",
            "me couper|taillader les veines|poignets",
            "me taillader|tailladee|tailladée",
            "me suis|étais|etais encore|re|de-nouveau? scarifié|scarifiée|scarifie|scarifiee|"
            "tailladé|tailladée|taillade|tailladee",
            "avaler|avale|avalé tous mes cachets|medicaments|médicaments",
            "plus aucune raison de vivre",
            "aimerais|je-voudrais etre|être mort|morte",
            "je ne serai plus la|là demain",
            "lettre d'adieu",
            "marre de vivre",
            "mieux sans moi",
            "va|veut se tuer|suicider",
            "tue-toi|suicide-toi",
            "sauter|se-jeter|me-jeter du|d'un|depuis|par-la pont|toit|immeuble|balcon|fenetre",
            "veux|veut|voulais|voulait|envie-de|envie-d' mourir|disparaitre",
            "avaler|boire|bu|avale du? poison|javel",
            f"{_INTENT_FR} se suicider|tuer|pendre|jeter|foutre-en-l'air|donner-la-mort",
            f"{_INTENT_FR} mettre fin a|à ses|leurs jours|sa-vie|leur-vie",
        ),
        "de": _SELF_DE,
        "it": _SELF_IT,
        "nl": _SELF_NL,
        "pl": _SELF_PL,
        "tr": _SELF_TR,
        "vi": _SELF_VI,
    },
    near=(
        Near(first=_FAREWELL, second=_METHOD, words=10),
        Near(first=_TAKE_ALL, second=_MEDICINES, words=3),
        Near(first=_JUMP, second=_HEIGHTS, words=4),
        # "standing on the bridge and says he's going to jump"
        Near(
            first=("on|at|standing-on|sitting-on the|a edge|bridge|ledge|roof|rooftop|balcony",),
            second=("jump|jumping|end-it|let-go|saltar|pular|loncat|lompat|sauter",),
            words=8,
        ),
    ),
    review={
        "en": (
            "i'm|im|i-am|i-feel-like a|such-a|just-a burden",
            "burden to|on everyone|my-family|everybody",
            "giving|gave|give away my|all-my stuff|things|belongings|possessions",
            "can't|cant|cannot take|do it|this|this-anymore anymore",
            "see you on the other side",
            "no way out",
            "except|but ending it",
            "tell my|our mom|mum|dad|family|parents|kids|sister|brother i love",
            "wrote|written|writing my will|a-suicide-note|goodbye-letters",
            "i'm|im|i-am ready to go|to-die|to-end-it",
            "want|wanted|need it|everything|this all? to stop|end|be-over",
            "this is the end for me",
            "end things",
            "ways to die",
            "bought|buying|got a rope",
            "saying|said|say goodbye to everyone",
            "won't|wont|will-not be here tomorrow",
            "pro ana|mia",
            "proana|thinspo|thinspiration",
            "stopped eating",
            "want to disappear",
            "want|wanna|going-to|gonna sleep forever",
            "hopeless|worthless and alone",
            "i hate myself|my-life so much",
            "go die",
            "nobody|no-one would|will miss you|u",
        ),
        "es": (
            "soy una carga",
            "ya no puedo mas|más",
            "ya no aguanto mas|más",
            "regalando mis cosas",
        ),
        "pt": ("sou um fardo", "nao|não aguento mais", "dando minhas coisas"),
        "id": ("udah|sudah gak|tidak|ga|nggak kuat", "aku cuma|hanya beban", "aku beban"),
        "fr": ("je suis un fardeau", "je n'en peux plus", "je donne mes affaires"),
        **_SELF_REVIEW_NEW,
    },
    exclude=(
        _THREATENED_ES,
        # Recovery and looking back: "a year since I stopped self-harming", "clean from
        # cutting". A relapse ("started cutting again") is its own phrase and still fires.
        "stopped|quit|beat|overcame|overcome|recovered-from|recovery-from|recovering-from|"
        "clean-from|free-from|without|since-my-last self harm*|self-harming|selfharm*|"
        "cutting|cut",
        "self harm* free|recovery|anniversary|clean",
        "deje|dejé|dejar de autolesionarme|cortarme|lastimarme|hacerme-daño",
        "parei|parar de me cortar|machucar|automutilar",
        "arrete|arrêté|arreter|arrêter de me scarifier|me-faire-du-mal|me-mutiler",
        "berhenti menyakiti|melukai diri*",
        # Counting clean time: "un año sin autolesionarme", "seis meses sem me cortar".
        "año|años|ano|anos|mes|meses|mês|semana|semanas|día|días|dia|dias sin|sem "
        "autolesionarme|cortarme|lastimarme|me-cortar|me-machucar|me-automutilar|se-cortar",
        # Working or laughing oneself "to death": "vou me matar de estudar".
        "me matar|matar-me|matando de estudar|trabalhar|rir|tanto|cansaço|cansaco|vergonha|fome",
        "crever|crève|creve de chaud|faim|froid|soif|rire|ennui|fatigue|honte",
        # Addressed to any reader: prevention, "if you are thinking about suicide, call 988".
        "if you are|you're|youre|you-re thinking about|of|considering suicide",
        "suicide and|& crisis lifeline",
        "kill|killing|kills|killed himself|herself|myself|themselves laughing|with-laughter",
        "suicide squad|doors|door|mission|run|king|kings|bomber|bombers|bombing",
        "suicide|self-harm|selfharm prevention|awareness|hotline|helpline|resources|resource|"
        "policy|page|rate|rates|support|help",
        "morrer|morrendo|morro de tanto? rir",
        "suicide's|suicides squad",
        "kill|killed|killing himself|herself|themselves|myself in the game|match|round",
        "cut|cutting|cuts my|her|his hair|nails|losses|costs|spending",
        "dead-tired",
        "en finir avec ce|cet|cette|ces|un|une|les|leur|leurs|des|ton|ta|tes|votre|vos",
        "nao|não aguento mais esse|este|essa|esta|o|a aplicativo|app|bug|jogo|erro|site|"
        "atualizacao|atualização",
        "je n'en peux plus de|avec ce|cet|cette|ces bug|app|application|jeu|site|erreur|"
        "mise-a-jour",
        "no puedo|aguanto mas|más con esta|este|el|la aplicacion|aplicación|app|juego|error",
        "can't|cant|cannot take it|this anymore with|from this|the app|update|bug|noise",
        "go die in|on the|a? game|level|round|match",
        "burning|burn my|her|his arm|arms|body on the|a? stove|oven|pan|iron",
        "cut|cutting my|his|her arm|leg|thigh|skin|hand|finger on|with a|the? glass|paper|"
        "can|knife|fence|box|bike",
        "what's|whats|what-is the point of this|that|the feature|update|button|setting|app",
        "can't|cant|cannot take it anymore with|from this|the app|update|bug|noise",
        "jumping|jump|jumped off the bridge|roof in|into the? game|video|movie|scene",
        "bridge|roof in the game",
        "throw myself into work|it|this|the",
        "drink bleach is|isn't",
        "lethal dose of cuteness|caffeine",
        "jump|jumped|jumping|skip|skipped to the|a|another|next|page|level|section|menu|map|"
        "chapter|conclusions",
        "cortarme|cortarte|cortarle|cortarles el-cuello|la-garganta|el-pescuezo|el-pelo|"
        "el-cabello|las-unas|las-uñas",
        "mourir|morir|morrer de rire|faim|soif|envie|ganas|vontade|fome|sede|risa|rir",
        "want|wanted|need it|everything|this all? to stop|end|be-over so-i-can|and-then",
        *_SELF_EXCLUDE_NEW,
    ),
)
