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
# Weapon possession and a target's place, in either order, in any of the five languages.
_WEAPON_WORDS = (
    f"{_HAVE} a|an|my|the? {_WEAPONS}",
    "tengo|traigo|llevo un|una|mi? cuchillo|navaja|pistola|arma|machete|fusil",
    "tenho|trouxe|levo|estou-com uma|um|minha|meu? faca|arma|pistola|revolver|facao|espingarda",
    "bawa|membawa|punya|pegang pisau|golok|pistol|senjata|celurit|parang",
    "j'ai un|une|mon? couteau|flingue|arme|pistolet|fusil|hache|machette",
)
# Intent or future, in every person ("he'd", "allait", "va a", "mau"), and the violent verbs
# it introduces, in any of the five languages: the pair within two words is a threat.
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

THREAT_TO_LIFE = Lexicon(
    category="threat_to_life",
    queue="safety-emergency",
    yields_to=("self_harm",),
    # Reporting, fiction and play near a definite match: a person decides, at P1.
    context=(
        "news|headline|headlines|article|documentary|lyric|lyrics|song|songs|verse|chorus|"
        "rapper|album|movie|movies|film|films|trailer|episode|novel|game|gaming|fortnite|"
        "minecraft|valorant|roblox|pvp|respawn",
        "noticia|noticias|periodico|periódico|reportaje|cancion|canción|letra|pelicula|"
        "película|serie|novela|videojuego|partida",
        "noticia|notícia|noticias|notícias|reportagem|jornal|musica|música|letra|filme|"
        "serie|série|novela|jogo",
        "berita|liputan|lirik|lagu|film|adegan|sinetron|novel|game|gim",
        "article|journal|reportage|actualite|actualité|chanson|paroles|film|serie|série|"
        "roman|jeu|enquete-sur|enquête-sur",
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
            "you-are|you're|ur|youre dead",
            "your kids|family|children|wife|husband|mom|mother are dead",
            f"threaten*|threatening to? {_VERBS}|hurt|rape me|us|my|you|him|her|them",
            f"he-will|he'll|she-will|she'll|they-will|they'll|he's-going-to|she's-going-to "
            f"{_VERBS} me|us|my",
            f"will|gonna {_VERBS} my dog|family|kids|wife|husband|mom|dad|sister|brother",
            "going|gonna to? use it|them on",
            f"i-will|i'll|ill|i'm|im|imma|i-am {_VERBS}",
            f"i am going to {_VERBS}",
            f"{_VERBS} {_OBJECTS}",
            "shoot up the|a|my|this? school|mall|office|church|mosque|synagogue|concert|place",
            "blow up the|a|this|your? school|building|office|mall|airport|station|house|plane",
            "bomb threat*",
            "death threat*",
            "threaten* to kill|shoot|stab|murder",
            "i know where you live|stay",
            "you-are|you're|your going|gonna to? die",
            "bring* a gun|guns|knife to school|work|class",
            "hunt you down",
            "put a bullet in",
            # Euphemisms and paraphrase: method, target, outcome.
            "put|putting|puts you|u|me|us|him|her|them|this|that|his|her? guy|man|bitch|ass? "
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
            "tuesday|wednesday|thursday|saturday|sunday|tomorrow|the-weekend|next-week",
            "me|te|nos|lhe|os|as matar|esfaquear|furar|balear|apagar",
            "bakar|membakar|dibakar rumah kami|rumahku|rumah-kami|rumah-saya|rumahmu",
            "te|lo|la|los|las voy|vamos|va|van a desaparecer",
            "cortarme|cortarte|cortarle|cortarles|rajarte|rebanarte el-cuello|la-garganta|"
            "el-pescuezo",
            "te|vous buter|flinguer|egorger|poignarder",
        ),
        "es": (
            "voy a matar*",
            "te voy a matar|disparar|apuñalar",
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
            "te|le|les|me voy|va|van a pegar|meter|dar un tiro|tiros|balazo|balazos|plomazo",
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
            "vou|vai|vão|vao acabar com voce|você|vc|vcs|sua-vida|tua-vida|sua-raça",
            "voce|você|vc|tu ta|tá|está|esta morto|morta",
            "e|é um homem morto",
            "voce|você|vc|tu nao|não vai ver|chegar o-amanhecer|amanha|amanhã|o-dia-de-amanha",
            "seus dias estao|estão contados",
            "vou queimar sua|tua casa",
            "massacre|ataque|tiroteio na escola amanha|amanhã|hoje",
            "vou cortar seu|teu pescoço",
            "vou atirar em todo mundo|todos",
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
            "mau|akan|bakal|pengen habisi|habisin|bacok|tusuk|tembak|gorok|menusuk|menembak|"
            "membacok kamu|kau|lo|lu|lho|kalian|aku|saya|dia|mu|kamu-semua",
            "kubacok|kutusuk|kutembak|kuhabisi",
            "mati kau|kamu|lo|lu",
            "kamu|kau|lo|lu udah|sudah mati",
            "kamu|kau|lo|lu tidak|gak|ga|nggak akan? lihat|melihat|hidup besok|hari-esok|"
            "sampai-besok",
            "bakar|membakar rumahmu|rumahnya|rumah-kamu",
            "penembakan di sekolah",
            "pasang|taruh bom",
        ),
        "fr": (
            "je vais te|le|la|les|vous? tuer",
            "je vais tirer sur",
            "je vais te|vous? buter",
            "menac* de mort",
            f"va|vont|veut|veulent|allait|allaient|voulait|compte|menace-de|menacé-de|a-jure-de "
            f"{_MASS_VERBS_FR} {_MASS_FR}",
            "va|vont|veut|veulent|allait|voulait|compte|menace-de|menacé-de me|nous buter|"
            "flinguer|poignarder|egorger|égorger|etrangler|étrangler|descendre|tuer|abattre",
            "va|vont|veut|veulent|allait|voulait|compte|menace-de|menacé-de poser|mettre|placer "
            "une|des bombe|bombes|explosifs",
            "alerte a la bombe",
            "je sais ou tu habites",
            "tu vas mourir",
            "va|veut|vont|menace|menacé|menacee de? me|te|nous|vous tuer",
            "faire sauter l'école|ecole|immeuble|bureau",
            "je vais te|le|la|les|vous? buter|flinguer|egorger|descendre|crever|poignarder|"
            "planter|trouer|cramer|bruler|étrangler|etrangler|saigner",
            "faire la peau",
            "tu-es|t'es un? homme? mort|morte",
            "tu ne? verras pas|plus demain",
            "tes jours sont comptes",
            "une balle dans la|ta|sa tete",
            "bruler ta|sa maison",
            "fusillade au|a|dans lycee|college|l'ecole|le-lycee|le-college",
            "tirer sur tout le monde",
            "poser une bombe",
        ),
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
            first=(f"{_WEAPONS}|bomb|bombs|explosive|explosives|pistola|faca|pisau|couteau",),
            second=(
                "school|campus|class|classroom|mall|church|mosque|synagogue|concert|escuela|"
                "colegio|escola|sekolah|ecole|lycee|college",
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
            "for you|your-turn|you're-next|soon",
            "i know where|which school|bus|route your|ur kids|children|daughter|son|family|wife",
            "going|gonna to? be a bloodbath|massacre",
            "bloodbath|massacre at the school|rally|concert|mall|office",
            "aku akan mencarimu",
            "kamu akan menyesal",
        ),
        "fr": (
            "je suis devant chez toi",
            "tu vas le payer|payer",
            "je vais te retrouver",
            "je vais te faire du mal",
            "j'espere que tu vas mourir|creves|crèves",
        ),
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
        "yall next|this|in-the|in-this|in-our|next round|game|match|map|lobby|ranked|raid|"
        "1v1|duel|pvp",
        "you're|youre|you-are|ur|u-r dead in|next|this round|game|match|lobby|map",
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
    ),
)
