//! Which language a customer writes: English, Swedish, German, some other language, or
//! too little text to tell.
//!
//! Chat messages are short ("hej, var är mitt paket?"), and statistical detectors alone
//! guess badly on a handful of words. [`detect`] therefore adds two kinds of evidence:
//! a lexicon of characteristic words and letters per language, and whatlang's trigram
//! detector restricted to the languages our customers plausibly write. The lexicon
//! dominates on short messages; whatlang's weight grows with the length of the message.
//!
//! Norwegian and Danish share most of their short words with Swedish. A message counts as
//! one of them (and so as [`Detected::Other`]) only when it carries words or letters that
//! Swedish does not have ("ikke", "jeg", "ø"); otherwise the doubt goes to Swedish, the
//! language of a large share of the customer base.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// A language the AI agent answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Sv,
    De,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Sv, Lang::De];

    /// The ISO 639-1 code: "en", "sv" or "de".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sv => "sv",
            Lang::De => "de",
        }
    }

    /// Reads a language code or BCP 47 tag such as "sv", "SV", "sv-SE", "de_AT" or
    /// "en-GB"; only the primary subtag counts. `None` for any other language.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" | "eng" => Some(Lang::En),
            "sv" | "swe" => Some(Lang::Sv),
            "de" | "deu" | "ger" => Some(Lang::De),
            _ => None,
        }
    }
}

/// What language a customer message is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detected {
    /// One of the supported languages.
    Lang(Lang),
    /// A language we do not support, such as French, Spanish, Norwegian or Polish.
    Other,
    /// Too short or too ambiguous to tell: "ok", "ORD-1001", "123456", "yes".
    Unknown,
}

/// Detects the language of a customer message.
///
/// Order ids, digits, emails and links carry no language and are ignored. A message of a
/// single word is recognised only when that word is a greeting or a thank-you unique to
/// one language ("hej", "danke"); yes/no answers such as "ok", "ja" or "yes" are
/// [`Detected::Unknown`], since customers type them in any language.
pub fn detect(text: &str) -> Detected {
    let words = words(text);
    match words.as_slice() {
        [] => Detected::Unknown,
        [only] => single_word(only),
        _ => decide(&score(&words, text)),
    }
}

/// Evidence for each candidate, summed over words, letters and whatlang.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Scores {
    en: f32,
    sv: f32,
    de: f32,
    /// Unsupported languages other than Norwegian and Danish.
    other: f32,
    /// Norwegian or Danish.
    nordic: f32,
}

/// Below this, a message says too little to name a language.
const MIN_SCORE: f32 = 1.5;
/// The winner must lead the runner-up by this much.
const MIN_MARGIN: f32 = 1.0;
/// Norwegian or Danish evidence needed, besides whatlang's opinion, before a message is
/// taken for one of them rather than for Swedish.
const MIN_NORDIC_EVIDENCE: f32 = 2.0;

/// Whole-word tokens that carry no language: emails, links, and anything with a digit
/// (order ids, codes, amounts, dates).
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\S+@\S+|(?i)https?://\S+|www\.\S+|\S*\d\S*").expect("valid noise regex")
});

static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{L}+(?:'\p{L}+)*").expect("valid word regex"));

/// The lowercase words of a message, without noise.
fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['’', '‘', '´', '`'], "'");
    let cleaned = NOISE.replace_all(&lower, " ");
    WORD.find_iter(&cleaned)
        .map(|m| m.as_str().to_owned())
        .collect()
}

/// One-word messages that still say which language the customer writes.
fn single_word(word: &str) -> Detected {
    match word {
        "hello" | "thanks" | "thank" | "thx" | "cheers" => Detected::Lang(Lang::En),
        "hej" | "hejsan" | "tjena" | "tjenare" | "hallå" | "tack" | "tackar" => {
            Detected::Lang(Lang::Sv)
        }
        "hallo" | "danke" | "dankeschön" | "moin" | "servus" | "tschüss" | "bitte" => {
            Detected::Lang(Lang::De)
        }
        "bonjour" | "merci" | "hola" | "gracias" | "ciao" | "grazie" | "obrigado" | "takk" => {
            Detected::Other
        }
        _ => Detected::Unknown,
    }
}

fn score(words: &[String], text: &str) -> Scores {
    let mut scores = Scores::default();
    for word in words {
        if let Some(weights) = LEXICON.get(word.as_str()) {
            scores.add(weights);
        }
        scores.add(&letter_evidence(word));
    }
    add_whatlang(&mut scores, words.len(), text);
    scores
}

