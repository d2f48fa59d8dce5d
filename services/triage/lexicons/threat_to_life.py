"""Threats to life and violent threats against others."""

from services.triage.lexicons.types import Lexicon, Near

_VERBS = "kill|shoot|stab|murder|strangle|behead|slaughter|butcher|massacre|lynch|gut"
_TARGETS = "you|u|ya|him|her|them|everyone|everybody|people"
_PEOPLE = "guy|girl|man|woman|dude|bitch|kid|teacher|cop|cops"
_WEAPONS = "knife|knives|gun|guns|pistol|rifle|shotgun|machete|axe|blade|weapon|weapons|ar15|ak47"
_HAVE = "have|got|carrying|brought|bringing|loaded|packing|holding"
_PLACES = (
    "outside|at|near|by|around|in-front-of your|ur|her|his|their house|home|door|"
    "window|place|school|work|office|car"
)
# Weapon possession and a target's place, in either order, in any of the languages.
_WEAPON_WORDS = (
    f"{_HAVE} a|an|my|the? {_WEAPONS}",
    "tengo|traigo|llevo un|una|mi? cuchillo|navaja|pistola|arma|machete|fusil",
    "tenho|trouxe|levo|estou-com uma|um|minha|meu? faca|arma|pistola|revolver|facao|espingarda",
    "bawa|membawa|punya|pegang pisau|golok|pistol|senjata|celurit|parang",
    "j'ai un|une|mon? couteau|flingue|arme|pistolet|fusil|hache|machette",
    "hab|habe|trage|bringe|bring ein|eine|meine|die|das? messer|waffe|pistole|knarre|gewehr|"
    "machete|axt",
    "ho|porto|tengo un|una|il|la? coltello|pistola|arma|fucile|machete|ascia",
    "heb|draag|neem een|mijn? mes|pistool|wapen|geweer|bijl|machete",
    "mam|noszę|nosze|wezmę|wezme nóż|noz|broń|bron|pistolet|spluwę|spluwe|siekierę|siekiere|"
    "maczetę|maczete",
    "yanimda biçak|bicak|silah|tabanca|biçağim|bicagim|silahim",
    "biçağim|bicagim|silahim|tabancam var|hazir|yanimda",
    "tao|tau|tôi|toi có|co|mang|cầm|cam dao|súng|sung|mã-tấu|ma-tau",
)
# Intent or future, in every person ("he'd", "allait", "va a", "mau"), and the violent verbs
# it introduces, in any of the five first languages: the pair within two words is a threat.
_INTENT = (
    "will|i'll|he'll|she'll|they'll|we'll|you'll|i'd|he'd|she'd|they'd|gonna|going-to|"
    "wants-to|want-to|wanna|plans-to|planning-to|threatens-to|threatened-to|threatening-to|"
    "promised-to|swore-to|about-to",
    "va-a|voy-a|vamos-a|van-a|vas-a|iba-a|iban-a|quiere|quieren|amenaza-con|amenazo-con|"
    "amenazaron-con|prometio",
    "vai|vou|vamos|vao|ia|iam|quer|querem|ameacou|ameaca|ameacaram|prometeu|jurou",
    "mau|akan|bakal|pengen|ingin|ngancam|mengancam|ancam|siap",
    "va|vais|vas|vont|allait|allais|allaient|veut|veux|voulait|menace-de|menacé-de|"
    "promis-de|jure-de",
)
_VIOLENT_VERBS = (
    "kill|killing|murder|murdering|stab|stabbing|strangle|strangling|choke|slaughter|"
    "behead|butcher|gun-down|shoot-up|torch|run-over|cut-you-up|slit|lynch|poison|"
    "burn-your-house|burn-ur-house|burn-your-home|burn-your-place|burn-down-your|"
    "burn-alive|bludgeon|execute-you|shoot-you|shoot-him|shoot-her|shoot-them|shoot-me",
    "matar*|mataré|matare|matara|matará|apuñal*|acuchill*|balear|baleo|degoll*|ahorcar*|"
    "fusilar*|envenenar*|desaparecerte|desaparecerlo|desaparecerla",
    "matar*|esfaque*|furar|balear|degol*|enforcar*|envenenar*|fuzilar*",
    "bunuh|membunuh*|bunuhin|tusuk|menusuk|nusuk|tusukin|tembak|menembak|bacok|membacok|"
    "habisi|habisin|menghabisi|gorok|menggorok|racun|meracuni",
    "tuer|buter|flinguer|poignarder|egorger|étrangler|etrangler|abattre|crever|"
    "empoisonner|fusiller",
)
# Attacks on a place: the verb and the place within three words.
_ATTACK_VERBS = (
    "bomb|blow-up|explode|shoot-up|burn-down|torch|attack|volar|explotar|atacar|incendiar|"
    "explodir|atacar|incendiar|meledakkan|ledakkan|mengebom|bom|serang|menyerang|bakar|"
    "faire-sauter|attaquer|incendier|disparar|tirotear|balear|balacear|atirar|metralhar|"
    "menembak|menembaki|tembaki|tirer|mitrailler|massacrer|bombardear|meledakan",
)
_ATTACKED_PLACES = (
    "school|campus|building|office|mall|church|mosque|synagogue|temple|station|airport|"
    "concert|rally|parade|stadium|classroom|escuela|colegio|edificio|oficina|iglesia|"
    "escola|predio|prédio|igreja|sekolah|gedung|kantor|masjid|gereja|ecole|école|lycee|"
    "lycée|college|collège|immeuble|bureau|eglise|église|mosquee|mosquée|gare|"
    "festival|university|subway|metro|concierto|estadio|centro-comercial|estacion|estación|"
    "universidad|mezquita|sinagoga|shopping|estacao|estação|universidade|faculdade|mesquita|"
    "konser|mall|mal-itu|mal-ini|pusat-perbelanjaan|stasiun|kampus|centre-commercial|stade|"
    "universite|université|synagogue",
)
_NUMBERS = "|".join(str(n) for n in range(1, 100))

_TARGET_PLACES = (
    _PLACES,
    "afuera-de|fuera-de|frente-a|en tu|su casa|escuela|colegio|trabajo|puerta",
    "na-porta-da|na-frente-da|em-frente-a|fora-da|perto-da sua|tua? casa|escola|trabalho",
    "depan|di rumahmu|rumah|sekolahmu|sekolah|kantormu|kantor",
    "devant|pres-de|a chez-toi|chez-vous|ta-maison|ton-ecole|ta-porte|l'ecole|ton-travail",
    "vor|bei|an deinem|deiner|eurem|eurer haus|tür|tuer|wohnung|schule|arbeit|auto|fenster",
    "sotto|davanti-a|fuori-da|vicino-a casa|scuola|ufficio|porta|macchina tua",
    "voor|bij|buiten je|jouw|jullie huis|deur|school|werk|auto|raam",
    "pod twoim|twoimi|twoją|twoja domem|blokiem|drzwiami|szkołą|szkola|pracą|praca",
    "evinin|okulunun|işinin|isinin|kapinin önündeyim|onundeyim|önünde|onunde|yakinindayim",
    "trước|truoc|ngoài|ngoai nhà|nha|cửa-nhà|cua-nha|trường|truong mày|may",
)
_OBJECTS = "you|u|ya|us|him|her|them|everyone|everybody|y'all|yall|your|all-of-you"

# Someone else's intent, in the third person (or "they"), before a verb with an object
# clitic naming the reporter: "dice que va a matarme", "quiere apuñalarnos". The same verb
# after "voy a" is the reporter's own (self-harm): only third-person forms are listed.
_THIRD_PERSON_INTENT_ES = (
    "va|van|iba|iban|quiere|quieren|queria|quería|querian|querían|piensa|piensan|planea|"
    "planean|intento|intentó|intentaron|trato-de|trató-de|amenaza-con|amenazo-con|"
    "amenazó-con|amenazan-con|amenazaron-con|jura|juró|juro-que-va-a|promete|prometio|prometió"
)
_CLITIC_VERBS_ES = (
    "matarme|matarnos|asesinarme|asesinarnos|apuñalarme|apuñalarnos|acuchillarme|"
    "acuchillarnos|dispararme|dispararnos|balearme|balearnos|degollarme|degollarnos|"
    "ahorcarme|ahorcarnos|estrangularme|estrangularnos|quemarme|quemarnos|envenenarme|"
    "envenenarnos|ahogarme|ahogarnos|matarla|matarlo|matarlos|matarlas|matarte"
)
# Shooting or killing everyone: the mass target that makes it mass violence.
_MASS_ES = "a|contra todos|todas|todo-el-mundo|toda-la-gente|la-gente|los-alumnos|la-multitud"
_MASS_PT = "em|a|contra todos|todas|todo-mundo|geral|a-galera|os-alunos|as-pessoas|a-multidao"
_MASS_ID = "semua|semuanya|semua-orang|orang-orang|banyak-orang|siswa|murid-murid"
_MASS_FR = "sur|contre tout-le-monde|tous|toutes|la-foule|les-eleves|les-gens"
_MASS_VERBS_ES = "disparar|disparado|balear|balacear|tirotear|acribillar|masacrar|matar|asesinar"
_MASS_VERBS_PT = "atirar|balear|metralhar|massacrar|matar|fuzilar"
_MASS_VERBS_ID = "menembak|menembaki|tembak|tembaki|membunuh|bunuh|membantai|bantai|habisi"
_MASS_VERBS_FR = "tirer|mitrailler|massacrer|tuer|abattre|descendre|flinguer"

# Hyperbole: a parent, a boss or a teacher "will kill me" over something trivial ("if I lose
# this account"), or a thing that "is going to kill me" (a class, the heat). Partners are
# not listed: "my husband will kill me if I'm late" may be domestic violence. Only trivial
# first-person conditions are listed; "if I tell anyone" or "if he finds out" still fire.
_FAMILY_EN = (
    "mom|mum|mother|mommy|mama|dad|father|daddy|papa|parents|boss|manager|teacher|coach|"
    "grandma|granny|grandpa|sister|brother|mom's|dad's|mom'll|dad'll|boss'll"
)
_TRIVIAL_EN = (
    "lose|lost|forget|forgot|miss|missed|break|broke|fail|failed|crash|crashed|spend|spent|"
    "get|got|am|come|don't|dont|can't|cant|mess|screw|delete|deleted|reset|buy|bought|"
    "do|did|leave|left|wreck|scratch|ruin|ruined|see|sees|saw|find|keep|stay|play"
)
_FAMILY_ES = (
    "mama|mamá|madre|papa|papá|padre|padres|viejo|vieja|jefe|jefa|profe|profesor|"
    "profesora|maestro|maestra|abuela|abuelo|hermana|hermano|entrenador"
)
_TRIVIAL_ES = (
    "pierdo|perdí|perdi|pierda|olvido|olvidé|olvide|llego|llegue|repruebo|repruebe|rompo|"
    "rompí|rompi|rompa|no|gasto|gasté|gaste|borro|borré|borre|vuelvo|saco|choco|choque|"
    "suspendo|suspenda|vuelve|ve|vé|encuentra"
)
_FAMILY_PT = (
    "mae|mãe|mamae|mamãe|pai|papai|pais|chefe|patrao|patrão|professor|professora|"
    "avo|avó|irma|irmã|irmao|irmão"
)
# One word of the phrase language each ("-" joins words): "me va a matar", "me mata"...
_KILLS_ME_ES = (
    "me-va-a-matar|me-van-a-matar|me-iba-a-matar|me-iban-a-matar|me-mata|me-matará|"
    "me-matara|va-a-matarme|van-a-matarme"
)
_TRIVIAL_PT = (
    "perder|perdi|esquecer|esqueci|chegar|reprovar|quebrar|quebrei|gastar|gastei|apagar|"
    "apaguei|nao|não|bater|ver|descobrir-que-perdi"
)
_FAMILY_ID = (
    "ibu|ibuku|mama|mamaku|mamah|nyokap|bokap|bapak|bapakku|ayah|ayahku|papa|papaku|bos|"
    "bosku|guru|guruku|atasan|atasanku|kakak|kakakku"
)
_TRIVIAL_ID = (
    "lupa|hilang|ngilangin|menghilangkan|telat|terlambat|gagal|rusak|ngerusak|merusak|"
    "nggak|gak|ga|tidak|salah|boros|kalah|ngabisin|menghabiskan"
)
_FAMILY_FR = (
    "mere|mère|pere|père|parents|maman|papa|patron|patronne|chef|cheffe|prof|profs|"
    "professeur|grand-mere|grand-mère|soeur|sœur|frere|frère"
)
_TRIVIAL_FR = (
    "perds|perdu|oublie|oublié|rate|raté|casse|cassé|rentre|suis|ne|n'|dépense|depense|"
    "dépensé|efface|effacé|arrive|redouble|foire"
)
# Things, not people, that "will kill me".
_THINGS_EN = (
    "job|class|exam|exams|heat|traffic|wait|bug|app|commute|course|homework|deadline|"
    "week|meeting|meetings|workload|song|show|game|weather|cold|hangover|stairs|gym|"
    "workout|suspense|ending|kids|noise|queue|lag|update|paperwork|semester"
)
_THINGS_ES = (
    "trabajo|calor|frio|frío|examen|examenes|exámenes|trafico|tráfico|curso|clase|tarea|"
    "espera|bug|juego|serie|semana|reunion|reunión|cola|fila|gimnasio|resaca|suspenso"
)
_THINGS_PT = (
    "trabalho|calor|frio|prova|provas|transito|trânsito|aula|curso|espera|bug|jogo|"
    "serie|série|semana|reuniao|reunião|fila|academia|ressaca|novela"
)
_THINGS_FR = (
    "cours|boulot|travail|taf|exam|examen|chaleur|froid|attente|bug|appli|jeu|serie|série|"
    "film|reunion|réunion|journee|journée|semaine|trajet|queue|file|gueule-de-bois|suspense"
)
_THINGS_ID = "kerjaan|pekerjaan|tugas|ujian|panas|macet|antrian|antrean|bug|game|rapat"

