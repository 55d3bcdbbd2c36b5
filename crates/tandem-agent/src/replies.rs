//! The agent's own words in en, sv and de (the tools' words cover proposals, results and
//! refusals).

use crate::language::Lang;

/// One phrase in the three languages.
pub fn pick(lang: Lang, en: &str, sv: &str, de: &str) -> String {
    match lang {
        Lang::En => en,
        Lang::Sv => sv,
        Lang::De => de,
    }
    .to_owned()
}

pub fn apology_other_language() -> &'static str {
    "Sorry, I can only chat in English, Swedish and German, so I'll answer in English."
}

pub fn greeting(lang: Lang) -> String {
    pick(
        lang,
        "Hi! I'm Acme Pay's assistant. I can extend a due date, register a return, open a dispute, check a refund, send a payment link or answer questions. What can I do for you?",
        "Hej! Jag är Acme Pays assistent. Jag kan förlänga ett förfallodatum, registrera en retur, öppna ett ärende mot en butik, kolla en återbetalning, skicka en betallänk eller svara på frågor. Vad kan jag hjälpa dig med?",
        "Hallo! Ich bin der Assistent von Acme Pay. Ich kann eine Frist verlängern, eine Rücksendung melden, einen Einspruch eröffnen, eine Erstattung prüfen, einen Zahlungslink senden oder Fragen beantworten. Wie kann ich helfen?",
    )
}

pub fn welcome(lang: Lang) -> String {
    pick(
        lang,
        "You're welcome! Is there anything else I can help with?",
        "Varsågod! Är det något mer jag kan hjälpa till med?",
        "Gern geschehen! Kann ich sonst noch etwas für Sie tun?",
    )
}

pub fn goodbye(lang: Lang) -> String {
    pick(
        lang,
        "Thanks for chatting with Acme Pay. Take care!",
        "Tack för att du hörde av dig till Acme Pay. Ha det bra!",
        "Danke, dass Sie Acme Pay kontaktiert haben. Alles Gute!",
    )
}

pub fn anything_else(lang: Lang) -> String {
    pick(
        lang,
        "Is there anything else I can help with?",
        "Är det något mer jag kan hjälpa till med?",
        "Kann ich sonst noch etwas für Sie tun?",
    )
}

pub fn ask_email(lang: Lang) -> String {
    pick(
        lang,
        "I can help with that. First I need to check it's you: what's the email address on your Acme Pay account? I'll send a one-time code there.",
        "Det kan jag hjälpa till med. Först behöver jag kontrollera att det är du: vilken e-postadress har du på ditt Acme Pay-konto? Jag skickar en engångskod dit.",
        "Dabei helfe ich gern. Zuerst muss ich prüfen, dass Sie es sind: Welche E-Mail-Adresse ist in Ihrem Acme-Pay-Konto hinterlegt? Ich sende Ihnen dorthin einen Einmalcode.",
    )
}

pub fn email_again(lang: Lang) -> String {
    pick(
        lang,
        "That doesn't look like an email address. Which email address is on your Acme Pay account?",
        "Det ser inte ut som en e-postadress. Vilken e-postadress har du på ditt Acme Pay-konto?",
        "Das sieht nicht wie eine E-Mail-Adresse aus. Welche E-Mail-Adresse ist in Ihrem Acme-Pay-Konto hinterlegt?",
    )
}

pub fn code_sent(lang: Lang) -> String {
    pick(
        lang,
        "If that email is on an Acme Pay account, a 6-digit code is on its way to it now. It's valid for 10 minutes. Please type the code here.",
        "Om e-postadressen finns på ett Acme Pay-konto är en 6-siffrig kod på väg dit nu. Den gäller i 10 minuter. Skriv koden här.",
        "Falls diese E-Mail-Adresse zu einem Acme-Pay-Konto gehört, ist jetzt ein 6-stelliger Code unterwegs. Er ist 10 Minuten gültig. Bitte geben Sie den Code hier ein.",
    )
}

pub fn code_again(lang: Lang) -> String {
    pick(
        lang,
        "Please type the 6-digit code from the email.",
        "Skriv den 6-siffriga koden från mejlet.",
        "Bitte geben Sie den 6-stelligen Code aus der E-Mail ein.",
    )
}