impl Scores {
    fn add(&mut self, other: &Scores) {
        self.en += other.en;
        self.sv += other.sv;
        self.de += other.de;
        self.other += other.other;
        self.nordic += other.nordic;
    }
}

/// Letters that only some languages use, counted once per word.
fn letter_evidence(word: &str) -> Scores {
    let mut scores = Scores::default();
    let has = |set: &[char]| word.chars().any(|c| set.contains(&c));
    if has(&['å']) {
        scores.sv += 1.5;
    }
    if has(&['ä', 'ö']) {
        scores.sv += 0.3;
        scores.de += 0.3;
    }
    if has(&['ü', 'ß']) {
        scores.de += 1.5;
    }
    if has(&['ø', 'æ']) {
        scores.nordic += 2.0;
    }
    if has(&['ñ', 'ã', 'õ', 'ą', 'ę', 'ł', 'ś', 'ć', 'ż', 'ź', 'ń']) {
        scores.other += 2.0;
    }
    if has(&[
        'ç', 'è', 'ê', 'à', 'â', 'î', 'ô', 'û', 'ë', 'ï', 'ì', 'ò', 'ù', 'í', 'ó', 'ú',
    ]) {
        scores.other += 1.5;
    }
    if has(&['é']) {
        scores.other += 0.7;
    }
    scores
}

/// The languages whatlang may choose from: ours, and the ones we must recognise as not
/// ours. A short list keeps whatlang from wandering to unlikely languages.
static WHATLANG: LazyLock<whatlang::Detector> = LazyLock::new(|| {
    use whatlang::Lang as W;
    whatlang::Detector::with_allowlist(vec![
        W::Eng,
        W::Swe,
        W::Deu,
        W::Fra,
        W::Spa,
        W::Ita,
        W::Por,
        W::Nld,
        W::Dan,
        W::Nob,
        W::Fin,
        W::Pol,
    ])
});

fn add_whatlang(scores: &mut Scores, word_count: usize, text: &str) {
    use whatlang::Lang as W;
    let Some(info) = WHATLANG.detect(text) else {
        return;
    };
    // Whatlang's weight grows with the length of the message: on three words it is a
    // hint, on a paragraph it decides.
    let length = word_count.min(10) as f32;
    let weight = 0.4 * length * (0.5 + info.confidence() as f32);
    match info.lang() {
        W::Eng => scores.en += weight,
        W::Swe => scores.sv += weight,
        W::Deu => scores.de += weight,
        W::Dan | W::Nob if scores.nordic >= MIN_NORDIC_EVIDENCE => scores.nordic += weight,
        // Norwegian or Danish without a word Swedish lacks: most likely Swedish.
        W::Dan | W::Nob => scores.sv += weight,
        _ => scores.other += weight,
    }
}

fn decide(scores: &Scores) -> Detected {
    let nordic = if scores.nordic >= MIN_NORDIC_EVIDENCE {
        scores.nordic
    } else {
        0.0
    };
    let mut ranked = [
        (Detected::Lang(Lang::En), scores.en),
        (Detected::Lang(Lang::Sv), scores.sv),
        (Detected::Lang(Lang::De), scores.de),
        (Detected::Other, scores.other + nordic),
    ];
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (best, best_score) = ranked[0];
    let runner_up = ranked[1].1;
    if best_score < MIN_SCORE || best_score - runner_up < MIN_MARGIN {
        Detected::Unknown
    } else {
        best
    }
}

/// How strongly each word points at each language: 2.0 marks a word typical of one
/// language, lower weights words shared with others; words common to all are left out.
/// A weighted word list and the score it adds to.
type Table = (&'static [(f32, &'static str)], fn(&mut Scores) -> &mut f32);

static LEXICON: LazyLock<HashMap<&'static str, Scores>> = LazyLock::new(|| {
    let mut lexicon: HashMap<&'static str, Scores> = HashMap::new();
    let tables: [Table; 5] = [
        (ENGLISH, |s| &mut s.en),
        (SWEDISH, |s| &mut s.sv),
        (GERMAN, |s| &mut s.de),
        (OTHER, |s| &mut s.other),
        (NORDIC, |s| &mut s.nordic),
    ];
    for (table, field) in tables {
        for &(weight, words) in table {
            for word in words.split_whitespace() {
                *field(lexicon.entry(word).or_default()) += weight;
            }
        }
    }
    lexicon
});