# --- German, Italian, Dutch, Polish, Turkish, Vietnamese ---------------------------------
# Written from each language's usage, not from any evaluation set. Object pronouns and
# clitics carry the target ("ich bring dich um", "ti ammazzo", "zabiję cię", "seni
# öldüreceğim", "tao sẽ giết mày"); the reporter as the object of someone else's intent is a
# threat ("er will mich umbringen", "vuole ammazzarmi", "chce mnie zabić"); the same verb
# with the reflexive is self-harm, which wins an overlap (see ``yields_to``).
_DE_YOU = "dich|di|euch"
_DE_KILLS = (
    "töten|toeten|umbringen|abstechen|erschießen|erschiessen|erstechen|abknallen|kaltmachen|"
    "ermorden|erwürgen|erwuergen|abschlachten|hinrichten|abmurksen|erdrosseln|totschlagen|"
    "totprügeln|totpruegeln|niederstechen|niederschießen|niederschiessen|abschießen|abschiessen"
)
_DE_PLACES = (
    "schule|uni|universität|universitaet|kirche|moschee|synagoge|konzert|einkaufszentrum|"
    "bahnhof|flughafen|stadion|klasse|büro|buero|firma|mall|festival|"
    "gymnasium|realschule|hauptschule|gesamtschule"
)
_DE_FAMILY_OF_YOU = "familie|kinder|frau|mann|mutter|vater|tochter|sohn|schwester|bruder|freundin"
_IT_KILLS_1ST = (
    "ammazzo|uccido|ammazzerò|ammazzero|ucciderò|uccidero|sgozzo|accoltello|accoltellerò|"
    "accoltellero|strangolo|sgozzerò|sgozzero|fucilo"
)
_IT_KILL_INF = (
    "ammazzarti|ucciderti|accoltellarti|spararti|sgozzarti|strangolarti|ammazzarvi|uccidervi|"
    "ammazzarlo|ucciderlo|ammazzarla|ucciderla|ammazzarli|ucciderli|farti-fuori|farvi-fuori"
)
_IT_KILL_ME = (
    "ammazzarmi|uccidermi|accoltellarmi|spararmi|sgozzarmi|strangolarmi|ammazzarci|ucciderci|"
    "farmi-fuori|farci-fuori|bruciarmi-vivo|bruciarmi-viva"
)
_IT_PLACES = (
    "scuola|ufficio|concerto|chiesa|moschea|sinagoga|stazione|centro-commerciale|universita|"
    "università|stadio|aeroporto|metro|palazzo|classe|liceo|festival|piazza|l'ufficio|"
    "l'universita|l'università|l'aeroporto|l'istituto|istituto"
)
_NL_YOU = "je|jou|jullie|u"
_NL_FAMILY_OF_YOU = "familie|kinderen|vrouw|man|moeder|vader|dochter|zoon|zus|broer"
_NL_KILLS = (
    "vermoorden|doodmaken|doodschieten|neerschieten|neersteken|doodsteken|ombrengen|"
    "afknallen|kelen|wurgen|doodslaan|lek-steken|koud-maken"
)
_NL_PLACES = (
    "school|kantoor|winkelcentrum|concert|kerk|moskee|synagoge|station|stadion|universiteit|"
    "uni|klas|festival"
)
_PL_YOU = "cię|cie|ciebie|was|go|ją|ja|ich|wszystkich|was-wszystkich|twoją-rodzinę|twoja-rodzine"
_PL_KILLS_1ST = (
    "zabiję|zabije|zastrzelę|zastrzele|zadźgam|zadzgam|zamorduję|zamorduje|zatłukę|zatluke|"
    "zajebię|zajebie|uduszę|udusze|ukatrupię|ukatrupie|zarżnę|zarzne|wypatroszę|wypatrosze|"
    "odstrzelę|odstrzele|rozstrzelam|wystrzelam|dźgnę|dzgne|poćwiartuję|poćwiartuje"
)
_PL_KILL_INF = (
    "zabić|zabic|zastrzelić|zastrzelic|zadźgać|zadzgac|zamordować|zamordowac|udusić|udusic|"
    "zatłuc|zatluc|zajebać|zajebac|odstrzelić|odstrzelic|spalić|spalic"
)
_PL_PLACES = (
    "szkołę|szkole|szkoła|kościół|kosciol|meczet|synagogę|synagoge|galerię|galerie|"
    "centrum-handlowe|dworzec|lotnisko|koncert|uczelnię|uczelnie|biuro|stadion|klasę|klase|"
    "w-powietrze"
)
_TR_OBJECTS = (
    "seni|sizi|onu|onlari|hepinizi|hepsini|herkesi|aileni|ailenizi|"
    "çocuklarini|cocuklarini|karini|kocani|anani|sevgilini"
)
_TR_KILLS = (
    "öldüreceğim|oldurecegim|öldüreceğiz|oldurecegiz|öldürcem|oldurcem|öldürecem|oldurecem|"
    "öldürücem|oldurucem|öldürürüm|oldururum|öldürürüz|oldururuz|öldürcez|oldurcez|"
    "öldüricem|olduricem|gebertecegim|gebertirim|gebertiriz|gebertcem|"
    "geberticem|gebertecem|biçaklayacağim|bicaklayacagim|biçaklarim|bicaklarim|"
    "biçaklicam|bicaklicam|biçaklariz|doğrayacağim|dograyacagim|doğrarim|dogrerim|"
    "boğacağim|bogacagim|boğarim|bogarim|kurşunlayacağim|kursunlayacagim|"
    "öldürmeye-geliyorum|oldurmeye-geliyorum|öldürmeye-geleceğim"
)
_TR_PLACES = (
    "okulu|okulumu|okulunuzu|okulunu|camiyi|kiliseyi|sinagogu|konseri|avm'yi|avmyi|avm-yi|"
    "alişveriş-merkezini|alisveris-merkezini|stadyumu|kampüsü|kampusu|üniversiteyi|"
    "universiteyi|dershaneyi|metroyu|havalimanini"
)
_VI_I = "tao|tau|tui|toi|ta|bon-tao|tui-tao|chung-tao|tao-the|anh|ong|tụi-tao"
_VI_YOU = (
    "mày|may|mi|chúng-mày|chung-may|bọn-mày|bon-may|tụi-mày|tui-may|cả-nhà-mày|ca-nha-may|"
    "hết-tụi-mày|het-tui-may|hết-bọn-mày|het-bon-may|cả-lò-mày|ca-lo-may"
)
_VI_HIM = "nó|no|hắn|han|thằng-đó|thang-do|thằng-kia|thang-kia|con-đó|con-do|cả-nhà-nó|ca-nha-no"
_VI_KILL = "giết|giet|đâm|dam|chém|chem|bắn-chết|ban-chet|đâm-chết|dam-chet|chém-chết|chem-chet"
_VI_ME = (
    "tôi|toi|mình|minh|em|chúng-tôi|chung-toi|cả-nhà-tôi|ca-nha-toi|gia-đình-tôi|"
    "gia-dinh-toi|con-tôi|con-toi|vợ-tôi|vo-toi|chồng-tôi|chong-toi|tui"
)
_VI_PLACES = (
    "trường|truong|trường-học|truong-hoc|nhà-thờ|nha-tho|trung-tâm|trung-tam|siêu-thị|"
    "sieu-thi|sân-vận-động|san-van-dong|sân-bay|san-bay|bệnh-viện|benh-vien|công-ty|cong-ty|"
    "lớp-học|lop-hoc|buổi-hòa-nhạc|buoi-hoa-nhac"
)