pub fn code_wrong(lang: Lang, left: u32) -> String {
    match lang {
        Lang::En => format!(
            "That code isn't right ({left} tries left). Please check the email and try again."
        ),
        Lang::Sv => {
            format!("Koden stämmer inte ({left} försök kvar). Kontrollera mejlet och försök igen.")
        }
        Lang::De => format!(
            "Der Code stimmt nicht (noch {left} Versuche). Bitte prüfen Sie die E-Mail und versuchen Sie es erneut."
        ),
    }
}

pub fn code_expired(lang: Lang) -> String {
    pick(
        lang,
        "That code has expired (codes are valid for 10 minutes). What's your email address? I'll send a new one.",
        "Koden har gått ut (koder gäller i 10 minuter). Vilken är din e-postadress? Jag skickar en ny.",
        "Der Code ist abgelaufen (Codes gelten 10 Minuten). Wie lautet Ihre E-Mail-Adresse? Ich sende einen neuen.",
    )
}

pub fn verification_locked(lang: Lang, minutes: i64) -> String {
    match lang {
        Lang::En => format!(
            "Too many wrong codes, so verification is locked for {minutes} minutes for your safety. I can connect you to a person meanwhile, or you can try again later."
        ),
        Lang::Sv => format!(
            "För många felaktiga koder, så verifieringen är spärrad i {minutes} minuter för din säkerhet. Jag kan koppla dig till en person under tiden, eller så försöker du igen senare."
        ),
        Lang::De => format!(
            "Zu viele falsche Codes: Die Verifizierung ist zu Ihrer Sicherheit {minutes} Minuten gesperrt. Ich kann Sie solange mit einer Person verbinden, oder Sie versuchen es später erneut."
        ),
    }
}

pub fn verification_unavailable(lang: Lang) -> String {
    pick(
        lang,
        "I can't verify you by email right now. Please sign in to the Acme Pay app and open the chat there, or ask for a person.",
        "Jag kan inte verifiera dig via mejl just nu. Logga in i Acme Pay-appen och öppna chatten där, eller be att få prata med en person.",
        "Ich kann Sie gerade nicht per E-Mail verifizieren. Bitte melden Sie sich in der Acme-Pay-App an und öffnen Sie dort den Chat, oder fragen Sie nach einer Person.",
    )
}

pub fn ask_order(lang: Lang) -> String {
    pick(
        lang,
        "Which order is it about?",
        "Vilken beställning gäller det?",
        "Um welche Bestellung geht es?",
    )
}

pub fn no_orders(lang: Lang) -> String {
    pick(
        lang,
        "I can't find any orders on your account.",
        "Jag hittar inga beställningar på ditt konto.",
        "Ich finde keine Bestellungen in Ihrem Konto.",
    )
}

pub fn order_not_found(lang: Lang) -> String {
    pick(
        lang,
        "I can't find that order on your account. Which of your orders is it about?",
        "Jag hittar inte den beställningen på ditt konto. Vilken av dina beställningar gäller det?",
        "Ich kann diese Bestellung in Ihrem Konto nicht finden. Um welche Ihrer Bestellungen geht es?",
    )
}

pub fn ask_reason(lang: Lang) -> String {
    pick(
        lang,
        "What went wrong with the purchase?",
        "Vad gick fel med köpet?",
        "Was ist bei dem Kauf schiefgelaufen?",
    )
}

pub fn ask_merchant_contacted(lang: Lang, merchant: &str) -> String {
    match lang {
        Lang::En => format!("Have you already contacted {merchant} about it?"),
        Lang::Sv => format!("Har du redan kontaktat {merchant} om det?"),
        Lang::De => format!("Haben Sie {merchant} schon deswegen kontaktiert?"),
    }
}

pub fn contact_merchant_first(lang: Lang, merchant: &str) -> String {
    match lang {
        Lang::En => format!(
            "For a wrong or faulty item, please contact {merchant} first: they can often replace or refund it quickly. If they don't help, come back and I'll open a dispute (within 180 days of the purchase)."
        ),
        Lang::Sv => format!(
            "Vid fel eller trasig vara behöver du först kontakta {merchant}: de kan ofta byta eller återbetala snabbt. Om de inte hjälper dig, hör av dig igen så öppnar jag ett ärende (inom 180 dagar från köpet)."
        ),
        Lang::De => format!(
            "Bei einem falschen oder defekten Artikel wenden Sie sich bitte zuerst an {merchant}: Oft wird schnell ersetzt oder erstattet. Wenn das nicht hilft, melden Sie sich wieder und ich eröffne einen Einspruch (innerhalb von 180 Tagen nach dem Kauf)."
        ),
    }
}