/// English.
const ENGLISH: &[(f32, &str)] = &[
    (
        2.0,
        "the is my not please want and you your this that what how why where when with \
         have has don't dont didn't didnt can't cant i'm it's thanks thank hello payment \
         payments would could should need still been received receive money paid does did \
         but about which who know doesn't won't isn't wasn't haven't havent hasn't i've \
         i'll i'd returned charged fee extend package parcel arrived never already bought \
         ordered someone talk speak tell said told again today tomorrow yesterday week \
         month days first much many very really wrong broken sorry our she because just \
         yet shoes size anyone waiting these those were without before until",
    ),
    (
        1.5,
        "im its hey refund account get got help there they them are of to it from if or \
         item return card late due extension delivery store buy some any call back day \
         last next new one too right we her his like then only out off now here make see \
         way cancel human real hacked after able let",
    ),
    (
        1.0,
        "hi pay can do be for on at me yes invoice us he up sure",
    ),
    (0.7, "i"),
    (0.5, "order was will no a an"),
    (0.3, "in"),
];

/// Swedish, with the å/ä/ö-less spellings people type on foreign keyboards.
const SWEDISH: &[(f32, &str)] = &[
    (
        2.0,
        "jag och inte är vill mina betalning betalningen tack hej hejsan hur när varför \
         vad att ett inga inget något någon några nån också bara redan fick kommit \
         beställt beställning beställningen köpt köpte fakturan pengar pengarna tillbaka \
         skickat skicka skickade varan varor paketet hjälp hjälpa snälla eller från efter \
         innan sedan här där mycket lite bra dålig fel dagar vecka veckor månad idag \
         imorgon igår förlänga förlängning avgift avgiften kortet kontot returnera \
         återbetalning skulle måste kunde blivit vet tror behöver prata människa ska \
         fortfarande aldrig trasig trasiga betala betalat jätte fungerar funkar hallå \
         tjena eftersom",
    ),
    (
        1.5,
        "det kan har min mitt för på med varfor som ni oss mig dig nej ingen nagot nagon \
         fått fatt få bestallt bestallning hjalp snalla om till av upp sen då så rätt \
         forlanga kort retur aterbetalning maste blev behover manniska skall jatte",
    ),
    (1.0, "nar var en du kom kopt faktura paket men nu dag"),
    (0.7, "ar"),
    (0.5, "pa den de er sa konto"),
    (0.3, "ja"),
];

/// German, with umlaut-less spellings.
const GERMAN: &[(f32, &str)] = &[
    (
        2.0,
        "ich nicht und meine mein meinen meinem meiner ist bitte danke zahlung nein wie \
         wann warum möchte habe haben sind wurde wird kann können kein keine keinen noch \
         schon aber auch nur oder sehr gibt das dem ein eine einen einem einer sie wir \
         mir mich dich ihnen uns euch mit auf für von zum zur bei nach aus über dass wenn \
         weil bestellung bestellt rechnung geld zurück lieferung geliefert angekommen \
         ware gebühr mahnung frist verlängern verlängerung heute gestern tage woche monat \
         jetzt doch immer etwas nichts alles viel guten tschüss leider gerne gern \
         erhalten bekommen zahlen bezahlt bezahlen gekauft rücksendung retoure erstattung \
         sprechen mitarbeiter kaputt funktioniert geht sich werden wollte seit endlich \
         warte diese dieser dieses damit vielen dank schönen",
    ),
    (
        1.5,
        "hallo moechte hab hat bin koennen gut der die dir ihr fuer zu im wo zurueck \
         artikel karte raten morgen mal mensch menschen sein bis dies",
    ),
    (1.0, "mochte war des es er fur um paket hier tag"),
    (0.7, "was"),
    (0.5, "den am an konto rate da will"),
    (0.3, "ja"),
];