_THREATS_DE = (
    f"bring|bringe|bringen|bring's {_DE_YOU}|ihn|sie alle|heute|morgen|echt|wirklich|"
    "sofort|gleich|eigenhändig|eigenhaendig|persönlich|persoenlich|einfach|jetzt|dann|"
    "irgendwann|bald|eines-tages? um",
    f"bring|bringe|bringen ich|wir {_DE_YOU}|ihn|sie alle? um",
    f"werde|werd|will|wird|werden|wollen|möchte|moechte|muss|würde|wuerde {_DE_YOU} alle|"
    f"heute|morgen|eines-tages|wirklich|echt|noch? {_DE_KILLS}",
    f"werde|werd|will ihn|sie {_DE_KILLS}",
    "töten|ermorden|erschießen|erschiessen|erstechen dich|euch",
    f"töte|tote|toete|ermorde|erschieße|erschiesse|erschieß|erschiess|"
    f"ersteche|erstech|erwürge|erwuerge|erdrossle|erdrossel {_DE_YOU}|ihn|sie",
    f"stech|steche|stechen|knall|knalle|knallen|schlacht|schlachte|murks|murkse "
    f"{_DE_YOU}|ihn|sie alle? ab|nieder|tot",
    f"schieß|schiess|schieße|schiesse {_DE_YOU}|ihn|sie alle? nieder|tot",
    f"mach|mache|machen {_DE_YOU}|ihn alle? kalt|tot",
    f"schlag|schlage|schlagen|prügel|prügle|pruegel|tret|trete {_DE_YOU}|ihn|sie alle? tot",
    f"leg|lege|legen {_DE_YOU} alle? um",
    f"schlitz|schlitze {_DE_YOU}|ihn|sie auf",
    "schneid|schneide|schlitz|schlitze dir|ihm|ihr|euch die kehle|gurgel durch|auf",
    "du-bist so-gut-wie|schon|bereits|sowas-von|jetzt|morgen|längst|laengst? tot",
    "du-bist ein|eine toter|tote mann|frau|mensch",
    "du-wirst sterben|krepieren|verrecken",
    "wirst|werdet den|das|diese|die morgen|morgigen-tag|nächsten-tag|naechsten-tag|montag|"
    "wochenende|nacht|woche nicht mehr? erleben|überleben|ueberleben|überstehen",
    "überlebst|ueberlebst|überlebt die|diese nacht|woche nicht",
    "deine|eure tage sind gezählt|gezaehlt",
    "weiß|weiss|weis|wissen wo du|ihr wohnst|wohnt|lebst|lebt",
    "kugel in|durch den|deinen|seinen|ihren|euren kopf|schädel|schaedel|kopp",
    "jag|jage|schieß|schiess|verpass|verpasse|jagen dir|euch|ihm|ihr eine|ne kugel|kugeln",
    "puste|blase|blas|knall|knalle dir|euch|ihm|ihr das hirn|gehirn weg|raus",
    "zünde|zuende|zünd|zuend|fackel|fackle|brenn|brenne dein|euer|deine|eure haus|"
    "wohnung|bude|hütte|huette ab|an|nieder",
    f"bring|bringe|bringen deine|eure|seine|ihre ganze? {_DE_FAMILY_OF_YOU} um",
    f"töte|töten|ermorde|erschieße|erschiesse deine|eure|seine|ihre ganze? {_DE_FAMILY_OF_YOU}",
    f"werde|werd|will|wird|werden deine|eure ganze? {_DE_FAMILY_OF_YOU} {_DE_KILLS}",
    # Someone else's intent, the reporter the object; "ich will mich umbringen" is self-harm.
    "will|wird|möchte|moechte|wollte|würde|wuerde|werden|wollen|wollten mich|uns|meine-familie|"
    "meine-kinder umbringen|töten|toeten|ermorden|erschießen|erschiessen|abstechen|kaltmachen|"
    "abknallen|erstechen|umlegen|erwürgen|erwuergen|abschlachten",
    "droht|drohte|drohen|drohten|gedroht|angedroht mir|damit|uns? mich|uns|meine-familie|"
    "meine-kinder? umzubringen|zu-töten|zu-toeten|zu-ermorden|zu-erschießen|zu-erschiessen|"
    "abzustechen|kaltzumachen|abzuknallen|umzulegen|abzuschlachten",
    "mit dem tod|umbringen gedroht|droht|drohte|bedroht",
    "droht|drohte|bedroht|bedrohte mir|mich|uns mit dem tod",
    "er|sie|typ|kerl|ex|mann|freund|stiefvater bringt|bringen|bringt's mich|uns um",
    f"dass|daß er|sie mich|uns {_DE_KILLS}",
    "dann|sonst|danach bist du tot|dran|fällig|faellig",
    "finden|suchen|holen und töten|toeten|umbringen|abstechen|erschießen|erschiessen|kaltmachen",
    "blutbad|massaker anrichten|veranstalten|machen",
    f"blutbad|massaker an|in der|unserer|meiner|dem|im? {_DE_PLACES}",
    "dass|daß er|sie mich|uns umbringt|umbringen|tötet|toetet|töten|ermordet|erschießt|erschiesst|"
    "absticht|umbringen-wird|töten-wird|umbringen-will",
    "morddrohung*|todesdrohung*|bombendrohung*|mordandrohung*",
    # Mass violence: a place and blowing it up or shooting it up; everyone shot.
    f"{_DE_PLACES} in die luft jagen|sprengen|fliegen-lassen",
    f"jag|jage|jagen|spreng|sprenge|sprengen die|das|den|unsere|meine|eure|eine|ein? {_DE_PLACES}",
    f"{_DE_PLACES} sprengen|zusammenschießen|zusammenschiessen|niederbrennen|abfackeln",
    "werde|werd|wird|will|wollen|werden alle|euch-alle|jeden|alle-in-der-schule|alle-lehrer "
    "erschießen|erschiessen|abknallen|umbringen|töten|toeten|abschlachten|niederschießen|"
    "niederschiessen",
    "erschieße|erschiesse|erschiess|töte|tote|toete alle|euch|jeden",
    "erschieße|erschiesse|töte|tote|knall|knalle ich|wir alle|euch alle? ab?",
    "bring|bringe ich|wir alle|euch-alle um",
    "werde|werd|will|wird|werden amok laufen",
    "laufe|lauf amok",
    "lege|platziere|zünde|zuende|deponiere|verstecke eine|ne|die|mehrere bombe|bomben|"
    "sprengsatz|sprengsätze",
    "eine|ne|die bombe|bomben|sprengsatz legen|zünden|zuenden|platzieren|deponieren|"
    "hochgehen-lassen",
    f"bombe|bomben|sprengsatz im|in|am|an|vor der|dem|die|den|das|unserer|unserem? "
    f"{_DE_PLACES} legen|zünden|zuenden|platzieren|deponieren|verstecken|hochgehen-lassen|"
    "hochjagen",
    "amoklauf|schießerei|schiesserei an|in der|unserer|meiner schule morgen|montag",
)
_THREATS_IT = (
    f"ti|vi|lo|la|li|le|gli {_IT_KILLS_1ST}",
    "ti|vi|gli sparo|sparerò|sparero|sparo-in-testa|faccio-fuori|farò-fuori|faro-fuori",
    "ti|vi faccio|farò|faro|facciamo fuori|secco|secchi",
    "lo|la|li faccio|farò|faro secco|secca|secchi",
    "ti|vi faccio|farò|faro la pelle",
    "ti|vi|gli faccio|farò|faro saltare il|le|la cervello|cervella|testa",
    "ti|vi|gli pianto|metto|ficco|infilo|pianterò|metterò una|un|due|tre pallottola|pallottole|"
    "proiettile|proiettili",
    "pallottola|proiettile in testa|fronte|faccia",
    "ti|vi|gli taglio|taglierò|tagliero|apro|squarcio la|le gola|gole",
    "ti|vi|gli brucio|brucerò|brucero|incendio la|tua casa|macchina",
    f"voglio|vado-a|vado-ad|sto-per|giuro-che|vengo-a|vengo-ad|verrò-a|verro-a|veniamo-ad|"
    f"verremo-ad {_IT_KILL_INF}",
    "ti|vi|lo|la vengo|veniamo|verrò|verro a|ad ammazzare|uccidere|prendere-e-ammazzare",
    "sei|siete un|una|dei uomo|donna|uomini morto|morta|morti",
    "sei|siete già|gia morto|morta|morti",
    "preparati|preparatevi a morire",
    "morirai|morirete",
    "muori stanotte|stasera|domani|presto|oggi",
    "hai|avete i giorni contati",
    "non vedrai|vedrete|arriverai|arriverete|arrivi a|ad|al? l'alba|domani|natale|stasera|"
    "fine-settimana|weekend|lunedì|lunedi",
    "so|sappiamo dove abiti|vivi|abitate|vivete",
    # Someone else's intent, the reporter the object ("vuole ammazzarmi", "mi vuole uccidere").
    f"vuole|vogliono|voleva|volevano|vuol|minaccia-di|minacciano-di|ha-minacciato-di|"
    f"minacciato-di|giura-di|giurato-di|promette-di|sta-per|cerca-di|provato-a|prova-a|"
    f"vuole-venire-a {_IT_KILL_ME}",
    "mi|ci vuole|vogliono|voleva|volevano|vuol|minaccia-di|ha-minacciato-di|vorrebbe "
    "ammazzare|uccidere|accoltellare|sparare|far-fuori|sgozzare|strangolare|bruciare-vivo",
    "mi|ci ammazzerà|ammazzera|ucciderà|uccidera|farà-fuori|fara-fuori|ammazzeranno|"
    "uccideranno|accoltellerà|accoltellera|sparerà|sparera",
    "dice|detto|scritto|giura|giurato|urlato|minaccia|minacciato che mi|ci ammazza|uccide|"
    "fa-fuori|ammazzerà|ammazzera|ucciderà|uccidera|spara|accoltella",
    "minacc* di morte",
    "minacc* bomba|di-bomba",
    # Mass violence.
    "farò|faro|faccio|faremo|voglio-fare|vuole-fare|vogliono-fare|farà|fara|sta-per-fare "
    "una|un strage|massacro|carneficina|sparatoria",
    "sparo|sparerò|sparero|sparerà|sparera|sparare a|contro tutti|tutte|chiunque",
    "ammazzo|ammazzerò|ammazzero|uccido|ucciderò|uccidero|ammazzare|uccidere voi|tutti|tutte|"
    "tutti-quanti|tutti-voi",
    "metterò|mettero|metto|metterà|mettera|mette|piazzerà|piazzera|piazza|piazzerò|piazzero|"
    "piazzo|voglio-mettere|vuole-mettere|"
    "vogliono-mettere|minaccia-di-mettere|mettere|piazzare una|delle bomba|bombe|ordigno|"
    "ordigni|esplosivo",
    f"far|faccio|farò|faro|fara|farà|fare|faremo saltare in aria la|il|lo|una|un|l'? "
    f"{_IT_PLACES}|tutto|te|casa-tua",
    f"sparatoria|strage|attentato a|nella|alla|in|al {_IT_PLACES} domani|lunedì|lunedi",
)
_THREATS_NL = (
    f"maak|maken {_NL_YOU} allemaal|echt|gewoon|morgen|vandaag? af|dood|koud",
    f"vermoord|vermoorden {_NL_YOU}|hem|haar|jullie-allemaal|ze",
    f"schiet|schieten {_NL_YOU}|hem|haar|ze allemaal|gewoon|echt? dood|neer|overhoop|lek",
    f"steek|steken {_NL_YOU}|hem|haar|ze allemaal|gewoon|echt? neer|dood|lek|overhoop",
    f"sla|slaan {_NL_YOU}|hem|haar dood|de-hersens-in|je-hersens-in",
    f"ga|gaan|zal|zullen|wil|willen {_NL_YOU} allemaal|echt|gewoon|morgen|vandaag? {_NL_KILLS}",
    "ga|gaan|zal|zullen|wil|willen hem|haar|ze allemaal|echt|gewoon|morgen? vermoorden|"
    "doodmaken|doodschieten|neerschieten|neersteken|doodsteken|ombrengen",
    "snij|snijd|snijden|sny je|jouw|zijn|haar|jullie keel door|de-keel-door",
    "kogel door|in je|jouw|zijn|haar|jullie kop|hoofd|harses|kanis",
    f"ik-ga|ik-zal|we-gaan|wij-gaan {_NL_YOU} afmaken",
    "je-bent|jij-bent|jullie-zijn dood|een-dood-man|een-dode-man|er-geweest",
    "je|jij|jullie gaat|gaan dood",
    "dan|anders ben je|zijn-jullie dood|er-geweest",
    "je|jouw|jullie dagen zijn geteld",
    "je|jij|jullie haalt|halen de|het ochtend|volgende-dag|weekend|zondag|maandag niet",
    "weet|weten waar je|jij|jullie woont|wonen",
    "steek|steken je|jouw|jullie huis in de? fik|brand",
    f"vermoord|vermoorden je|jouw|jullie hele? {_NL_FAMILY_OF_YOU}",
    f"maak|maken je|jouw|jullie hele? {_NL_FAMILY_OF_YOU} af",
    # Someone else's intent, the reporter the object.
    "hij|zij|ze|die|gast|vent|ex wil|wilt|gaat|zal|wou|wilde me|mij|ons|mijn-familie|"
    "mijn-kinderen vermoorden|afmaken|doodmaken|doodschieten|neerschieten|neersteken|doodsteken|"
    "ombrengen",
    "hij|zij|ze vermoordt me|mij|ons",
    "hij|zij|ze maakt|schiet|steekt me|mij|ons af|dood|neer",
    "dreigt|dreigde|dreigen|dreigden|gedreigd|bedreigt|bedreigde me|mij|ons|mijn-familie? te "
    "vermoorden|doden|doodmaken|doodschieten|neerschieten|neersteken|doodsteken|om-te-brengen",
    "dreigt|dreigde|dreigen|gedreigd me|mij|ons af te maken",
    "dat hij|zij|ze me|mij|ons vermoordt|afmaakt|doodschiet|neersteekt|doodsteekt|gaat-vermoorden|"
    "zal-vermoorden|gaat-afmaken",
    "doodsbedreiging*|bommelding*|bomdreiging*|moordbedreiging*",
    "met de dood bedreigd|gedreigd|bedreigt|bedreigde",
    # Mass violence.
    f"de|het|je|jullie|onze|een? {_NL_PLACES} opblazen|blaas-ik-op|neerschieten",
    f"{_NL_PLACES} gaat|ga|gaan|wil|wilt|zal|zullen opblazen|neerschieten",
    f"{_NL_PLACES} op te blazen",
    "dreigt|dreigde|gedreigd|dreigen|dreigden een|de bom|bommen te leggen|plaatsen|"
    "laten-ontploffen",
    f"blaas|blazen de|het|je|jullie|onze|een {_NL_PLACES} op",
    "schiet|schieten|vermoord|vermoorden iedereen",
    "ga|gaat|gaan|wil|wilt|willen|zal|zullen iedereen|allemaal neerschieten|doodschieten|"
    "vermoorden|afknallen|"
    "neerknallen",
    "aanslag|schietpartij|bloedbad plegen|houden|aanrichten|aanricht|pleeg|plegen-op",
    "een|de bom|bommen leggen|plaatsen|neerleggen|laten-ontploffen|tot-ontploffing",
    "leg|plaats|zet|verstop|leggen|plaatsen een|de bom|bommen",
    f"schietpartij|aanslag op|in|bij de|het|onze? {_NL_PLACES} morgen|maandag",
)
_THREATS_PL = (
    f"{_PL_KILLS_1ST} {_PL_YOU}",
    f"cię|cie|ciebie|was|go {_PL_KILLS_1ST}",
    "już|juz nie żyjesz|zyjesz|żyjecie|zyjecie",
    "jesteś|jestes|jestescie|jesteście już|juz? trupem|trupami|martwy|martwa|martwi",
    "nie dożyjesz|dozyjesz|dożyjecie|dozyjecie|dotrwasz jutra|rana|weekendu|poniedziałku|"
    "poniedzialku|świąt|swiat",
    "twoje|wasze dni są|sa policzone",
    "wiem|wiemy gdzie mieszkasz|mieszkacie|mieszka",
    "kulkę|kulke|kulę|kule w łeb|leb|głowę|glowe|czoło|czolo|potylicę|potylice",
    "wpakuję|wpakuje|wsadzę|wsadze|właduję|wladuje|puszczę|puszcze ci|wam|mu|jej kulkę|kulke|"
    "kulę|kule|kulkę-w-łeb",
    "poderżnę|poderzne|podetnę|podetne ci|wam|mu|jej gardło|gardlo",
    "odstrzelę|odstrzele|rozwalę|rozwale|rozjebię|rozjebie ci|wam|mu|jej łeb|leb|głowę|glowe",
    "spalę|spale|podpalę|podpale ci|wam|mu|jej dom|mieszkanie|chatę|chate",
    "zabiję|zabije|zamorduję|zamorduje|wymorduję|wymorduje twoją|twoja|waszą|wasza|jego|jej "
    "całą? rodzinę|rodzine|dzieci|żonę|zone|matkę|matke|córkę|corke|syna",
    # Someone else's intent, the reporter the object ("chce mnie zabić", "że mnie zabije").
    f"chce|chcą|chca|chciał|chcial|chciała|chciala|chcieli|grozi-że|grozi-ze|groził-że|"
    f"grozil-ze|groziła-że|grozila-ze|obiecał|obiecal|zamierza|planuje|próbował|probowal "
    f"mnie|nas|moją-rodzinę|moja-rodzine|cię|cie|ciebie|was|go|ją|ja|ich {_PL_KILL_INF}",
    "on|ona|oni|że|ze|facet|typ|gość|gosc|mąż|maz|były|byly|ex|sąsiad|sasiad|ojczym "
    "mnie|nas zabije|zabiją|zabija|zamorduje|zamordują|zamorduja|zastrzeli|zadźga|zadzga|"
    "zatłucze|zatlucze|zajebie|udusi",
    "grozi|groził|grozil|groziła|grozila|grożą|groza|grozili mi|nam śmiercią|smiercia|"
    "zabiciem|zabójstwem|zabojstwem",
    "groźb*|grozb* śmierci|smierci|zabicia|karalne-śmierci",
    "groźb*|grozb* bombow*|podłożenia-bomby|podlozenia-bomby",
    "przyniosę|przyniose|wezmę|wezme|przyniesie|weźmie|wezmie broń|bron|pistolet|nóż|noz|"
    "spluwę|spluwe|karabin do szkoły|szkoly|pracy|klasy",
    # Mass violence.
    f"wysadzę|wysadze|wysadzimy|wysadzić|wysadzic|wysadzi|wysadzą|wysadza {_PL_PLACES}",
    "podłożę|podloze|podłożymy|podlozymy|podłożyć|podlozyc|podłoży|podlozy|zdetonuję|zdetonuje "
    "bombę|bombe|bomby|ładunek|ladunek",
    "zrobię|zrobie|zrobimy|zrobić|zrobic|zrobi|urządzę|urzadze strzelaninę|strzelanine|masakrę|"
    "masakre|rzeź|rzez|jatkę|jatke",
    "wystrzelam|zastrzelę|zastrzele|wybiję|wybije|zabiję|zabije|zabić|zabic|zastrzelić|"
    "zastrzelic wszystkich|całą-klasę|cala-klase|całą-szkołę|cala-szkole|was-wszystkich",
    f"strzelanina|strzelaninę|strzelanine|zamach w|na {_PL_PLACES}|szkole jutro|"
    "w-poniedziałek|w-poniedzialek",
)
_THREATS_TR = (
    f"{_TR_OBJECTS} {_TR_KILLS}",
    f"{_TR_KILLS} {_TR_OBJECTS}",
    f"{_TR_OBJECTS} öldürmek|oldurmek|gebertmek|biçaklamak|bicaklamak istiyorum|istiyom|"
    "isterim|istiyoruz",
    "kafana|kafasina|kafaniza sikacağim|sikacagim|sikarim|sikcam|"
    "sikcam|sikicam|kurşun|kursun|mermi|kurşunu|kursunu",
    "evini|evinizi|evine yakacağim|yakacagim|yakarim|yakcam|yakicam|"
    "ateşe-vereceğim|atese-verecegim|ateşe-veririm",
    "nerede|nerde oturduğunu|oturdugunu|yaşadiğini|yasadigini|kaldiğini|kaldigini biliyorum|"
    "biliyoz|biliyoruz",
    "günlerin|gunlerin|günleriniz|gunleriniz sayili",
    "yarini|sabahi|yarin-sabahi göremeyeceksin|goremeyeceksin|göremezsin|"
    "goremezsin|göremicen|goremicen|göremeyeceksiniz",
    "öleceksin|oleceksin|ölceksin|olceksin|ölcen|olcen|öleceksiniz|oleceksiniz|"
    "gebereceksin|geberceksin|gebercen",
    # Someone else's intent, the reporter the object.
    "beni|bizi|ailemi|çocuklarimi|cocuklarimi öldüreceğini|oldurecegini|öldürecekmiş|"
    "oldurecekmis|öldürecek|oldurecek|öldürmekle|oldurmekle|öldürmek-istiyor|oldurmek-istiyor|"
    "öldürmeye-çalişti|oldurmeye-calisti|biçaklayacağini|bicaklayacagini|gebereceğini|"
    "gebertecegini|gebertecek|öldürürüm-dedi|oldururum-dedi|öldürecekler|oldurecekler",
    "ölüm|olum|ölümle|olumle tehdid*|tehdit*",
    "kafani|kafanizi|boğazini|bogazini keseceğim|kesecegim|kesicem|keserim|kesecegiz",
    "öldürüleceksin|olduruleceksin|öldürülceksin|oldurulceksin|öldürüleceksiniz",
    "seni|sizi gebertmeye|öldürmeye|oldurmeye geliyorum|gelecegim|gelicem",
    "bomba tehdid*|tehdit*|ihbar*",
    # Mass violence.
    f"{_TR_PLACES} havaya uçuracağim|ucuracagim|uçururum|ucururum|uçurcam|ucurcam|uçuracağiz|"
    "ucuracagiz|uçurucam|ucurucam",
    f"{_TR_PLACES} basacağim|basacagim|basicam|basacağiz|basacagiz|tarayacağim|"
    "tarayacagim|tariycam|taricam|kana-bulayacağim|kana-bulayacagim",
    "herkesi|hepinizi|sizi|hepsini|hepsinizi tarayacağim|tarayacagim|tariycam|"
    "taricam|kurşunlayacağim|kursunlayacagim",
    "bomba koyacağim|koyacagim|koycam|koyucam|koyacağiz|koyacagiz|yerleştireceğim|"
    "yerlestirecegim|yerleştircem|yerlestircem|yerleştiricem",
    "katliam|katliami|kiyim yapacağim|yapacagim|yapcam|yapicam|yapacağiz|yapacagiz",
)
_THREATS_VI = (
    f"{_VI_I} sẽ|se|phải|phai|muốn|muon|định|dinh|thề|the|sắp|sap {_VI_KILL}|giết-chết|giet-chet "
    f"{_VI_YOU}",
    f"{_VI_I} {_VI_KILL}|giết-chết|giet-chet {_VI_YOU}",
    f"giết|giet|giết-chết|giet-chet|đâm-chết|dam-chet|bắn-chết|ban-chet|chém-chết|chem-chet "
    f"{_VI_YOU}",
    f"{_VI_I} sẽ|se|phải|phai|muốn|muon|định|dinh|thề|the giết|giet|giết-chết|giet-chet|"
    f"đâm-chết|dam-chet|bắn-chết|ban-chet|chém-chết|chem-chet {_VI_HIM}",
    f"sẽ|se|muốn|muon|định|dinh|dọa|doa|sắp|sap {_VI_KILL}|giết-chết|giet-chet {_VI_ME}",
    "dọa|doa|đe-dọa|de-doa|hăm-dọa|ham-doa|dọa-sẽ|doa-se giết|giet|giết-chết|giet-chet|"
    "đâm-chết|dam-chet|bắn-chết|ban-chet",
    "lời đe dọa giết|giet",
    "tao|tau biết|biet nhà|nha mày|may ở|o đâu|dau",
    "tao|tau biết|biet mày|may ở|o đâu|dau",
    "mày|may|chúng-mày|chung-may sẽ|se không|khong sống|song qua|nổi|noi|đến|den đêm|dem|"
    "ngày-mai|ngay-mai|sáng-mai|sang-mai|tối-nay|toi-nay|tuần-này|tuan-nay",
    "tao|tau sẽ|se? cho mày|may chết|chet|xuống-lỗ|xuong-lo|ra-nghĩa-địa|ra-nghia-dia",
    "đốt|dot nhà|nha mày|may|chúng-mày|chung-may|tụi-mày|tui-may|bọn-mày|bon-may",
    # Mass violence.
    "sẽ|se|muốn|muon|định|dinh|sắp|sap|dọa|doa xả|xa súng|sung",
    "sẽ|se|muốn|muon|định|dinh|sắp|sap|dọa|doa đánh|danh bom",
    f"đánh|danh|đặt|dat|gài|gai bom|mìn|min ở|o|tại|tai|vào|vao|trong {_VI_PLACES}",
    f"đánh|danh bom {_VI_PLACES}",
    f"cho nổ|no tung {_VI_PLACES}",
    f"xả|xa súng|sung vào|vao|ở|o|tại|tai {_VI_PLACES}",
    "giết|giet hết|het|sạch|sach tất-cả|tat-ca|mọi-người|moi-nguoi|cả-lớp|ca-lop|cả-trường|"
    "ca-truong|bọn-mày|bon-may|tụi-mày|tui-may|chúng-mày|chung-may",
)