pub fn ask_details(lang: Lang) -> String {
    pick(
        lang,
        "Briefly, what happened? A sentence or two is enough.",
        "Berätta kort vad som hände. En mening eller två räcker.",
        "Was ist kurz gesagt passiert? Ein, zwei Sätze genügen.",
    )
}

pub fn declined(lang: Lang) -> String {
    pick(
        lang,
        "Okay, I haven't changed anything.",
        "Okej, jag har inte ändrat något.",
        "In Ordnung, ich habe nichts geändert.",
    )
}

pub fn confirm_again(lang: Lang) -> String {
    pick(
        lang,
        "Please answer yes or no: shall I go ahead?",
        "Svara ja eller nej: ska jag göra det?",
        "Bitte antworten Sie mit Ja oder Nein: Soll ich das machen?",
    )
}

pub fn not_understood(lang: Lang) -> String {
    pick(
        lang,
        "Sorry, I didn't quite get that. Could you say it in other words?",
        "Förlåt, det förstod jag inte riktigt. Kan du säga det på ett annat sätt?",
        "Entschuldigung, das habe ich nicht ganz verstanden. Können Sie es anders formulieren?",
    )
}

pub fn not_understood_offer(lang: Lang) -> String {
    pick(
        lang,
        "Sorry, I still don't understand. Would you like me to connect you to a person from our team?",
        "Förlåt, jag förstår fortfarande inte. Vill du att jag kopplar dig till en person i vårt team?",
        "Entschuldigung, ich verstehe es leider immer noch nicht. Soll ich Sie mit einer Person aus unserem Team verbinden?",
    )
}

pub fn frustration_offer(lang: Lang) -> String {
    pick(
        lang,
        "I'm sorry this has been frustrating. If you'd rather talk to a person, just say so or press the button.",
        "Jag beklagar att det här har varit frustrerande. Vill du hellre prata med en person räcker det att säga det eller trycka på knappen.",
        "Es tut mir leid, dass das so ärgerlich ist. Wenn Sie lieber mit einer Person sprechen möchten, sagen Sie es einfach oder drücken Sie den Knopf.",
    )
}

pub fn kb_intro(lang: Lang) -> String {
    pick(
        lang,
        "From our help centre:",
        "Från vårt hjälpcenter:",
        "Aus unserem Hilfe-Center:",
    )
}

pub fn kb_unsure(lang: Lang) -> String {
    pick(
        lang,
        "I'm not sure I have a good answer to that. Would you like me to connect you to a person from our team?",
        "Jag är inte säker på att jag har ett bra svar på det. Vill du att jag kopplar dig till en person i vårt team?",
        "Ich bin nicht sicher, ob ich darauf eine gute Antwort habe. Soll ich Sie mit einer Person aus unserem Team verbinden?",
    )
}

pub fn read_more(lang: Lang, url: &str) -> String {
    match lang {
        Lang::En => format!("Read more: {url}"),
        Lang::Sv => format!("Läs mer: {url}"),
        Lang::De => format!("Mehr dazu: {url}"),
    }
}

pub fn handoff_human(lang: Lang) -> String {
    pick(
        lang,
        "Of course. I'm connecting you to a person from our team now, and I've passed on what you've told me so you won't need to repeat it.",
        "Självklart. Jag kopplar dig till en person i vårt team nu och har skickat med det du har berättat, så du behöver inte upprepa något.",
        "Natürlich. Ich verbinde Sie jetzt mit einer Person aus unserem Team und habe weitergegeben, was Sie mir gesagt haben, damit Sie nichts wiederholen müssen.",
    )
}

pub fn handoff_fraud(lang: Lang) -> String {
    pick(
        lang,
        "I'm sorry, that sounds serious. I'm connecting you to our fraud team right away with urgent priority. Meanwhile, please don't pay the order in question, and change your Acme Pay password if you think someone else has it. Never share card details or codes with anyone.",
        "Det låter allvarligt, och jag beklagar. Jag kopplar dig direkt till vårt bedrägeriteam med högsta prioritet. Betala inte den aktuella beställningen under tiden, och byt lösenord till Acme Pay om du tror att någon annan har det. Dela aldrig kortuppgifter eller koder med någon.",
        "Das klingt ernst, das tut mir leid. Ich verbinde Sie sofort und mit höchster Priorität mit unserem Betrugsteam. Bitte bezahlen Sie die betroffene Bestellung in der Zwischenzeit nicht und ändern Sie Ihr Acme-Pay-Passwort, falls jemand anderes es kennen könnte. Geben Sie niemals Kartendaten oder Codes weiter.",
    )
}