/// Common words of languages we must recognise as unsupported: French, Spanish,
/// Italian, Portuguese, Dutch, Finnish and Polish.
const OTHER: &[(f32, &str)] = &[
    (
        2.0,
        "je j'ai suis est pas vous nous les une pour avec bonjour merci commande c'est \
         n'ai pourquoi quand oui dans colis voudrais veux remboursement los para pero \
         quiero hola gracias pedido tengo dinero cuando donde porque recibido todavía \
         todavia reembolso necesito puedo hablar muy che sono grazie ciao ho mio voglio \
         perché ordine pagamento della questo buongiorno ancora ricevuto rimborso posso \
         vorrei parlare obrigado obrigada não meu minha você voce olá muito recebi quero \
         ik het een niet mijn heb graag bedankt waarom geen zijn maar jullie hebben ook \
         naar heeft terug pakket minä minun olen kiitos tilaus tilaukseni maksu että \
         mutta miksi haluan ole mitä vielä saanut nie jest się dziękuję dziekuje \
         zamówienie zamowienie że czy proszę prosze dzień dobry moje pieniądze otrzymałem",
    ),
    (
        1.5,
        "mon mes qui que mais comment el las por una pago yo di non mia io nao eu wat hoe \
         kunnen ei moi mam",
    ),
    (
        1.0,
        "ma et le la au ne il con esta favor mi y ha per bestelling nog jak",
    ),
    (0.5, "du"),
];