# Hyperbole in the new languages: a parent, a boss or a teacher "will kill me" when a
# condition or a laugh follows (partners are not listed), and things that "kill me".
_FAMILY_DE = (
    "mutter|mama|mami|mutti|vater|papa|papi|vati|eltern|chef|chefin|boss|lehrer|lehrerin|"
    "trainer|oma|opa|schwester|bruder|alte|alter"
)
_THINGS_DE = (
    "hitze|arbeit|job|prüfung|pruefung|stress|bug|app|update|deadline|woche|wetter|kälte|"
    "kaelte|schule|uni|klausur|meeting|meetings|warterei|schlange|serie|spiel|zeug|rauchen"
)
_FAMILY_IT = (
    "madre|mamma|padre|papà|papa|babbo|genitori|capo|capa|boss|prof|professore|professoressa|"
    "maestra|maestro|nonna|nonno|sorella|fratello|allenatore"
)
_THINGS_IT = (
    "caldo|freddo|lavoro|esame|esami|traffico|bug|app|aggiornamento|scadenza|settimana|"
    "riunione|riunioni|fila|coda|serie|gioco|dieta|palestra|studio|scuola|noia"
)
_FAMILY_NL = (
    "moeder|mama|ma|mam|vader|papa|pa|pap|ouders|baas|chef|leraar|lerares|juf|meester|"
    "coach|oma|opa|zus|broer"
)
_FAMILY_PL = (
    "mama|mamusia|matka|tata|tatuś|tatus|ojciec|rodzice|starzy|stara|stary|szef|szefowa|"
    "babcia|dziadek|brat|siostra|nauczyciel|nauczycielka|wychowawczyni|wychowawca|trener"
)
_THINGS_PL = (
    "upał|upal|praca|robota|egzamin|sesja|korki|bug|aplikacja|aktualizacja|deadline|tydzień|"
    "tydzien|spotkanie|kolejka|serial|gra|dieta|szkoła|szkola|nuda|stres|żart|zart|tekst"
)
_FAMILY_TR = (
    "annem|babam|annemler|babamlar|ailem|patronum|müdürüm|mudurum|hocam|öğretmenim|"
    "ogretmenim|abim|ablam|ağabeyim|agabeyim|dedem|ninem|babaannem|anneannem|koçum|kocum"
)
_THINGS_TR = (
    "sicak|soğuk|soguk|iş|is|sinav|trafik|bug|uygulama|güncelleme|guncelleme|"
    "hafta|toplanti|kuyruk|dizi|oyun|diyet|okul|ders|stres|bekleme|şarki|sarki"
)
_FAMILY_VI = (
    "mẹ|me|má|ma|bố|bo|ba|cha|sếp|sep|thầy|thay|cô|co|anh-trai|chị|chi|ông|ong|bà|"
    "bà-nội|ba-noi|bà-ngoại|ba-ngoai|bố-mẹ|bo-me|ba-mẹ|ba-me"
)
_HYPERBOLE_NEW = (
    f"{_FAMILY_DE} wird|werden|würde|wuerde|bringt|bringen|killt|killen mich|uns noch? um|"
    "umbringen|killen|töten|toeten wenn|falls|sobald|weil|wegen|lol|haha|xd|xD",
    f"{_THINGS_DE} wird|werden|würde|wuerde|bringt|bringen mich|uns noch? um|umbringen|töten|"
    "toeten|killen",
    "das|dies|es|die|der|den wird|würde|wuerde|bringt mich|uns noch? um|umbringen|töten|toeten",
    f"{_FAMILY_IT} mi|ci ammazza|ammazzerà|ammazzera|uccide|ucciderà|uccidera|ammazzano|"
    "uccidono|fa-fuori|farà-fuori|fara-fuori se|quando|appena|perché|perche|ahah|ahahah|haha|"
    "lol|xd",
    f"{_THINGS_IT} mi|ci ammazza|ammazzerà|ammazzera|uccide|ucciderà|uccidera|sta-uccidendo",
    f"{_FAMILY_NL} vermoordt|maakt|gaat|zal me|mij|ons af|vermoorden|afmaken als|wanneer|zodra|"
    "omdat|lol|haha|xd",
    f"{_FAMILY_PL} mnie|nas zabije|zabiją|zabija|zamorduje|ukatrupi|zatłucze|zatlucze|udusi",
    f"{_THINGS_PL} mnie|nas zabije|zabija|wykończy|wykonczy",
    f"{_FAMILY_TR} beni|bizi öldürecek|oldurecek|öldürür|oldurur|gebertecek|gebertir|"
    "öldürecekler|oldurecekler|öldürürler|oldururler|keser|kesecek|asacak|yer",
    f"{_THINGS_TR} beni|bizi öldürecek|oldurecek|öldürüyor|olduruyor|öldürür|oldurur",
    f"{_FAMILY_VI} tôi|toi|mình|minh|em|tao? sẽ|se|chắc|chac|chắc-chắn|chac-chan|sẽ-chắc|"
    "se-chac giết|giet|xử|xu tôi|toi|mình|minh|em|con|tao nếu|neu|khi|mà|ma|vì|vi|luôn|luon|"
    "mất|mat",
)
# Idioms: laughing, boredom, heat; "you're dead to me"; killing time, processes, bacteria;
# "um den Verstand bringen"; a time of day after "um".
_IDIOMS_NEW = (
    "tot|tod für|fuer|fur mich|uns",
    "sterben|sterbe|stirbst|krepieren|verrecken vor lachen|langeweile|hitze|hunger|durst|"
    "scham|müdigkeit|muedigkeit|angst|neugier|kälte|kaelte",
    "um den|meinen|mein|meine|meinem|seinen|sein|seine|ihren|ihr|ihre|unseren|unser|unsere|"
    "euren|eure|jeden|jede|verstand|schlaf",
    f"um {_NUMBERS}|halb|viertel|punkt|mitternacht|mittag|eins|zwei|drei|vier|fünf|fuenf|"
    "sechs|sieben|acht|neun|zehn|elf|zwölf|zwoelf",
    "alle|jeden|alles|tutti|iedereen|wszystkich|hepsini|herkesi prozess|prozesse|tasks|bugs|"
    "zombies|zombie|gegner|monster|bakterien|keime|viren|unkraut|processi|batteri|germi|"
    "nemici|mostri|insetti|virus|processen|bacteriën|bacterien|vijanden|procesy|bakterie|"
    "wrogów|wrogow|zombi|bakterileri|mikroplari|düşmanlari|dusmanlari",
    "tutti i|gli|quei|questi processi|batteri|germi|zombie|nemici|mostri|insetti|parassiti|virus",
    "morto|morta|morti|muoio|morire|morendo per|dal|dalla|dalle|di me|ridere|risate|sonno|fame|"
    "caldo|noia|stanchezza|paura|freddo|vergogna|sete",
    "ti|vi ammazzo|uccido|mangio di baci|coccole|solletico|abbracci|complimenti|regali|lavoro",
    "morirai|morirete dal|dalla|dalle|di ridere|risate|noia|fame|caldo|freddo|vergogna|invidia|"
    "sonno|sete",
    "sparo|spari|sparata|sparano grossa|grosse|cazzate",
    "dood voor|van|aan|door|om|zonder mij|me|ons|het|de|lachen|verveling|schaamte|hitze|hitte|"
    "honger|dorst|kou",
    "ze śmiechu|smiechu|wstydu|nudów|nudow|głodu|glodu|zmęczenia|"
    "zmeczenia|strachu|ciekawości|ciekawosci",
    "dla mnie|nas martwy|martwa|martwi|trupem",
    "gülmekten|gulmekten|gülmeden|gulmeden|sicaktan|soğuktan|soguktan|açliktan|"
    "acliktan|sikintidan|meraktan|kahkahadan|uykusuzluktan|stresten|"
    "kiskançliktan|kiskancliktan|utançtan|utanctan öleceksin|oleceksin|ölceksin|olceksin|"
    "öleceksiniz|oleceksiniz",
    "benim için|icin öldün|oldun|ölüsün|olusun",
    "chết|chet cười|cuoi|mệt|met|đói|doi|nóng|nong|rét|ret|buồn|buon",
    "cười|cuoi|mệt|met|đói|doi|nóng|nong|buồn-ngủ|buon-ngu chết|chet",
    "giết|giet thời|thoi gian",
    "giết|giet hết|het thời|thoi gian|vi-khuẩn|vi-khuan|con-trùng|con-trung|muỗi|muoi|gián|"
    "gian|sâu|sau|virus|mầm-bệnh|mam-benh",
)
_CONTEXT_NEW = (
    "nachrichten|zeitung|artikel|bericht|reportage|doku|dokumentation|tagesschau|liedtext|"
    "songtext|refrain|rapper|album|spielfilm|kinofilm|serie|folge|videospiel|zocken|runde|"
    "film",
    "notizia|notizie|telegiornale|articolo|giornale|canzone|ritornello|rapper|videogioco|"
    "partita|romanzo|episodio|puntata|serie|film|gioco",
    "nieuws|journaal|artikel|krant|liedje|songtekst|refrein|rapper|aflevering|roman|spel|"
    "potje|serie|film|game",
    "wiadomościach|wiadomosciach|artykule|artykuł|artykul|gazecie|piosence|piosenka|piosenki|"
    "refren|raper|filmie|filmu|serialu|odcinku|powieści|powiesci|grze|meczu|rundzie",
    "haberde|haberlerde|haberine|gazete|gazetede|şarki|sarki|şarkisi|sarkisi|şarkida|sarkida|"
    "filmde|dizide|romanda|oyunda|oyunu|maçta|macta|raunt",
    "tin-tức|tin-tuc|bài-báo|bai-bao|báo-chí|bao-chi|bài-hát|bai-hat|lời-bài-hát|loi-bai-hat|"
    "phim|trong-phim|tiểu-thuyết|tieu-thuyet|trận-đấu|tran-dau|ván-game|van-game",
)
_REVIEW_THREATS_NEW = {
    "de": (
        "ich|wir finde|finden|krieg|kriege|kriegen dich|euch",
        "du bist fällig|faellig|dran",
        "das wirst|werdet du|ihr bereuen|büßen|buessen",
        "ich stehe|steh|bin vor deiner|deinem|eurer tür|tuer|haus|wohnung|schule",
        "ich|wir weiß|weiss|wissen wo deine|eure kinder|tochter|sohn|familie",
    ),
    "it": (
        "te la farò|faro|faccio pagare",
        "ti trovo|troverò|trovero|verrò-a-prenderti|vengo-a-prenderti",
        "sono|sto sotto|davanti casa tua",
        "so dove vanno a scuola i tuoi figli",
    ),
    "nl": (
        "ik vind|krijg je|jou|jullie",
        "je gaat eraan",
        "dat ga|zal je bezuren|betalen",
        "ik sta voor je|jouw deur|huis",
    ),
    "pl": (
        "znajdę|znajde|dorwę|dorwe cię|cie|was",
        "pożałujesz|pozalujesz",
        "stoję|stoje pod twoim|twoimi domem|drzwiami|blokiem",
    ),
    "tr": (
        "seni bulacağim|bulacagim|bulucam|bulcam",
        "pişman|pisman olacaksin|edeceğim|edecegim|ederim",
        "evini|okulunu biliyorum",
        "sen bittin",
    ),
    "vi": (
        "mày|may chết|chet với|voi tao",
        "tao sẽ|se tìm|tim ra mày|may",
        "mày|may sẽ|se phải|phai trả|tra giá|gia",
    ),
}