pub fn handoff_vulnerable(lang: Lang) -> String {
    pick(
        lang,
        "I'm really sorry to hear that, and thank you for telling us. I'm connecting you to a colleague from our support team who can look at the options with you. Nothing will be sent to collections while we talk.",
        "Vad tråkigt att höra, och tack för att du berättar det för oss. Jag kopplar dig till en kollega i vårt supportteam som kan gå igenom möjligheterna med dig. Inget skickas till inkasso medan vi pratar.",
        "Das tut mir sehr leid, und danke, dass Sie es uns sagen. Ich verbinde Sie mit einer Kollegin aus unserem Support-Team, die die Möglichkeiten mit Ihnen durchgeht. Solange wir sprechen, wird nichts an ein Inkassobüro gegeben.",
    )
}

pub fn handoff_policy(lang: Lang) -> String {
    pick(
        lang,
        "That's something a person from our team needs to decide, so I'm connecting you now and passing on everything you've told me.",
        "Det är något som en person i vårt team behöver avgöra, så jag kopplar dig dit nu och skickar med allt du har berättat.",
        "Darüber muss eine Person aus unserem Team entscheiden. Ich verbinde Sie jetzt und gebe alles weiter, was Sie mir gesagt haben.",
    )
}

pub fn handoff_not_understood(lang: Lang) -> String {
    pick(
        lang,
        "I'm sorry I couldn't help. I'm connecting you to a person from our team now.",
        "Förlåt att jag inte kunde hjälpa till. Jag kopplar dig till en person i vårt team nu.",
        "Es tut mir leid, dass ich nicht helfen konnte. Ich verbinde Sie jetzt mit einer Person aus unserem Team.",
    )
}

pub fn offer_person_after_refusal(lang: Lang) -> String {
    pick(
        lang,
        "If that doesn't work for you, I can connect you to a person from our team.",
        "Om det inte fungerar för dig kan jag koppla dig till en person i vårt team.",
        "Wenn das für Sie nicht passt, kann ich Sie mit einer Person aus unserem Team verbinden.",
    )
}

pub fn injection_notice(lang: Lang) -> String {
    pick(
        lang,
        "I can't change how I work or skip a confirmation because of instructions in a message: every change to your account needs your yes to a message that says exactly what will happen.",
        "Jag kan inte ändra hur jag arbetar eller hoppa över en bekräftelse på grund av instruktioner i ett meddelande: varje ändring på ditt konto kräver ditt ja till ett meddelande som säger exakt vad som kommer att hända.",
        "Ich kann meine Arbeitsweise nicht wegen Anweisungen in einer Nachricht ändern oder eine Bestätigung überspringen: Jede Änderung an Ihrem Konto braucht Ihr Ja zu einer Nachricht, die genau sagt, was passiert.",
    )
}

/// Quick-reply labels.
pub fn yes(lang: Lang) -> String {
    pick(lang, "Yes", "Ja", "Ja")
}
pub fn no(lang: Lang) -> String {
    pick(lang, "No", "Nej", "Nein")
}
pub fn talk_to_person(lang: Lang) -> String {
    pick(
        lang,
        "Talk to a person",
        "Prata med en person",
        "Mit einer Person sprechen",
    )
}
pub fn reason_label(lang: Lang, code: &str) -> String {
    match code {
        "not_received" => pick(lang, "Never arrived", "Kom aldrig fram", "Nie angekommen"),
        "wrong_item" => pick(lang, "Wrong item", "Fel vara", "Falscher Artikel"),
        "faulty_item" => pick(
            lang,
            "Faulty or broken",
            "Trasig eller felaktig",
            "Defekt oder kaputt",
        ),
        "charged_twice" => pick(
            lang,
            "Charged twice",
            "Debiterad två gånger",
            "Doppelt belastet",
        ),
        _ => pick(
            lang,
            "I didn't make this purchase",
            "Jag har inte gjort köpet",
            "Ich habe das nicht gekauft",
        ),
    }
}