/// Norwegian and Danish words that Swedish does not share.
const NORDIC: &[(f32, &str)] = &[
    (
        2.0,
        "jeg ikke ikkje hvordan hvorfor hvad hva hvor hvis meg deg bestilt bestilte \
         betalingen takk noe noget kun ble være været fikk fik penger penge pengene dere \
         mye meget hjelp bestilling bestillingen pakke pakken tilbake tilbage hvornår \
         mottatt modtaget endnu ennå",
    ),
    (1.5, "og betaling nogen jer skal fra af"),
    (1.0, "vil tak hei er"),
    (0.5, "enda mitt"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lang: Detected, messages: &[&str]) {
        let wrong: Vec<(&str, Detected)> = messages
            .iter()
            .map(|m| (*m, detect(m)))
            .filter(|(_, got)| *got != lang)
            .collect();
        assert!(wrong.is_empty(), "expected {lang:?}, got: {wrong:#?}");
    }

    #[test]
    fn parses_codes_and_tags() {
        for (code, lang) in [
            ("sv", Lang::Sv),
            ("sv-SE", Lang::Sv),
            ("SV", Lang::Sv),
            (" sv_se ", Lang::Sv),
            ("de", Lang::De),
            ("de-AT", Lang::De),
            ("de-CH", Lang::De),
            ("en", Lang::En),
            ("en-GB", Lang::En),
            ("EN-us", Lang::En),
        ] {
            assert_eq!(Lang::parse(code), Some(lang), "{code}");
        }
        for code in ["", "fr", "nb-NO", "da", "e", "english-ish", "-sv"] {
            assert_eq!(Lang::parse(code), None, "{code}");
        }
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
    }

    #[test]
    fn english() {
        check(
            Detected::Lang(Lang::En),
            &[
                "Hi, I want to extend my payment",
                "where is my refund",
                "I didn't receive my package from Zalando",
                "can i pay later please",
                "my order ORD-1001 never arrived",
                "Why was I charged a late fee?",
                "i returned the shoes two weeks ago",
                "how do i change my email address",
                "Can I talk to a real person?",
                "the item is broken and the store won't answer",
                "thanks for the help!",
                "i was charged twice for the same order",
                "yes please extend it",
                "no that's not what I meant",
                "I lost my job and can't pay this month",
                "hello, is anyone there",
                "pls help me with my invoice",
                "wen is my next payment due",
                "i dont understand the email you sent me",
                "I want to return the jacket I bought at H&M",
                "this is ridiculous, third time asking",
                "could you send me a payment link",
                "Do you have an app?",
                "i want to delete my account",
                "how much do I still owe",
                "my card was stolen yesterday",
                "ok thanks",
                "thank you so much",
                "the package came but the size is wrong",
                "I have already paid this",
            ],
        );
    }

    #[test]
    fn swedish() {
        check(
            Detected::Lang(Lang::Sv),
            &[
                "Hej, jag vill förlänga min betalning",
                "var är min återbetalning",
                "jag har inte fått mitt paket från Zalando",
                "kan jag betala senare?",
                "min order ORD-1001 kom aldrig fram",
                "Varför har jag fått en påminnelseavgift?",
                "jag skickade tillbaka skorna för två veckor sedan",
                "hur ändrar jag min mejladress",
                "Kan jag få prata med en människa?",
                "varan är trasig och butiken svarar inte",
                "tack för hjälpen!",
                "ni har dragit pengar två gånger",
                "ja tack, förläng den",
                "nej det var inte det jag menade",
                "jag har förlorat jobbet och kan inte betala",
                "hej är det någon där",
                "snälla hjälp mig med fakturan",
                "nar ska jag betala nasta gang",
                "jag forstar inte mejlet ni skickade",
                "jag vill returnera jackan jag köpte på H&M",
                "det här är helt sjukt, tredje gången jag frågar",
                "kan ni skicka en betalningslänk",
                "har ni en app?",
                "jag vill radera mitt konto",
                "hur mycket är kvar att betala",
                "mitt kort blev stulet igår",
                "hej hej",
                "tack så mycket",
                "paketet kom men storleken är fel",
                "jag har redan betalat den här",
                "hej jag har inte fatt min bestallning",
            ],
        );
    }

    #[test]
    fn german() {
        check(
            Detected::Lang(Lang::De),
            &[
                "Hallo, ich möchte meine Zahlung verlängern",
                "wo ist meine Erstattung",
                "ich habe mein Paket von Zalando nicht erhalten",
                "kann ich später bezahlen?",
                "meine Bestellung ORD-1001 ist nie angekommen",
                "Warum habe ich eine Mahngebühr bekommen?",
                "ich habe die Schuhe vor zwei Wochen zurückgeschickt",
                "wie ändere ich meine E-Mail-Adresse",
                "Kann ich mit einem Menschen sprechen?",
                "der Artikel ist kaputt und der Shop antwortet nicht",
                "danke für die Hilfe!",
                "sie haben doppelt abgebucht",
                "ja bitte verlängern",
                "nein, das meinte ich nicht",
                "ich habe meinen Job verloren und kann nicht zahlen",
                "hallo ist da jemand",
                "bitte helfen sie mir mit der rechnung",
                "wan muss ich die nächste rate zahlen",
                "ich verstehe die mail nicht die ihr geschickt habt",
                "ich will die jacke zurückgeben die ich bei H&M gekauft habe",
                "das ist eine Frechheit, ich frage zum dritten Mal",
                "können sie mir einen zahlungslink schicken",
                "gibt es eine App?",
                "ich möchte mein Konto löschen",
                "wie viel muss ich noch zahlen",
                "meine Karte wurde gestern gestohlen",
                "danke schön",
                "vielen dank",
                "das paket kam aber die größe ist falsch",
                "ich habe das schon bezahlt",
                "ich mochte mit einem mitarbeiter sprechen",
            ],
        );
    }

    #[test]
    fn unsupported_languages() {
        check(
            Detected::Other,
            &[
                "Bonjour, je n'ai pas reçu ma commande",
                "je voudrais parler avec quelqu'un s'il vous plaît",
                "Pourquoi est-ce que je dois payer des frais?",
                "Hola, no he recibido mi pedido",
                "quiero hablar con una persona por favor",
                "¿Cuándo tengo que pagar?",
                "Ciao, non ho ricevuto il mio ordine",
                "vorrei parlare con un operatore",
                "Olá, não recebi o meu pedido",
                "Hallo, ik heb mijn bestelling nog niet ontvangen",
                "Jeg har ikke mottatt pakken min",
                "Hvorfor har jeg fått et gebyr?",
                "Jeg har ikke modtaget min pakke endnu",
                "Moi, en ole saanut tilaustani vielä",
                "Dzień dobry, nie otrzymałem zamówienia",
                "merci",
            ],
        );
    }

    #[test]
    fn too_little_to_tell() {
        check(
            Detected::Unknown,
            &[
                "",
                "   ",
                "ok",
                "OK!",
                "yes",
                "yes?",
                "ja",
                "nej",
                "no",
                "k",
                "ORD-1001",
                "#ORD-1002",
                "123456",
                "123 456",
                "anna.svensson@example.com",
                "https://acme.example/pay",
                "2026-12-03",
                "499 kr",
                "?!",
                ":)",
                "ok ok",
                "ja ok",
                "H&M",
                "zalando",
            ],
        );
    }

    #[test]
    fn swedish_wins_over_norwegian_and_danish_when_in_doubt() {
        // Words shared by the three languages, with nothing only Norwegian or Danish has.
        check(
            Detected::Lang(Lang::Sv),
            &[
                "det kan jag inte",
                "har du min faktura",
                "hej hej, kan du hjälpa mig",
            ],
        );
    }
}
