//! What the customer is told, in their language (en, sv, de; English otherwise): the
//! exact words of a proposal (P5), of a done action, and of a refusal with its rule.

use tandem_domain::Money;
use tandem_domain::ledger::rules::{
    DisputeOpening, Extension, PaymentLink, RETURN_PAUSE_DAYS, RefundReport, Refusal,
    RefusalReason, ReturnReport, SURPLUS_BUSINESS_DAYS,
};
use tandem_domain::ledger::{DisputeReason, OrderStatus};
use time::Date;

use crate::request::OrderView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Sv,
    De,
}

impl Lang {
    /// From a language tag such as `sv` or `de-AT`.
    pub fn from_tag(tag: &str) -> Lang {
        match tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str()
        {
            "sv" => Lang::Sv,
            "de" => Lang::De,
            _ => Lang::En,
        }
    }

    fn pick(self, en: String, sv: String, de: String) -> String {
        match self {
            Lang::En => en,
            Lang::Sv => sv,
            Lang::De => de,
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

pub fn date(lang: Lang, d: Date) -> String {
    let m = d.month() as usize - 1;
    match lang {
        Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
        Lang::Sv => format!("{} {} {}", d.day(), MONTHS_SV[m], d.year()),
        Lang::De => format!("{}. {} {}", d.day(), MONTHS_DE[m], d.year()),
    }
}

pub fn money(m: Money) -> String {
    m.to_string()
}

/// "your Zalando order ORD-1001"
pub fn order_name(lang: Lang, v: &OrderView) -> String {
    let (m, id) = (&v.merchant.name, v.order.id.as_str());
    lang.pick(
        format!("your {m} order {id}"),
        format!("din beställning {id} från {m}"),
        format!("Ihre {m}-Bestellung {id}"),
    )
}

pub fn propose_extension(lang: Lang, v: &OrderView, e: &Extension) -> String {
    let (o, a, from, to) = (
        order_name(lang, v),
        money(e.amount),
        date(lang, e.from),
        date(lang, e.to),
    );
    lang.pick(
        format!("I can move the payment of {a} for {o} from {from} to {to}. It's free, and each order can be extended once. Shall I do that?"),
        format!("Jag kan flytta betalningen på {a} för {o} från {from} till {to}. Det är gratis, och varje beställning kan förlängas en gång. Ska jag göra det?"),
        format!("Ich kann die Zahlung von {a} für {o} vom {from} auf den {to} verschieben. Das ist kostenlos und pro Bestellung einmal möglich. Soll ich das machen?"),
    )
}

pub fn propose_return(lang: Lang, v: &OrderView, r: &ReturnReport) -> String {
    let (o, until) = (order_name(lang, v), date(lang, r.paused_until));
    lang.pick(
        format!("I can register the return of {o} and pause its unpaid payments for {RETURN_PAUSE_DAYS} days, until {until}, while {m} receives it. Shall I do that?", m = v.merchant.name),
        format!("Jag kan registrera returen av {o} och pausa de obetalda betalningarna i {RETURN_PAUSE_DAYS} dagar, till {until}, medan {m} tar emot den. Ska jag göra det?", m = v.merchant.name),
        format!("Ich kann die Rücksendung von {o} registrieren und die offenen Zahlungen {RETURN_PAUSE_DAYS} Tage lang, bis zum {until}, pausieren, während {m} sie erhält. Soll ich das machen?", m = v.merchant.name),
    )
}

fn reason_words(lang: Lang, r: DisputeReason) -> &'static str {
    match (lang, r) {
        (Lang::En, DisputeReason::NotReceived) => "the item never arrived",
        (Lang::En, DisputeReason::WrongItem) => "you received the wrong item",
        (Lang::En, DisputeReason::FaultyItem) => "the item is faulty",
        (Lang::En, DisputeReason::ChargedTwice) => "you were charged twice",
        (Lang::En, DisputeReason::Unauthorized) => "you did not make this purchase",
        (Lang::Sv, DisputeReason::NotReceived) => "varan kom aldrig fram",
        (Lang::Sv, DisputeReason::WrongItem) => "du fick fel vara",
        (Lang::Sv, DisputeReason::FaultyItem) => "varan är trasig",
        (Lang::Sv, DisputeReason::ChargedTwice) => "du debiterades två gånger",
        (Lang::Sv, DisputeReason::Unauthorized) => "du inte gjorde köpet",
        (Lang::De, DisputeReason::NotReceived) => "die Ware nie angekommen ist",
        (Lang::De, DisputeReason::WrongItem) => "Sie den falschen Artikel erhalten haben",
        (Lang::De, DisputeReason::FaultyItem) => "der Artikel defekt ist",
        (Lang::De, DisputeReason::ChargedTwice) => "Ihnen doppelt berechnet wurde",
        (Lang::De, DisputeReason::Unauthorized) => "Sie diesen Kauf nicht getätigt haben",
    }
}

pub fn propose_dispute(lang: Lang, v: &OrderView, d: &DisputeOpening) -> String {
    let (o, why, a) = (
        order_name(lang, v),
        reason_words(lang, d.reason),
        money(d.amount),
    );
    lang.pick(
        format!("I can open a dispute for {o} ({a}) because {why}. While it is open, all unpaid payments of the order are paused and we ask {m} for their side. Shall I open it?", m = v.merchant.name),
        format!("Jag kan öppna ett ärende om {o} ({a}) eftersom {why}. Medan ärendet är öppet pausas alla obetalda betalningar för beställningen och vi ber {m} om deras svar. Ska jag öppna det?", m = v.merchant.name),
        format!("Ich kann für {o} ({a}) einen Einspruch eröffnen, weil {why}. Solange er offen ist, sind alle offenen Zahlungen der Bestellung pausiert und wir fragen {m} nach ihrer Sicht. Soll ich ihn eröffnen?", m = v.merchant.name),
    )
}

pub fn propose_payment_link(lang: Lang, v: &OrderView, l: &PaymentLink) -> String {
    let (o, a, due) = (order_name(lang, v), money(l.amount), date(lang, l.due));
    lang.pick(
        format!("I can send you a secure link to pay payment {n} of {o}: {a}, due {due}. You pay on our payment page, never in this chat. Shall I send it?", n = l.installment),
        format!("Jag kan skicka en säker länk för att betala delbetalning {n} för {o}: {a}, förfaller {due}. Du betalar på vår betalsida, aldrig i chatten. Ska jag skicka den?", n = l.installment),
        format!("Ich kann Ihnen einen sicheren Link zur Zahlung der Rate {n} für {o} senden: {a}, fällig am {due}. Sie zahlen auf unserer Zahlungsseite, nie im Chat. Soll ich ihn senden?", n = l.installment),
    )
}

pub fn propose_deletion(lang: Lang) -> String {
    lang.pick(
        "You have no outstanding balance, so I can file a request to delete your account and data. A colleague reviews it and you get an email when it is done; this cannot be undone. Shall I file it?".into(),
        "Du har inget utestående saldo, så jag kan skicka en begäran om att radera ditt konto och dina uppgifter. En kollega granskar den och du får ett mejl när det är klart; det går inte att ångra. Ska jag skicka den?".into(),
        "Sie haben keinen offenen Betrag, daher kann ich einen Antrag auf Löschung Ihres Kontos und Ihrer Daten stellen. Eine Kollegin prüft ihn und Sie erhalten eine E-Mail, sobald er erledigt ist; das lässt sich nicht rückgängig machen. Soll ich ihn stellen?".into(),
    )
}

pub fn done(
    lang: Lang,
    tool: crate::Tool,
    v: Option<&OrderView>,
    result: &serde_json::Value,
) -> String {
    use crate::Tool::*;
    let o = v.map(|v| order_name(lang, v)).unwrap_or_default();
    let field = |k: &str| {
        result
            .get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let day = |k: &str| {
        time::Date::parse(
            &field(k),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(|d| date(lang, d))
        .unwrap_or_else(|_| field(k))
    };
    match tool {
        ExtendDueDate => lang.pick(
            format!("Done: the payment for {o} is now due on {}.", day("due")),
            format!("Klart: betalningen för {o} förfaller nu {}.", day("due")),
            format!("Erledigt: die Zahlung für {o} ist jetzt am {} fällig.", day("due")),
        ),
        ReportReturn => lang.pick(
            format!("Done: the return of {o} is registered and its payments are paused until {}.", day("paused_until")),
            format!("Klart: returen av {o} är registrerad och betalningarna är pausade till {}.", day("paused_until")),
            format!("Erledigt: die Rücksendung von {o} ist registriert und die Zahlungen sind bis zum {} pausiert.", day("paused_until")),
        ),
        OpenDispute => lang.pick(
            format!("Done: the dispute for {o} is open and its payments are paused. We'll contact the merchant and update you by email."),
            format!("Klart: ärendet om {o} är öppnat och betalningarna är pausade. Vi kontaktar handlaren och hör av oss via mejl."),
            format!("Erledigt: der Einspruch für {o} ist eröffnet und die Zahlungen sind pausiert. Wir kontaktieren den Händler und melden uns per E-Mail."),
        ),
        SendPaymentLink => lang.pick(
            format!("Here is your secure payment link: {}", field("url")),
            format!("Här är din säkra betallänk: {}", field("url")),
            format!("Hier ist Ihr sicherer Zahlungslink: {}", field("url")),
        ),
        RequestAccountDeletion => lang.pick(
            "Done: your deletion request is filed. A colleague reviews it and you'll get an email when your account is deleted.".into(),
            "Klart: din begäran om radering är skickad. En kollega granskar den och du får ett mejl när kontot är raderat.".into(),
            "Erledigt: Ihr Löschantrag ist gestellt. Eine Kollegin prüft ihn und Sie erhalten eine E-Mail, sobald Ihr Konto gelöscht ist.".into(),
        ),
        LookupOrders | GetOrder | RefundStatus => String::new(),
    }
}

pub fn refund_status(lang: Lang, v: &OrderView, r: &RefundReport) -> String {
    let o = order_name(lang, v);
    if r.refunds.is_empty() {
        return lang.pick(
            format!("There is no refund registered for {o} yet. Once {m} registers it, it reduces what you owe first.", m = v.merchant.name),
            format!("Det finns ingen återbetalning registrerad för {o} än. När {m} registrerar den minskar den först det du är skyldig.", m = v.merchant.name),
            format!("Für {o} ist noch keine Erstattung registriert. Sobald {m} sie registriert, verringert sie zuerst Ihren offenen Betrag.", m = v.merchant.name),
        );
    }
    let (total, applied, surplus, left) = (
        money(r.refunded),
        money(r.applied_to_balance),
        money(r.surplus),
        money(r.remaining),
    );
    let last = r
        .refunds
        .iter()
        .map(|x| x.created_at)
        .max()
        .map(|d| date(lang, d))
        .unwrap_or_default();
    let (lo, hi) = SURPLUS_BUSINESS_DAYS;
    let mut text = lang.pick(
        format!("Yes: {m} registered a refund of {total} for {o} on {last}. It reduced your remaining balance by {applied}; you now owe {left} on this order.", m = v.merchant.name),
        format!("Ja: {m} registrerade en återbetalning på {total} för {o} den {last}. Den minskade ditt återstående saldo med {applied}; du är nu skyldig {left} för beställningen.", m = v.merchant.name),
        format!("Ja: {m} hat am {last} eine Erstattung von {total} für {o} registriert. Sie hat Ihren offenen Betrag um {applied} verringert; Sie schulden für diese Bestellung nun {left}.", m = v.merchant.name),
    );
    if r.surplus.minor() > 0 {
        text.push(' ');
        text.push_str(&lang.pick(
            format!("The remaining {surplus} goes back to your original payment method within {lo}-{hi} business days."),
            format!("Resterande {surplus} betalas tillbaka till ditt ursprungliga betalsätt inom {lo}-{hi} bankdagar."),
            format!("Die restlichen {surplus} gehen innerhalb von {lo}-{hi} Werktagen auf Ihr ursprüngliches Zahlungsmittel zurück."),
        ));
    }
    text
}

fn status_words(lang: Lang, s: OrderStatus) -> &'static str {
    match (lang, s) {
        (Lang::En, OrderStatus::Cancelled) => "cancelled",
        (Lang::En, OrderStatus::Refunded) => "refunded",
        (Lang::En, _) => "closed",
        (Lang::Sv, OrderStatus::Cancelled) => "avbruten",
        (Lang::Sv, OrderStatus::Refunded) => "återbetald",
        (Lang::Sv, _) => "avslutad",
        (Lang::De, OrderStatus::Cancelled) => "storniert",
        (Lang::De, OrderStatus::Refunded) => "erstattet",
        (Lang::De, _) => "abgeschlossen",
    }
}

/// A refusal in plain words, with the reason behind it.
pub fn refusal(lang: Lang, r: &Refusal, v: Option<&OrderView>) -> String {
    use RefusalReason::*;
    let o = v.map(|v| order_name(lang, v)).unwrap_or_else(|| {
        lang.pick(
            "this order".into(),
            "den här beställningen".into(),
            "diese Bestellung".into(),
        )
    });
    let t = |en: String, sv: String, de: String| lang.pick(en, sv, de);
    match &r.reason {
        NotVerified => t(
            "I need to confirm it's you before I can look at your account. I can send a one-time code to the email address on your account.".into(),
            "Jag behöver bekräfta att det är du innan jag kan titta på ditt konto. Jag kan skicka en engångskod till e-postadressen på ditt konto.".into(),
            "Ich muss zuerst bestätigen, dass Sie es sind, bevor ich Ihr Konto ansehen kann. Ich kann einen Einmalcode an die E-Mail-Adresse Ihres Kontos senden.".into(),
        ),
        OrderNotFound => t(
            "I can't find that order on your account.".into(),
            "Jag hittar inte den beställningen på ditt konto.".into(),
            "Ich kann diese Bestellung in Ihrem Konto nicht finden.".into(),
        ),
        AlreadyExtended => t(
            format!("{o} has already been extended once, and each order can be extended only once."),
            format!("{o} har redan förlängts en gång, och varje beställning kan bara förlängas en gång."),
            format!("{o} wurde bereits einmal verlängert, und jede Bestellung kann nur einmal verlängert werden."),
        ),
        Overdue => t(
            format!("I can't extend {o} because a payment is already overdue. Paying the overdue amount stops further fees; I can send you a payment link."),
            format!("Jag kan inte förlänga {o} eftersom en betalning redan är försenad. Om du betalar det försenade beloppet undviker du fler avgifter; jag kan skicka en betallänk."),
            format!("Ich kann {o} nicht verlängern, weil eine Zahlung bereits überfällig ist. Wenn Sie den überfälligen Betrag zahlen, vermeiden Sie weitere Gebühren; ich kann Ihnen einen Zahlungslink senden."),
        ),
        InCollections => t(
            format!("{o} is with our collections team, so I can't change its payments here. A colleague can help you with a plan."),
            format!("{o} hanteras av vårt inkassoteam, så jag kan inte ändra betalningarna här. En kollega kan hjälpa dig med en plan."),
            format!("{o} liegt bei unserem Inkasso-Team, daher kann ich die Zahlungen hier nicht ändern. Eine Kollegin kann Ihnen mit einem Plan helfen."),
        ),
        Disputed => t(
            format!("{o} has an open dispute, so its payments are already paused and can't be changed until it is resolved."),
            format!("{o} har ett öppet ärende, så betalningarna är redan pausade och kan inte ändras förrän det är löst."),
            format!("Für {o} läuft ein Einspruch, daher sind die Zahlungen bereits pausiert und können bis zur Klärung nicht geändert werden."),
        ),
        PaidOff => t(format!("{o} is fully paid, so there is nothing left to move."), format!("{o} är helt betald, så det finns inget kvar att flytta."), format!("{o} ist vollständig bezahlt, es gibt nichts mehr zu verschieben.")),
        NotActive(s) => t(
            format!("{o} is {}, so that isn't possible.", status_words(lang, *s)),
            format!("{o} är {}, så det går inte.", status_words(lang, *s)),
            format!("{o} ist {}, daher ist das nicht möglich.", status_words(lang, *s)),
        ),
        ReturnAlreadyReported => t(format!("A return for {o} is already registered."), format!("En retur för {o} är redan registrerad."), format!("Für {o} ist bereits eine Rücksendung registriert.")),
        NotDelivered => t(
            format!("{o} hasn't been delivered yet, so a return can't be registered. If it never arrives, I can help you open a dispute."),
            format!("{o} har inte levererats än, så en retur kan inte registreras. Om den aldrig kommer kan jag hjälpa dig att öppna ett ärende."),
            format!("{o} wurde noch nicht geliefert, daher kann keine Rücksendung registriert werden. Falls sie nie ankommt, kann ich einen Einspruch eröffnen."),
        ),
        ReturnWindowClosed { closed_on } => t(
            format!("The merchant's return window for {o} closed on {}, so I can't register a return. The merchant may still accept it; please contact them.", date(lang, *closed_on)),
            format!("Handlarens returperiod för {o} gick ut {}, så jag kan inte registrera en retur. Handlaren kan ändå godta den; kontakta dem gärna.", date(lang, *closed_on)),
            format!("Die Rückgabefrist des Händlers für {o} endete am {}, daher kann ich keine Rücksendung registrieren. Der Händler nimmt sie vielleicht trotzdem an; bitte kontaktieren Sie ihn.", date(lang, *closed_on)),
        ),
        DisputeWindowClosed { closed_on } => t(
            format!("Disputes can be opened within 180 days of purchase; for {o} that was until {}.", date(lang, *closed_on)),
            format!("Ärenden kan öppnas inom 180 dagar från köpet; för {o} var det till {}.", date(lang, *closed_on)),
            format!("Einsprüche sind innerhalb von 180 Tagen nach dem Kauf möglich; für {o} war das bis zum {}.", date(lang, *closed_on)),
        ),
        ContactMerchantFirst { merchant, support_email } => t(
            format!("For a wrong or faulty item, please contact {merchant} first ({support_email}); they usually fix it fastest. If they don't help, come back and I'll open a dispute."),
            format!("Vid fel eller trasig vara, kontakta {merchant} först ({support_email}); de löser det oftast snabbast. Om de inte hjälper, kom tillbaka så öppnar jag ett ärende."),
            format!("Bei einem falschen oder defekten Artikel wenden Sie sich bitte zuerst an {merchant} ({support_email}); dort geht es meist am schnellsten. Wenn das nicht hilft, eröffne ich einen Einspruch."),
        ),
        DisputeAlreadyOpen => t(format!("There is already an open dispute for {o}."), format!("Det finns redan ett öppet ärende för {o}."), format!("Für {o} gibt es bereits einen offenen Einspruch.")),
        DisputeOverLimit { limit } => t(
            format!("Disputes over {} are handled by our dispute specialists, so I'm passing {o} to a colleague with everything you told me.", money(*limit)),
            format!("Ärenden över {} hanteras av våra specialister, så jag lämnar över {o} till en kollega med allt du berättat.", money(*limit)),
            format!("Einsprüche über {} bearbeiten unsere Spezialisten, daher gebe ich {o} mit allem, was Sie mir gesagt haben, an eine Kollegin weiter.", money(*limit)),
        ),
        FraudNeedsSpecialist => t(
            "A purchase you didn't make is handled by our fraud team right away. I'm connecting you with them now.".into(),
            "Ett köp du inte har gjort hanteras direkt av vårt bedrägeriteam. Jag kopplar dig till dem nu.".into(),
            "Ein Kauf, den Sie nicht getätigt haben, wird sofort von unserem Betrugsteam bearbeitet. Ich verbinde Sie jetzt.".into(),
        ),
        NothingToPay => t(format!("There is nothing left to pay on {o}."), format!("Det finns inget kvar att betala för {o}."), format!("Für {o} ist nichts mehr zu bezahlen.")),
        OutstandingBalance { amount } => t(
            format!("I can't delete your account while there is an outstanding balance ({}). Once everything is paid, I can file the deletion request.", money(*amount)),
            format!("Jag kan inte radera ditt konto medan det finns ett utestående saldo ({}). När allt är betalt kan jag skicka begäran om radering.", money(*amount)),
            format!("Ich kann Ihr Konto nicht löschen, solange ein offener Betrag besteht ({}). Sobald alles bezahlt ist, kann ich den Löschantrag stellen.", money(*amount)),
        ),
        FeeWaiverNeedsPerson => t(
            "I can't waive fees myself, but a colleague can look at it. I'm passing your request on.".into(),
            "Jag kan inte ta bort avgifter själv, men en kollega kan titta på det. Jag skickar vidare din begäran.".into(),
            "Ich kann Gebühren nicht selbst erlassen, aber eine Kollegin kann das prüfen. Ich leite Ihre Anfrage weiter.".into(),
        ),
        NotConfirmed => t(
            "I didn't get a clear yes to that, so I haven't changed anything.".into(),
            "Jag fick inget tydligt ja till det, så jag har inte ändrat något.".into(),
            "Ich habe dazu kein klares Ja erhalten, daher habe ich nichts geändert.".into(),
        ),
        ChangedMeanwhile => t(
            format!("{o} changed in the meantime, so I haven't done anything yet. Let me check it again."),
            format!("{o} har ändrats under tiden, så jag har inte gjort något än. Jag kollar igen."),
            format!("{o} hat sich inzwischen geändert, daher habe ich noch nichts gemacht. Ich prüfe es noch einmal."),
        ),
    }
}