THREAT_TO_LIFE = Lexicon(
    category="threat_to_life",
    queue="safety-emergency",
    yields_to=("self_harm",),
    # Reporting, fiction and play near a definite match: a person decides, at P1.
    context=(
        "news|headline|headlines|article|documentary|lyric|lyrics|songs|verse|chorus|"
        "rapper|album|movie|movies|film|films|trailer|episode|novel|game|gaming|fortnite|"
        "minecraft|valorant|roblox|pvp|respawn",
        # "song" with a determiner or a verb of quoting: bare "song" is also Vietnamese
        # "sống" (to live) once accents are folded.
        "the|this|that|his|her|my|their|your|our|new|old|rap|drill|diss|favorite|favourite song",
        "song lyrics|lyric|goes|says|said|called|titled|named|by|where|about|that-goes",
        "der|den|dem|ein|einen|im|neuen|neue|il|la|una|un|het|de|een|nowy|ten|bu|şu|su song|songs",
        "noticia|noticias|periodico|periódico|reportaje|cancion|canción|letra|pelicula|"
        "película|serie|novela|videojuego|partida",
        "noticia|notícia|noticias|notícias|reportagem|jornal|musica|música|letra|filme|"
        "serie|série|novela|jogo",
        "berita|liputan|lirik|lagu|film|adegan|sinetron|novel|game|gim|ronde|mabar",
        "article|journal|reportage|actualite|actualité|chanson|paroles|film|serie|série|"
        "roman|jeu|enquete-sur|enquête-sur",
        *_CONTEXT_NEW,
    ),
    phrases={
        "en": (
            f"going|gonna|planning|plan|plans|want|wants|wanted|wanna|intend|intends|about to? "
            f"{_VERBS}",
            "i-will|i'll|ill|gonna|going-to end you",
            "coming|come for you with a|my? knife|gun|rifle|machete|axe|bat",
            "watch your back",
            "slit|cut your|his|her|their throat",
            "burn down your|our|their|his|her|the house|home|school|building",
            "burn you|them|us alive",
            "you-are|you're|ur|youre|u-r|u-are dead",
            "your kids|family|children|wife|husband|mom|mother are dead",
            f"threaten*|threatening to? {_VERBS}|hurt|rape me|us|my|you|him|her|them",
            f"he-will|he'll|she-will|she'll|they-will|they'll|he's-going-to|she's-going-to "
            f"{_VERBS} me|us|my",
            f"will|gonna {_VERBS} my dog|family|kids|wife|husband|mom|dad|sister|brother",
            "going|gonna to? use it|them on",
            f"i-will|i'll|ill|i'm|im|imma|ima|i'ma|i-am {_VERBS}",
            f"i am going to {_VERBS}",
            f"{_VERBS} {_OBJECTS}",
            "shoot up the|a|my|this? school|mall|office|church|mosque|synagogue|concert|place",
            "blow up the|a|this|your? school|building|office|mall|airport|station|house|plane",
            "bomb threat*",
            "death threat*",
            "threaten* to kill|shoot|stab|murder",
            "i know where you live|stay",
            "you-are|you're|your|ur|youre|u-r|u-are going|gonna to? die",
            # Paraphrase: someone hired, a name on a bullet, the outcome ("end up dead").
            "have|get|getting you|u|him|her|them killed|shot|whacked|murdered|taken-out",
            "bullet|bullets with your|ur|his|her|their name",
            "you-are|you're|youre|ur|u|you|u-r gonna|going-to|will end up dead|in-a-body-bag|"
            "in-a-ditch|in-the-morgue|in-a-coffin",
            "you're-gonna|youre-gonna|ur-gonna|you-are-going-to|you're-going-to|you'll|youll|"
            "you-will|u-will get|be shot|stabbed|killed|murdered|whacked|executed",
            "killing|shooting|stabbing|murdering|slaughtering everyone|everybody|all-of-you|"
            "them-all|people|kids|students|the-teachers",
            "bomb|firebomb|blow-up your|ur|his|her|their house|home|car|place|family",
            "bring* a gun|guns|knife to school|work|class",
            "hunt you down",
            "put a bullet in",
            # Euphemisms and paraphrase: method, target, outcome.
            "put|putting|puts you|u|me|us|him|her|them|this|that|his? guy|man|bitch|ass? "
            "in the|a|an? ground|grave|coffin|body-bag|morgue",
            "six feet under",
            "you-are|you're|youre|ur|he's|she's|he-is|she-is a dead man|woman|boy|girl|meat",
            "you|u won't|wont|will-not|aren't-going-to|not-gonna live|see|make-it-to "
            "tomorrow|the-morning|the-weekend|christmas|next-week|another-day",
            "won't|wont|will-not live to see",
            "your days are numbered",
            "beat|beating|stomp|stomping|kick|choke|choking|strangle|burn|stab|bash|"
            f"bludgeon {_TARGETS} to death",
            "break|snap|breaking your|her|his|their neck|necks",
            "bullet in|through your|ur|his|her|their head|skull|brain|face|chest",
            "blow|blowing your|his|her|their brains|head out|off",
            "end your|ur|his|her|their life|lives",
            "make you|him|her|them bleed",
            f"{_VERBS} {_TARGETS}",
            f"{_VERBS} this|that|the|some|a {_PEOPLE}",
            f"{_VERBS}|shot|stabbed|murdered you|them|everyone all",
            "come|coming and|to kill|shoot|stab|murder",
            "plant|planting|planted|place|placed|leave|left a bomb|bombs|explosive|explosives",
            "going|gonna|plan|planning|want|wanna to? bomb|blow-up|burn-down|shoot-up the|a|"
            "this|your|my? school|building|office|mall|church|mosque|synagogue|station|airport|"
            "house|concert|stadium|class|campus",
            "make columbine look|seem",
            "next columbine|school shooter",
            "shoot|shooting|shot up the|a|my|this|your? school|class|classroom|campus|office",
            "kill|killing as many people|kids|students as i can",
            "acid in your|her|his face",
            "slit|slash|cut your|ur|his|her|their throat|throats",
            "you're|youre|you-are|he's|she's|they're|you|he|she|they|u not|won't|wont|aint|"
            "ain't leaving|leave|get-out|getting-out|make-it-out|walk-out|going-home alive",
            f"you|u have|got|only-have {_NUMBERS}? hours|days|minutes|weeks|seconds "
            "left-to|to live",
            f"{_VERBS}|gun-down|run-over|torch my|your|his|her|their|our wife|husband|girlfriend|"
            "boyfriend|family|kids|children|mom|mother|dad|father|sister|brother|son|daughter|"
            "house|teacher|boss|classmates|neighbors|neighbours",
            "gun|guns|mow down everyone|everybody|them|people|protesters",
            "cut|slice|carve you|u|him|her|them up",
            "break|breaking every bone in? your|his|her|their? body?",
            "leave|leaving you|him|her|them|me in a|the ditch|gutter|morgue",
            "you|he|she|u won't|wont|will-not make-it-to|live-to-see|survive friday|monday|"
            "tuesday|wednesday|thursday|saturday|sunday|tomorrow|the-weekend|next-week|the-night|"
            "tonight|the-week",
            "gun|mow you|u|him|her|them|yall|everyone|everybody down",
            "me|te|nos|lhe|os|as matar|esfaquear|furar|balear|apagar",
            "bakar|membakar|dibakar rumah kami|rumahku|rumah-kami|rumah-saya|rumahmu",
            "te|lo|la|los|las voy|vamos|va|van a desaparecer",
            "cortarme|cortarte|cortarle|cortarles|rajarte|rebanarte el-cuello|la-garganta|"
            "el-pescuezo",
            "te|vous buter|flinguer|egorger|poignarder",
            # Paraphrased but explicit: outcome, hands, method ("you'll be dead by morning").
            "die|killed|dead by|at my|our hand|hands",
            "your|ur family|kids|children|wife|husband|son|daughter|mom|mother|dad|father|sister|"
            "brother|parents is|are|'s|'re going-to|gonna|about-to|will die|be-dead|be-killed|"
            "get-killed",
            "you'll|youll|you-will|u'll|ull|you're-gonna|youre-gonna|ur-gonna|you-are-going-to|"
            "you-gonna|u-gonna be dead by|before|tonight|tomorrow|within",
            "you'll|youll|u'll|you-will|u-will|you-shall|yall-will die|perish",
            "make sure you|u|he|she|they die|dies|are-dead|end-up-dead|never-wake-up",
            "cut|chop|slice|saw|rip your|ur|his|her|their head|heads off",
            "rip|tear your|ur|his|her|their throat|heart out",
            "bury you|u|him|her|them alive",
            "drown|smother|suffocate|decapitate|dismember|assassinate you|u|ya|him|her|them",
            "open fire on|at the? crowd|students|school|class|concert|everyone|people|them|you|us",
            "blow|blowing up the|a|this|your|that? concert|stadium|church|mosque|synagogue|subway|"
            "metro|festival|parade|rally|hospital|train|bus|campus|classroom",
        ),
        "es": (
            "voy a matar*",
            "te voy a matar|disparar|apuñalar",
            # Every verb of killing after "te voy a", "los vamos a", "me va a".
            "te|lo|la|los|las|les|me|nos voy|vamos|va|van|vas a matar|asesinar|apuñalar|"
            "acuchillar|degollar|ahorcar|estrangular|ahogar|envenenar|balear|fusilar|rajar|"
            "descuartizar|linchar|acribillar",
            "te|lo|la|los|las|les voy|vamos|va|van a llenar de plomo|balas|balazos|agujeros",
            "date|dense|dalo|darte por muerto|muerta|muertos",
            "vas|van a terminar|acabar|aparecer bajo tierra|en-una-bolsa|en-el-cementerio|"
            "en-una-zanja|en-un-ataúd|en-un-ataud|tres-metros-bajo-tierra",
            "te|le voy|va|vamos|van a cortar|arrancar la cabeza",
            "los|las|lo|la voy a matar",
            "te mato",
            "vas a morir",
            "amenaz* de muerte|bomba",
            f"{_THIRD_PERSON_INTENT_ES} a? {_CLITIC_VERBS_ES}",
            f"{_THIRD_PERSON_INTENT_ES}|voy|vamos a? {_MASS_VERBS_ES} {_MASS_ES}",
            f"{_THIRD_PERSON_INTENT_ES}|voy|vamos a? poner|meter|detonar una|un bomba|bombas|"
            "explosivo|explosivos en",
            "se donde vives",
            "voy a disparar",
            "poner una bomba",
            "me|te|lo|la|nos|los|las va|vas|van a matar|disparar",
            "amenazo|amenazó con matar*",
            "te|le|les|me voy|va|van|vamos a pegar|meter|dar un tiro|tiros|balazo|balazos|plomazo",
            "te|le|les corto|rajo|rebano|rebaño|abro el|la cuello|garganta|pescuezo",
            "te|le|les|los|las|lo|la voy|va|van a apuñalar|acuchillar|rajar|degollar|"
            "ahorcar|balear|apuñalear|fusilar",
            "te|les voy|va|van a enterrar|quemar|reventar",
            "voy a matar a todos",
            "estas|estás muerto|muerta",
            "eres hombre|mujer muerto|muerta",
            "no vas a ver|llegar el-amanecer|a-mañana|mañana|otro-dia|al-lunes",
            "tus dias estan contados",
            "voy a quemar tu|su casa",
            "te voy a cortar el cuello",
            "voy a volar|explotar la|el escuela|colegio|edificio|oficina",
            "tiroteo en la|el escuela|colegio mañana|hoy",
            "hay que|deberian|deberían matarlo|matarla|matarlos",
            # Shooting as "giving lead": "darles plomo", "meterle bala".
            "darle|darles|dales|meterle|meterles|meterte|darte plomo|bala|balas",
            # Paraphrased but explicit: the future, a life taken, a neck broken.
            "te|lo|la|los|las|les mataré|matare|asesinaré|asesinare|apuñalaré|apunalare|"
            "dispararé|disparare|degollaré|degollare|ahorcaré|ahorcare",
            "voy|vamos|va|van a acabar con tu|su|vuestra|sus vida|vidas|existencia",
            "te|le|les voy|vamos|va|van a quitar la vida",
            "te|le|les voy|va|vamos|van a partir|romper|quebrar|torcer el cuello|pescuezo",
            "no vas|van|vais a vivir para contarlo",
            "te|le|les voy|vamos|va|van a volar la cabeza|los-sesos",
            "te|le meto|pego|doy un|dos? tiro|tiros|balazo|balazos|plomazo|plomo",
            "te|lo|la|los|las|les vamos a matar|asesinar|disparar|apuñalar|quemar|enterrar",
            "vamos|van|va a matarte|matarlo|matarla|matarlos|matarlas|asesinarte|apuñalarte|"
            "dispararte|balearte",
        ),
        "pt": (
            "vou te matar",
            "vou matar*",
            "vou matar vc|voce|voces|todos",
            "te mato",
            "vai morrer",
            "amea* de morte|bomba",
            "vai|vao|vão|ia|iam|quer|querem|queria|ameacou|ameaçou|jurou|prometeu "
            "matar-me|matar-nos|esfaquear-me|balear-me",
            f"vai|vao|vão|vou|vamos|ia|iam|quer|querem|queria|pretende|planeja|planejam|"
            f"ameacou|ameaçou|jurou|prometeu {_MASS_VERBS_PT} {_MASS_PT}",
            "vai|vao|vão|vou|ia|quer|querem|pretende|planeja explodir|atacar|bombardear|"
            "metralhar|incendiar o|a|um|uma? show|shopping|escola|igreja|estacao|estação|"
            "faculdade|show|estadio|estádio|metro|metrô",
            "vai|vao|vão|vou|ia|quer|querem|pretende|planeja colocar|plantar|por|pôr uma|um? "
            "bomba|bombas|explosivo|explosivos",
            "sei onde voce mora",
            "vou atirar em|na|no",
            "vou explodir",
            "vai|vao|vão|quer|querem me|te|nos matar",
            "ameacou|ameaçou de? me|te|nos|matar",
            "vai|vao|vou|quer|querem me|te|nos|lhe|o|a esfaquear|furar|balear|enforcar|"
            "degolar|queimar|enterrar|apagar",
            "vou|vai|vão|vao te|me|lhe? dar|meter um? tiro|tiros|bala|balas",
            "encher de bala|balas|chumbo",
            # Every verb of killing after "vou te", "vai me", "vamos te".
            "vai|vao|vão|vou|vamos|quer|querem me|te|nos|lhe|vos estrangular|sufocar|envenenar|"
            "assassinar|executar|fuzilar|esquartejar|afogar|metralhar|matar",
            "te|lhe|vos encher de tiro|tiros|facada|facadas|bala|balas",
            "mandar|mando|vou-mandar te|alguem-te? matar|apagar",
            "meter|enfiar|dar|dou|meto bala|chumbo|tiro|um-tiro em voce|você|vc|ti|tu",
            "vai|vão|vao virar presunto",
            "boca cheia de formiga|formigas",
            "vai|vão|vao|voce-vai|você-vai aparecer|acabar boiando|morto|morta|numa-vala|no-rio|"
            "no-valão|no-valao",
            "vou|vai|vão|vao acabar com voce|você|vc|vcs|sua-vida|tua-vida|sua-raça",
            "voce|você|vc|tu ta|tá|está|esta morto|morta",
            "voce|você|vc|tu|ele|ela e|é um homem|cara morto",
            "voce|você|vc|tu nao|não vai ver|chegar o-amanhecer|amanha|amanhã|o-dia-de-amanha",
            "seus dias estao|estão contados",
            "vou queimar sua|tua casa",
            "massacre|ataque|tiroteio na escola amanha|amanhã|hoje",
            "vou cortar seu|teu pescoço",
            "vou atirar em todo mundo|todos",
            # Paraphrased but explicit.
            "vou|vai|vamos|vão|vao cortar|rasgar|abrir sua|tua|a garganta|pescoço|pescoco",
            "bala|tiro|balas|tiros na|em sua|tua cabeça|cabeca|cara|testa|nuca",
            "voce|você|vc|tu|vcs|voces|vocês nao|não vai|vão|vao viver pra|para contar|"
            "contar-a-historia",
            "vamos|vou|vai|vão|vao te|lhe|vos matar",
        ),
        "id": (
            "aku|saya|gue|gw akan? membunuh*|bunuh|tembak|tusuk",
            "membunuhmu",
            "bunuh kamu|kau|lo|lu|kalian",
            "kubunuh",
            "ancaman bom|pembunuhan",
            "diancam dibunuh|akan-dibunuh|mati|bunuh",
            f"mau|akan|bakal|ingin|pengen|berencana|rencana|ancam|mengancam {_MASS_VERBS_ID} "
            f"{_MASS_ID}",
            "mau|akan|bakal|ingin|pengen|berencana|rencana|ancam|mengancam|siap taruh|pasang|"
            "menaruh|memasang|meledakkan|ledakkan|ngebom|mengebom bom|konser|mal|mall|sekolah|"
            "gereja|masjid|stasiun|kampus|kantor",
            "kamu akan mati",
            "aku tahu rumahmu",
            "akan meledakkan",
            "ngancam|mengancam|ancam mau|akan|ingin? bunuh|membunuh*",
            "mau|akan|pengen bunuh|membunuh aku|kamu|kau|kalian|saya|dia",
            "menghabisi|habisi|habisin|menghilangkan nyawa*",
            "nyawamu|nyawaku|nyawanya melayang|habis|hilang",
            "nyawa lo|lu|kamu|kau|loe melayang|habis|hilang|tamat",
            "siap-siap|siap mati|mampus|modar",
            # Incitement: "they must be slaughtered".
            "harus|perlu|mesti|wajib dibantai|dibunuh|dihabisi|dimusnahkan|ditembak-mati",
            "mau|akan|bakal|pengen habisi|habisin|bacok|tusuk|tembak|gorok|menusuk|menembak|"
            "membacok kamu|kau|lo|lu|lho|kalian|aku|saya|dia|mu|kamu-semua",
            "kubacok|kutusuk|kutembak|kuhabisi",
            "mati kau|kamu|lo|lu",
            "kamu|kau|lo|lu udah|sudah mati",
            "kamu|kau|lo|lu tidak|gak|ga|nggak akan? lihat|melihat|hidup besok|hari-esok|"
            "sampai-besok",
            "bakar|membakar rumahmu|rumahnya|rumah-kamu",
            "bakar|membakar|kubakar rumah lo|lu|kamu|kau|loe",
            "penembakan di sekolah",
            "pasang|taruh bom",
            # Paraphrased but explicit: "aku habisi kamu", "lo bakal mati", "gorok leher lo".
            "habisi|habisin|bacok|gorok|bantai|cekik kamu|kau|lo|lu|loe|elo|kalian|dia|lho",
            "bunuh|tusuk lo|lu|loe|elo",
            "kamu|kau|lo|lu|elo|loe|kalian bakal|akan|pasti|bakalan mati|modar|mampus",
            "gorok|potong|sembelih|penggal|tebas leher|kepala lo|lu|kamu|kau",
            "gorok|potong|sembelih|penggal|tebas lehermu|kepalamu",
            "mati di tanganku|tangan-gue|tangan-aku|tangan-saya|tangan-kami",
            "bunuh|habisi|bantai keluargamu|keluarga-lo|keluarga-kamu|keluarga-lu|anakmu|istrimu",
            "tembak|kutembak|menembak kepala lo|lu|kamu|kau",
            "tembak|kutembak|menembak kepalamu",
            "tusuk|kutusuk|bacok|kubacok lo|lu|kamu|kau sampai|ampe mati|mampus|modar",
        ),
        "fr": (
            "je vais te|le|la|les|vous? tuer",
            "je vais tirer sur",
            "je vais te|vous? buter",
            "menac* de mort",
            f"va|vont|veut|veulent|allait|allaient|voulait|compte|menace-de|menacé-de|jure-de|"
            f"juré-de {_MASS_VERBS_FR} {_MASS_FR}",
            "va|vont|veut|veulent|allait|voulait|compte|menace-de|menacé-de me|nous buter|"
            "flinguer|poignarder|egorger|égorger|etrangler|étrangler|descendre|tuer|abattre",
            "va|vont|veut|veulent|allait|voulait|compte|menace-de|menacé-de poser|mettre|placer "
            "une|des bombe|bombes|explosifs",
            "alerte a la bombe",
            "je sais ou tu habites",
            "tu vas mourir",
            "va|veut|vont|menace|menacé|menacee de? me|te|nous|vous tuer",
            "viens|viendrai|venir|pour|et|de te|vous tuer|buter|flinguer|égorger|egorger|descendre|"
            "crever|poignarder|étrangler|etrangler",
            "te|vous tirer dessus",
            "te|vous mettre|coller|loger|planter une|des balle|balles",
            "six pieds sous terre",
            "aligner|fusiller|coller contre un|le mur",
            "faire sauter l'école|ecole|immeuble|bureau",
            "je vais te|le|la|les|vous? buter|flinguer|egorger|descendre|crever|poignarder|"
            "planter|trouer|cramer|bruler|étrangler|etrangler|saigner",
            "faire la peau",
            "tu-es|es|tes un? homme? mort|morte",
            "tu ne? verras pas|plus demain",
            "tes jours sont comptes",
            "une balle dans la|ta|sa tete",
            "bruler ta|sa maison",
            "fusillade au|a|dans lycee|college|l'ecole|le-lycee|le-college",
            "tirer sur tout le monde",
            "poser une bombe",
            # Paraphrased but explicit: "je te tue", "t'enterrer vivant", "je tire sur tous".
            "je te|vous tue|tuerai|bute|buterai|flingue|flinguerai|crève|creve|creverai|"
            "descends|descendrai|égorge|egorge|égorgerai|egorgerai|poignarde|poignarderai|"
            "étrangle|etrangle",
            "je le|la|les tue|tuerai|bute|buterai|flingue|flinguerai|égorge|egorge|poignarde|"
            "poignarderai",
            "vais|va|allons|vont|veux|veut t'enterrer|vous-enterrer|l'enterrer|les-enterrer vivant|"
            "vivante|vivants|vivantes",
            "je|on tire|tirerai|vais-tirer|va-tirer sur tout-le-monde|tous|la-foule|les-eleves|"
            "les-élèves",
            "tu|vous vas|allez crever|mourir ce-soir|cette-nuit|demain|bientot|bientôt",
        ),
        "de": _THREATS_DE,
        "it": _THREATS_IT,
        "nl": _THREATS_NL,
        "pl": _THREATS_PL,
        "tr": _THREATS_TR,
        "vi": _THREATS_VI,
    },
    near=(
        # "I'm outside your house right now, I have a knife"
        Near(first=_WEAPON_WORDS, second=_TARGET_PLACES, words=10),
        Near(first=_INTENT, second=_VIOLENT_VERBS, words=2),
        Near(first=_ATTACK_VERBS, second=_ATTACKED_PLACES, words=3),
    ),
    review_near=(
        # A weapon and a crowded place: "a picture of a rifle with 'see you monday at school'".
        Near(
            first=(
                f"{_WEAPONS}|bomb|bombs|explosive|explosives|pistola|faca|pisau|couteau|messer|"
                "waffe|pistole|knarre|gewehr|coltello|fucile|pistool|geweer|nóż|noz|pistolet|"
                "karabin|biçak|bicak|silah|tabanca|tüfek|tufek",
            ),
            second=(
                "school|campus|class|classroom|mall|church|mosque|synagogue|concert|escuela|"
                "colegio|escola|sekolah|ecole|lycee|college|schule|scuola|szkoła|szkoly|okul|"
                "okula|okulda",
                # "a photo of a knife: 'this is for you'"
                "for you|u|ya|your-family",
            ),
            words=8,
        ),
    ),
    review={
        "en": (
            "i'm|im|i-am|i'll-be|i-will-be outside|at|near|watching your|ur house|home|door|"
            "window|school|work",
            "coming for you",
            "you're|youre|you-are next",
            "i will|i'll find you",
            "make you|him|her|them suffer|disappear|pay",
            "school shooting|shooter",
            "mass shooting",
            "pipe bomb|bombs",
            "gonna|going-to|will hurt you|him|her|them",
            "hurt your|ur family|kids|children|wife|husband|mom|daughter|son",
            "wish you|u were dead",
            "hope you|u die",
            "shoot|stab|kill|murder my|the|this? teacher|boss|ex|classmates",
            "i-will|i'll|ill|gonna|going-to|imma finish you|you-off",
            "matalo|mátalo|matenlo|mátenlo",
        ),
        "es": (
            "estoy afuera de|fuera de|frente a tu casa",
            "vas a pagar",
            "te voy a encontrar",
            "te voy a hacer daño",
            "ojala|ojalá te mueras|te murieras",
        ),
        "pt": (
            "estou na frente da|fora da|na porta da sua casa",
            "vai pagar caro",
            "vou te achar|encontrar",
            "vou te machucar",
            "tomara que voce|você|vc morra",
        ),
        "id": (
            "aku di depan rumahmu",
            "awas kau|kamu|lo|lu",
            "mati aja kau|kamu|lo|lu",
            "won't|wont|will-not make-it-to friday|monday|tuesday|wednesday|thursday|saturday|"
            "sunday|tomorrow|the-weekend|next-week",
            "bullet|bullets|grave|coffin|body-bag for you|u",
            "i know where|which school|bus|route your|ur kids|children|daughter|son|family|wife",
            "going|gonna to? be a bloodbath|massacre",
            "bloodbath|massacre at the school|rally|concert|mall|office",
            "aku akan mencarimu",
            "kamu akan menyesal",
        ),
        "fr": (
            "je suis devant chez toi",
            "tu vas le payer",
            "je vais te retrouver",
            "je vais te faire du mal",
            "j'espere que tu vas mourir|creves|crèves",
        ),
        **_REVIEW_THREATS_NEW,
    },
    exclude=(
        # Hyperbole (see _FAMILY_EN): "my mom will kill me if I lose this account".
        f"my|our {_FAMILY_EN} is|are|will|would|'ll|'s|is-going-to|are-going-to|gonna|"
        "going-to|might|literally? gonna|going-to|to? kill|murder me|us if|when|once i|we|"
        f"{_TRIVIAL_EN}",
        f"my|our {_FAMILY_EN} is|are|will|would|'ll|'s|is-going-to|are-going-to|gonna|"
        "going-to|might|literally? gonna|going-to|to? kill|murder me|us lol|lmao|haha|rofl|xd",
        f"mi {_FAMILY_ES} {_KILLS_ME_ES} si|cuando {_TRIVIAL_ES}",
        f"mi {_FAMILY_ES} {_KILLS_ME_ES} jaja|jajaja|jajajaja|xd|lol",
        f"minha|meu|meus {_FAMILY_PT} vai|vão|vao|ia me matar|matar-me se|quando eu? {_TRIVIAL_PT}",
        f"minha|meu|meus {_FAMILY_PT} vai|vão|vao|ia me matar|matar-me kkk|kkkk|kkkkk|rs|rsrs|haha",
        f"{_FAMILY_ID} bakal|akan|mau|bisa|pasti bunuh|membunuh|ngebunuh aku|gue|gw|saya "
        f"kalau|kalo|klo|jika|kalau-aku|kalo-aku|kalo-gue|kalau-saya {_TRIVIAL_ID}",
        f"{_FAMILY_ID} bakal|akan|mau|bisa|pasti membunuhku|bunuhku kalau|kalo|klo|jika "
        f"aku|gue|saya? {_TRIVIAL_ID}",
        f"ma|mon|mes {_FAMILY_FR} va|vont|allait me tuer si|quand je|j'? {_TRIVIAL_FR}",
        f"ma|mon|mes {_FAMILY_FR} va|vont|allait me tuer mdr|ptdr|lol|haha",
        f"this|that|the|my|these|those {_THINGS_EN} is|are|will|'s|'ll|is-going-to|"
        "are-going-to|gonna|going-to|literally? gonna|going-to|to? kill me|us",
        f"este|esta|estos|estas|el|la|los|las|mi|ese|esa {_THINGS_ES} me va|van a matar",
        f"este|esta|estos|estas|el|la|los|las|mi|ese|esa {_THINGS_ES} va|van a matarme",
        f"esse|essa|esses|essas|este|esta|o|a|os|as|meu|minha {_THINGS_PT} vai|vão|vao me matar",
        f"ce|cet|cette|ces|le|la|les|mon|ma|mes {_THINGS_FR} va|vont me tuer",
        f"{_THINGS_ID} ini|itu? bakal|akan|bisa bunuh|membunuh aku|gue|gw|saya",
        # "Dying" of heat, hunger or boredom: "je vais crever de chaud".
        "crever|crève|creve de chaud|faim|froid|soif|rire|ennui|fatigue|honte",
        # Play: "I'll kill you next round", "you're dead next game".
        "kill|killing|destroy|wreck|murder|shoot|snipe|stab|end you|u|ya|him|her|them|y'all|"
        "yall next|this|in-the|in-this|in-our round|game|match|map|lobby|ranked|raid|"
        "1v1|duel|pvp",
        "you're|youre|you-are|ur|u-r dead in|next|this|in-the|in-the-next|in-this round|game|"
        "match|lobby|map",
        "te|vous voy|vamos|vais|vas|va|vou? a? matar|mato|tuer|buter|destruir|destruo|"
        "detruire|détruire|matar-te en|na|no|dans|à|a la|el|o|a? partida|juego|jogo|proxima|"
        "próxima|prochaine|partie|ronda|rodada|manche",
        "kill|killing|kills|killed himself|herself|myself|themselves|me laughing|with-laughter",
        "kill|killing|kills the|a|this|that|my? process|processes|task|tasks|job|jobs|app|server|"
        "servers|bug|lights|engine|pod|pods|container|containers|session|switch|time",
        "kill -9",
        "shoot you|u a|an? email|message|text|dm|note|line|invite|link|msg|pic|photo",
        "shoot|shooting a|the|some|our|my|this|that? photo|photos|video|videos|film|scene|movie|"
        "picture|pictures|pics|hoops|commercial|wedding|ad|clip|vlog",
        "kill it",
        "killing it",
        "kill for a coffee|pizza|beer|burger",
        "killing|kill|killed me|us|you softly",
        "shoot|shot|shooting the breeze|hoops|pool",
        "shooting|shoot|shot up the|a|my? ranks|charts|leaderboard",
        "you're|youre|you-are dead right|wrong|serious",
        "dead meat pie",
        "school shooting drill|drills",
        "gun|guns|knife|knives|weapon|weapons skin|skins|spawn|drop|drops|loadout|emoji|emote|"
        "store|shop|counter|show|safety|license|licence",
        "nerf gun|guns",
        "water gun|guns|pistol",
        "glue gun|nail gun|heat gun|spray gun",
        "butter knife",
        "kitchen knife set",
        "gut feeling|instinct",
        "gut|gutting|gutted the|this|my|our|that|a old|whole|entire|upstairs|downstairs? "
        "kitchen|bathroom|house|room|place|car|fish|"
        "deer|building|basement|office|interior|engine",
        "gut you the? fish",
        "end your life insurance|policy",
        "end your|his|her|their life subscription|plan",
        "six feet under season|series|show|episode|finale",
        "the|movie|show|series|watching|watch six feet under",
        "news|article|story|report|clip|headline|documentary|coverage about|on|of the|a? "
        "bomb-threat|shooting|murder|stabbing|massacre|death-threat",
        "shoot|shooting|shot a|the|our|my|some? music|promo|product|wedding|fashion|youtube|"
        "tiktok video|videos|photos|film|clip|shoot",
        "you are next in line|queue",
        "you're|youre next in line|queue|up",
        "kill|killed|killing this|that|the boss|level|quest|game|round|mission|mob|monster|"
        "dragon|zombie|zombies|character|build|guy in the game",
        "kill|killed|killing them in the game|match|round|fortnite|minecraft|cod|valorant",
        "acabar con tu|su vida util|útil",
        "matar el|la|a|al|los|las? tiempo|rato|hambre|sed|aburrimiento|mosquito|mosquitos|bicho",
        "matar essa|essas|a|as|o? saudade*|fome|sede|tempo|aula|trabalho",
        "matar|mata|mato|matando|matei o|os|a|as|esse|este processo|processos|app|aplicativo|"
        "tarefa|tarefas|programa|servidor|bug|serviço|servico|jogo",
        "matar|mata|mato|matando de|a? risa|susto|un-susto|disgusto|rabia|celos|amor|pena|"
        "vergüenza|verguenza",
        "mata|matar|matando|mato|matou de raiva|rir|risada|vergonha|susto|saudade|fome|"
        "tedio|tédio|cansaço|cansaco|risa|ganas|calor|frio|estudar|trabalhar|tanto",
        "kill to|for get|have|see|be|a|an|some",
        "going to|gonna kill this|that presentation|exam|test|interview|show|set|look",
        "shoot you|u|me|him|her|them a|an? email|message|text|dm|note|line|invite|link|msg",
        "tuer le|la|les temps|ennui|moustique|moustiques",
        "will|gonna|going-to kill|killing|kill-off the|this|that|my|a? process|processes|task|"
        "tasks|job|jobs|app|server|bug|pod|pods|container|containers|session|feature|project|"
        "plant|plants|weeds|mood|vibe|battery|character",
        "matar a|as? saudade*",
        "tuer le temps",
        # Workplace hyperbole ("my boss is going to kill me"), and a family member's reaction
        # to seeing or hearing something ("when he sees the car"); "if he finds out" fires.
        "my|our boss|manager|teacher|coach|professor|prof|supervisor|editor|teammates|squad "
        "is|are|will|would|'ll|'s|is-going-to|are-going-to|gonna|going-to|might|literally? "
        "gonna|going-to|to? kill|murder me|us",
        f"my|our {_FAMILY_EN} is|are|will|would|'ll|'s|is-going-to|are-going-to|gonna|"
        "going-to|might|literally? gonna|going-to|to? kill|murder me|us if|when|once he|she|"
        "they sees|see|saw|notices|notice|hears|hear|checks|looks-at",
        # Dying of laughter, boredom, heat: "you're going to die laughing", "vas a morir de risa".
        "die|dying|dead laughing|of-laughter|of-laughing|of-embarrassment|of-boredom|of-cuteness|"
        "of-shame|of-cringe|of-heat|of-hunger|of-thirst|of-jealousy|from-laughing|from-laughter",
        "morir|morirte|muerto|muerta|morrer|morrendo|morro|mourir|crever|mort|morte|morts de|d' "
        "risa|hambre|sed|ganas|calor|frio|frío|aburrimiento|sueño|envidia|verguenza|vergüenza|"
        "miedo|rir|fome|sede|vergonha|medo|tedio|tédio|saudade|vontade|sono|inveja|rire|ennui|"
        "faim|froid|chaud|soif|honte|peur|fatigue|envie|chaleur",
        "je vais crever|mourir",
        "bomb squad|dog|dogs|disposal|detector|detectors|sniffing|technician",
        "drown|drowning you|u|them|him|her in",
        "hp|hape|baterai|batre|laptop|akun|motor|lampu|mesin|tanaman|server|wifi|sinyal|game|"
        "karakter lo|lu|kamu|kau bakal|akan|pasti|bakalan mati|modar",
        "mati ketawa|tertawa|kebosanan|kepanasan|penasaran|kelaparan|bosan|gaya",
        f"{_FAMILY_ID} bakal|akan|mau|bisa|pasti bunuh|membunuh|ngebunuh aku|gue|gw|saya "
        "kalau|kalo|klo|jika hp|hpku|hape|laptop|motor|mobil|uang|duit|nilai|nilaiku|rapor|"
        "raporku|tugas|kunci|dompet|sepatu",
        *_HYPERBOLE_NEW,
        *_IDIOMS_NEW,
    ),
)
