// tandem customer chat widget.
//
// Embed with one tag:
//   <script type="module" src="https://support.example.com/widget.js"
//           data-customer-token="<JWT from your login, optional>" data-language="en"></script>
//
// or place the element yourself (the script still has to be loaded once):
//   <tandem-chat customer-token="..." language="sv"></tandem-chat>
//
// Changing the `customer-token` attribute at runtime switches to that customer's
// conversation (a new one unless this browser already has one for them).
// Theme with CSS custom properties on the element, e.g.
//   tandem-chat { --tandem-accent: #0b5cad; }
//
// Plain ES module, no dependencies, no build step. All user and server text is
// rendered with textContent / text nodes, never parsed as HTML.

const API_BASE = new URL("./", import.meta.url);
const MAX_TEXT = 4000;
const COUNTER_FROM = 3500;
const TYPING_MS = 5000;
const STORAGE_PREFIX = "tandem.chat.v1:";
const QUEUE_POLL_MS = 5000;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// ---------------------------------------------------------------------------
// UI strings (the conversation itself is answered in the customer's language
// by the server; these are the widget's own labels).

const STRINGS = {
  en: {
    title: "Chat with us",
    subtitle: "Write to us here. A person is always one click away.",
    openChat: "Open chat",
    closeChat: "Close chat",
    message: "Message",
    placeholder: "Type your message…",
    placeholderClosed: "This chat has ended.",
    send: "Send",
    human: "Talk to a person",
    humanQueued: "A person will join soon",
    humanAssigned: "You're chatting with a person",
    end: "End chat",
    you: "You",
    ai: "Assistant",
    agent: "Support agent",
    system: "Notice",
    sending: "Sending…",
    notSent: "Not sent.",
    retry: "Retry",
    connecting: "Connecting…",
    reconnecting: "Reconnecting…",
    offline: "You're offline. We'll reconnect when you're back.",
    typingAi: "The assistant is typing…",
    typingAgent: "An agent is typing…",
    intro: "Hi! Ask about your orders, payments, refunds or your account.",
    handoff: "We've asked a person from our team to join this chat.",
    assigned: "A person from our team has joined the chat.",
    closed: "This chat has ended.",
    csatDone: (n) => `You rated this chat ${n} out of 5. Thank you!`,
    csatTitle: "How was this chat?",
    csatStar: (n) => `${n} out of 5 stars`,
    csatComment: "Anything you'd like to add? (optional)",
    csatSubmit: "Send rating",
    csatPick: "Choose 1 to 5 stars first.",
    newChat: "Start a new chat",
    counter: (n) => `${n} / ${MAX_TEXT} characters`,
    tooLong: `Messages can be at most ${MAX_TEXT} characters.`,
    rateLimited: "You're sending messages very quickly. We'll retry in a moment.",
    chatEnded: "This chat has ended. Start a new chat to write to us again.",
    sessionExpired: "This chat session is no longer available. Starting a new chat…",
    genericError: "Something went wrong. Please try again.",
    networkError: "We couldn't reach the server. Check your connection and try again.",
    unread: (n) => `${n} new ${n === 1 ? "message" : "messages"}`,
    at: "at",
    queueChecking: "Checking your place in the queue…",
    wait: (secs) => {
      const m = Math.max(1, Math.ceil(secs / 60));
      return m === 1 ? "a minute" : `${m} minutes`;
    },
    queuePosition: (n, wait) =>
      n <= 1 ? `You are next in the queue (number 1), about ${wait}.` : `You are number ${n} in the queue, about ${wait}.`,
    queueWait: (wait) => `You are in the queue, about ${wait}.`,
    nobodyAvailable: "Nobody from our team is available right now.",
    backAt: (when) => `The team is back ${when}.`,
    openingToday: (time) => `today at ${time}`,
    openingTomorrow: (time) => `tomorrow at ${time}`,
    openingOn: (date, time) => `on ${date} at ${time}`,
    followUpLabel: "Can't wait? Leave your email and we'll get back to you.",
    followUpEmail: "Your email",
    followUpSave: "Save",
    followUpSaved: (email) => `Thanks! We'll follow up at ${email} if we miss you here.`,
    followUpInvalid: "Please enter a valid email address.",
  },
  sv: {
    title: "Chatta med oss",
    subtitle: "Skriv till oss här. En person finns alltid ett klick bort.",
    openChat: "Öppna chatten",
    closeChat: "Stäng chatten",
    message: "Meddelande",
    placeholder: "Skriv ditt meddelande…",
    placeholderClosed: "Chatten är avslutad.",
    send: "Skicka",
    human: "Prata med en person",
    humanQueued: "En person ansluter snart",
    humanAssigned: "Du chattar med en person",
    end: "Avsluta chatten",
    you: "Du",
    ai: "Assistent",
    agent: "Handläggare",
    system: "Meddelande",
    sending: "Skickar…",
    notSent: "Inte skickat.",
    retry: "Försök igen",
    connecting: "Ansluter…",
    reconnecting: "Återansluter…",
    offline: "Du är offline. Vi ansluter igen när du är tillbaka.",
    typingAi: "Assistenten skriver…",
    typingAgent: "En handläggare skriver…",
    intro: "Hej! Fråga om dina köp, betalningar, återbetalningar eller ditt konto.",
    handoff: "Vi har bett en person i vårt team att ansluta till chatten.",
    assigned: "En person från vårt team har anslutit till chatten.",
    closed: "Chatten är avslutad.",
    csatDone: (n) => `Du gav chatten ${n} av 5. Tack!`,
    csatTitle: "Hur var chatten?",
    csatStar: (n) => `${n} av 5 stjärnor`,
    csatComment: "Något du vill tillägga? (valfritt)",
    csatSubmit: "Skicka betyg",
    csatPick: "Välj först 1 till 5 stjärnor.",
    newChat: "Starta en ny chatt",
    counter: (n) => `${n} / ${MAX_TEXT} tecken`,
    tooLong: `Ett meddelande får vara högst ${MAX_TEXT} tecken.`,
    rateLimited: "Du skickar väldigt snabbt. Vi försöker igen om en stund.",
    chatEnded: "Chatten är avslutad. Starta en ny chatt för att skriva till oss igen.",
    sessionExpired: "Chatten är inte längre tillgänglig. Startar en ny chatt…",
    genericError: "Något gick fel. Försök igen.",
    networkError: "Vi når inte servern. Kontrollera anslutningen och försök igen.",
    unread: (n) => `${n} ${n === 1 ? "nytt meddelande" : "nya meddelanden"}`,
    at: "kl.",
    queueChecking: "Kontrollerar din plats i kön…",
    wait: (secs) => {
      const m = Math.max(1, Math.ceil(secs / 60));
      return m === 1 ? "en minut" : `${m} minuter`;
    },
    queuePosition: (n, wait) =>
      n <= 1 ? `Du är näst på tur (nummer 1), cirka ${wait}.` : `Du är nummer ${n} i kön, cirka ${wait}.`,
    queueWait: (wait) => `Du står i kön, cirka ${wait}.`,
    nobodyAvailable: "Ingen i vårt team är tillgänglig just nu.",
    backAt: (when) => `Teamet är tillbaka ${when}.`,
    openingToday: (time) => `i dag kl. ${time}`,
    openingTomorrow: (time) => `i morgon kl. ${time}`,
    openingOn: (date, time) => `${date} kl. ${time}`,
    followUpLabel: "Kan du inte vänta? Lämna din e-postadress så hör vi av oss.",
    followUpEmail: "Din e-postadress",
    followUpSave: "Spara",
    followUpSaved: (email) => `Tack! Vi hör av oss till ${email} om vi missar dig här.`,
    followUpInvalid: "Ange en giltig e-postadress.",
  },
  de: {
    title: "Chatten Sie mit uns",
    subtitle: "Schreiben Sie uns hier. Ein Mensch ist immer nur einen Klick entfernt.",
    openChat: "Chat öffnen",
    closeChat: "Chat schließen",
    message: "Nachricht",
    placeholder: "Ihre Nachricht…",
    placeholderClosed: "Dieser Chat ist beendet.",
    send: "Senden",
    human: "Mit einem Menschen sprechen",
    humanQueued: "Gleich meldet sich jemand",
    humanAssigned: "Sie chatten mit einem Menschen",
    end: "Chat beenden",
    you: "Sie",
    ai: "Assistent",
    agent: "Kundenservice",
    system: "Hinweis",
    sending: "Wird gesendet…",
    notSent: "Nicht gesendet.",
    retry: "Erneut versuchen",
    connecting: "Verbinde…",
    reconnecting: "Verbindung wird wiederhergestellt…",
    offline: "Sie sind offline. Wir verbinden uns neu, sobald Sie wieder online sind.",
    typingAi: "Der Assistent schreibt…",
    typingAgent: "Ein Mitarbeiter schreibt…",
    intro: "Hallo! Fragen Sie zu Bestellungen, Zahlungen, Erstattungen oder Ihrem Konto.",
    handoff: "Wir haben eine Person aus unserem Team gebeten, dem Chat beizutreten.",
    assigned: "Eine Person aus unserem Team ist dem Chat beigetreten.",
    closed: "Dieser Chat ist beendet.",
    csatDone: (n) => `Sie haben diesen Chat mit ${n} von 5 bewertet. Danke!`,
    csatTitle: "Wie war dieser Chat?",
    csatStar: (n) => `${n} von 5 Sternen`,
    csatComment: "Möchten Sie etwas ergänzen? (optional)",
    csatSubmit: "Bewertung senden",
    csatPick: "Bitte wählen Sie zuerst 1 bis 5 Sterne.",
    newChat: "Neuen Chat starten",
    counter: (n) => `${n} / ${MAX_TEXT} Zeichen`,
    tooLong: `Nachrichten dürfen höchstens ${MAX_TEXT} Zeichen lang sein.`,
    rateLimited: "Sie senden sehr schnell. Wir versuchen es gleich erneut.",
    chatEnded: "Dieser Chat ist beendet. Starten Sie einen neuen Chat, um uns zu schreiben.",
    sessionExpired: "Dieser Chat ist nicht mehr verfügbar. Ein neuer Chat wird gestartet…",
    genericError: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
    networkError: "Der Server ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung.",
    unread: (n) => `${n} ${n === 1 ? "neue Nachricht" : "neue Nachrichten"}`,
    at: "um",
    queueChecking: "Ihr Platz in der Warteschlange wird geprüft…",
    wait: (secs) => {
      const m = Math.max(1, Math.ceil(secs / 60));
      return m === 1 ? "eine Minute" : `${m} Minuten`;
    },
    queuePosition: (n, wait) =>
      n <= 1
        ? `Sie sind als Nächstes an der Reihe (Nummer 1), etwa ${wait}.`
        : `Sie sind Nummer ${n} in der Warteschlange, etwa ${wait}.`,
    queueWait: (wait) => `Sie sind in der Warteschlange, etwa ${wait}.`,
    nobodyAvailable: "Gerade ist niemand aus unserem Team erreichbar.",
    backAt: (when) => `Das Team ist ${when} wieder da.`,
    openingToday: (time) => `heute um ${time}`,
    openingTomorrow: (time) => `morgen um ${time}`,
    openingOn: (date, time) => `am ${date} um ${time}`,
    followUpLabel: "Keine Zeit zu warten? Hinterlassen Sie Ihre E-Mail-Adresse, wir melden uns.",
    followUpEmail: "Ihre E-Mail-Adresse",
    followUpSave: "Speichern",
    followUpSaved: (email) => `Danke! Wir melden uns unter ${email}, falls wir Sie hier verpassen.`,
    followUpInvalid: "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
  },
};

const LANGUAGE_TAG = /^[a-zA-Z]{2,3}([-_][a-zA-Z]{2})?$/;

function primaryLanguage(tag) {
  return String(tag || "").trim().toLowerCase().split(/[-_]/)[0];
}

// ---------------------------------------------------------------------------
// Small helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c != null) el.append(c);
  return el;
}

function newClientMsgId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // Fallback for non-secure contexts (plain http on a LAN address).
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The storage key identifies the customer, not the exact token: a host app mints
// a fresh token per login/page view, but it's the same person and conversation.
// The token is not verified here (the server does that); we only read `sub`.
function identityKey(customerToken) {
  if (!customerToken) return "anonymous";
  try {
    const part = customerToken.split(".")[1];
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims = JSON.parse(json);
    if (claims && typeof claims.sub === "string" && claims.sub) return `sub:${claims.sub}`;
  } catch {
    /* not a JWT we can read: fall back to a hash of the whole token */
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < customerToken.length; i++) {
    hash ^= customerToken.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `tok:${hash.toString(16)}`;
}

function storageGet(key) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function storageSet(key, value) {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled (private mode): the chat still works for this page view */
  }
}

class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

async function api(path, { method = "GET", token, body } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  // A network failure makes fetch() reject with a TypeError; callers tell the two apart.
  const res = await fetch(new URL(path, API_BASE), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    mode: "cors",
  });
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const retryAfter = Number(res.headers.get("Retry-After")) || undefined;
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || "", retryAfter);
  }
  return data;
}

const URL_RE = /\[([^\]\n]{1,200})\]\(([^)\s]+)\)|\bhttps?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g;

function safeHref(raw) {
  try {
    const u = new URL(raw, API_BASE);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

// Appends `text` to `parent` as text nodes, turning http(s) URLs and Markdown
// links ([title](url), as help-centre answers use) into safe anchors.
function appendRichText(parent, text) {
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const label = m[1] ?? m[0];
    const href = safeHref(m[2] ?? m[0]);
    if (!href) continue;
    if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
    parent.append(h("a", { href, target: "_blank", rel: "noopener noreferrer", text: label }));
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

// ---------------------------------------------------------------------------
// Styles (inside the shadow root, so the host page's CSS can't break the widget
// and ours can't leak out).

const CSS = `
:host {
  --tandem-accent: #1d5bd8;
  --tandem-accent-contrast: #ffffff;
  --tandem-bg: #ffffff;
  --tandem-fg: #1b1f24;
  --tandem-muted: #59636e;
  --tandem-bubble-in: #eef1f5;
  --tandem-border: #d5dae1;
  --tandem-danger: #b42318;
  --tandem-focus: #f4b400;
  --tandem-radius: 16px;
  --tandem-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  all: initial;
  font-family: var(--tandem-font);
  font-size: 15px;
  line-height: 1.4;
  color: var(--tandem-fg);
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button, textarea, input { font: inherit; color: inherit; }
button { cursor: pointer; }
button:disabled { cursor: default; }
:focus { outline: none; }
:focus-visible { outline: 3px solid var(--tandem-focus); outline-offset: 2px; }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}

.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  width: 60px; height: 60px; border-radius: 50%; border: none;
  background: var(--tandem-accent); color: var(--tandem-accent-contrast);
  box-shadow: 0 6px 20px rgba(0,0,0,.25);
  display: grid; place-items: center;
  transition: transform .15s ease;
}
.launcher:hover { transform: scale(1.05); }
.launcher svg { width: 28px; height: 28px; }
.launcher .badge {
  position: absolute; top: -2px; right: -2px; min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; background: var(--tandem-danger); color: #fff;
  font-size: 12px; font-weight: 700; line-height: 22px; text-align: center;
}

.panel {
  position: fixed; right: 20px; bottom: 92px; z-index: 2147483000;
  width: 380px; height: min(640px, calc(100vh - 112px));
  max-width: calc(100vw - 40px);
  display: flex; flex-direction: column;
  background: var(--tandem-bg); color: var(--tandem-fg);
  border: 1px solid var(--tandem-border); border-radius: var(--tandem-radius);
  box-shadow: 0 12px 40px rgba(0,0,0,.22);
  overflow: hidden;
}
header {
  display: flex; align-items: flex-start; gap: 8px;
  padding: 12px 12px 12px 16px;
  background: var(--tandem-accent); color: var(--tandem-accent-contrast);
}
header .titles { flex: 1; min-width: 0; }
header h2 { margin: 0; font-size: 17px; font-weight: 650; }
header p { margin: 2px 0 0; font-size: 13px; opacity: .92; }
.hdr-btn {
  flex: none; border: 1px solid rgba(255,255,255,.6); background: transparent;
  color: inherit; border-radius: 8px; padding: 4px 10px; font-size: 13px; min-height: 32px;
}
.hdr-btn:hover:not(:disabled) { background: rgba(255,255,255,.15); }
.hdr-btn:disabled { opacity: .55; }
.icon-btn { width: 36px; padding: 0; font-size: 20px; line-height: 1; }

.human-bar {
  display: flex; align-items: center; gap: 8px;
  padding: 8px 12px; border-bottom: 1px solid var(--tandem-border); background: #f7f9fb;
}
.human {
  flex: 1; min-height: 38px; border-radius: 10px; border: 1.5px solid var(--tandem-accent);
  background: var(--tandem-bg); color: var(--tandem-accent); font-weight: 600; padding: 6px 10px;
}
.human:hover:not(:disabled) { background: #eef3fd; }
.human:disabled { border-color: var(--tandem-border); color: var(--tandem-muted); background: #f2f4f7; }

.queue-status {
  padding: 8px 12px; border-bottom: 1px solid var(--tandem-border); background: #fff8e6; font-size: 13px;
}
.queue-status[data-available="no"] { background: #fdf0ea; }
.queue-line { margin: 0; font-weight: 600; }
.follow-up { margin-top: 6px; }
.follow-up label { display: block; margin-bottom: 4px; color: var(--tandem-muted); }
.follow-up .row { display: flex; gap: 6px; }
.follow-up input {
  flex: 1; min-width: 0; min-height: 36px; padding: 6px 10px; background: var(--tandem-bg);
  border: 1.5px solid var(--tandem-border); border-radius: 10px;
}
.follow-up input:focus-visible { border-color: var(--tandem-accent); outline-offset: 0; }
.follow-up .secondary { min-height: 36px; padding: 0 12px; }
.follow-up-saved { margin: 6px 0 0; color: #13683f; }

.log {
  flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px;
  overscroll-behavior: contain;
}
.intro { align-self: center; text-align: center; color: var(--tandem-muted); font-size: 13px; margin: 4px 12px 8px; }
.msg { display: flex; flex-direction: column; max-width: 85%; }
.msg .who { font-size: 12px; color: var(--tandem-muted); margin: 0 4px 2px; }
.msg .bubble {
  padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere;
  background: var(--tandem-bubble-in);
}
.msg .bubble a { color: inherit; text-decoration: underline; }
.msg .meta { font-size: 11px; color: var(--tandem-muted); margin: 2px 6px 0; }
.msg.customer { align-self: flex-end; align-items: flex-end; }
.msg.customer .bubble {
  background: var(--tandem-accent); color: var(--tandem-accent-contrast); border-bottom-right-radius: 4px;
}
.msg.ai, .msg.agent { align-self: flex-start; align-items: flex-start; }
.msg.ai .bubble, .msg.agent .bubble { border-bottom-left-radius: 4px; }
.msg.agent .bubble { background: #e7f5ec; border: 1px solid #b9e2c8; }
.msg.notice { align-self: center; align-items: center; max-width: 92%; text-align: center; }
.msg.notice .bubble {
  background: transparent; color: var(--tandem-muted); font-size: 13px; padding: 4px 8px;
  border: 1px dashed var(--tandem-border); border-radius: 10px;
}
.msg[data-state="sending"] .bubble { opacity: .7; }
.msg[data-state="failed"] .bubble { background: #fdecea; color: var(--tandem-danger); border: 1px solid var(--tandem-danger); }
.msg[data-state="failed"] .meta { color: var(--tandem-danger); }
.retry {
  border: none; background: none; padding: 0 2px; color: var(--tandem-danger);
  text-decoration: underline; font-size: 11px; font-weight: 600;
}

.typing { padding: 0 16px 4px; font-size: 12px; color: var(--tandem-muted); min-height: 0; }
.typing .dots::after { content: "…"; }

.quick { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px 8px; }
.quick button {
  border: 1.5px solid var(--tandem-accent); color: var(--tandem-accent); background: var(--tandem-bg);
  border-radius: 999px; padding: 5px 12px; font-size: 14px; min-height: 34px;
}
.quick button:hover { background: #eef3fd; }

.status { padding: 0 12px; font-size: 13px; color: var(--tandem-muted); min-height: 0; }
.status:not(:empty) { padding: 6px 12px; }
.status[data-tone="error"] { color: var(--tandem-danger); }

.composer { border-top: 1px solid var(--tandem-border); padding: 8px 10px 10px; }
.composer .row { display: flex; gap: 8px; align-items: flex-end; }
.composer textarea {
  flex: 1; resize: none; min-height: 42px; max-height: 140px; padding: 10px 12px;
  border: 1.5px solid var(--tandem-border); border-radius: 12px; background: var(--tandem-bg);
}
.composer textarea:focus-visible { border-color: var(--tandem-accent); outline-offset: 0; }
.composer textarea:disabled { background: #f2f4f7; }
.send {
  flex: none; min-height: 42px; padding: 0 16px; border: none; border-radius: 12px;
  background: var(--tandem-accent); color: var(--tandem-accent-contrast); font-weight: 600;
}
.send:disabled { opacity: .5; }
.counter { font-size: 12px; color: var(--tandem-muted); text-align: right; margin-top: 4px; }
.counter[data-tone="error"] { color: var(--tandem-danger); font-weight: 600; }

.csat { border-top: 1px solid var(--tandem-border); padding: 10px 12px 12px; }
.csat fieldset { border: none; margin: 0; padding: 0; }
.csat legend { font-weight: 600; margin-bottom: 6px; padding: 0; }
.stars { display: flex; gap: 4px; }
.star {
  width: 44px; height: 44px; border-radius: 10px; border: 1.5px solid var(--tandem-border);
  background: var(--tandem-bg); font-size: 24px; line-height: 1; color: #a0a8b3;
}
.star[aria-checked="true"], .star.lit { color: #d98a00; border-color: #d98a00; }
.csat textarea {
  width: 100%; margin-top: 8px; min-height: 56px; resize: vertical; padding: 8px 10px;
  border: 1.5px solid var(--tandem-border); border-radius: 10px;
}
.csat .actions { display: flex; gap: 8px; margin-top: 8px; flex-wrap: wrap; }
.primary {
  min-height: 40px; padding: 0 16px; border: none; border-radius: 10px;
  background: var(--tandem-accent); color: var(--tandem-accent-contrast); font-weight: 600;
}
.secondary {
  min-height: 40px; padding: 0 16px; border-radius: 10px;
  border: 1.5px solid var(--tandem-accent); background: var(--tandem-bg); color: var(--tandem-accent); font-weight: 600;
}
.csat .thanks { margin: 0 0 8px; }

@media (max-width: 480px) {
  .panel {
    inset: 0; width: 100%; height: 100%; max-width: none; max-height: none;
    border-radius: 0; border: none;
  }
  @supports (height: 100dvh) { .panel { height: 100dvh; } }
  header p { display: none; }
  :host([open]) .launcher { display: none; }
}
@media (prefers-reduced-motion: reduce) {
  .launcher { transition: none; }
  .launcher:hover { transform: none; }
}
@media (forced-colors: active) {
  .msg .bubble, .launcher, .send, .primary { border: 1px solid CanvasText; }
}
`;

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z"/></svg>';
const CLOSE_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18"/></svg>';

// ---------------------------------------------------------------------------

class TandemChat extends HTMLElement {
  static get observedAttributes() {
    return ["customer-token", "language", "heading"];
  }

  // Conversation state (reset whenever the identity changes).
  #conv = null; // { id, token, lastSeq }
  #convState = null; // server state string, refined by events
  #events = new Map(); // seq -> event
  #nodes = new Map(); // seq -> element in the log
  #pending = new Map(); // client_msg_id -> { text, el, state }
  #sendQueue = []; // client_msg_ids waiting to be POSTed, in order
  #sending = false;
  #generation = 0; // bumps on identity switch; stale async work checks it

  // Connection
  #ws = null;
  #wsOpen = false;
  #everConnected = false;
  #reconnectTimer = null;
  #backoff = 0;
  #creating = null; // Promise of an in-flight conversation creation

  // Waiting for a person
  #queueInfo = null; // `queue` of GET /conversations/{id} while queued
  #queueTimer = null;
  #queuePolling = false;
  #queuePolledAt = 0;
  #followUpEmail = null; // saved for a follow-up

  // UI
  #identity = null;
  #ui = null;
  #typingTimer = null;
  #statusTimer = null;
  #errorText = "";
  #unread = 0;
  #csatScore = 0;
  #setupQueued = false;
  #connected = false;

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
  }

  // --- lifecycle -----------------------------------------------------------

  connectedCallback() {
    this.#connected = true;
    if (!this.#ui) this.#build();
    window.addEventListener("online", this.#onOnline);
    window.addEventListener("offline", this.#onOnline);
    window.addEventListener("storage", this.#onStorage);
    this.#scheduleSetup();
  }

  disconnectedCallback() {
    this.#connected = false;
    window.removeEventListener("online", this.#onOnline);
    window.removeEventListener("offline", this.#onOnline);
    window.removeEventListener("storage", this.#onStorage);
    this.#disconnect();
    this.#identity = null; // reconnecting the element re-runs setup
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.#ui) return;
    if (name === "customer-token") this.#scheduleSetup();
    else if (name === "language" || name === "heading") this.#applyStrings();
  }

  /** Opens the chat panel (also available to host pages). */
  open() {
    this.#setOpen(true);
  }

  /** Closes (minimises) the chat panel. */
  close() {
    this.#setOpen(false);
  }

  get conversationId() {
    return this.#conv?.id ?? null;
  }

  // --- strings -------------------------------------------------------------

  get #lang() {
    const attr = primaryLanguage(this.getAttribute("language"));
    if (STRINGS[attr]) return attr;
    const nav = primaryLanguage(navigator.language);
    return STRINGS[nav] ? nav : "en";
  }

  get #t() {
    return STRINGS[this.#lang];
  }

  // --- DOM -----------------------------------------------------------------

  #build() {
    const root = this.shadowRoot;
    const style = document.createElement("style");
    style.textContent = CSS;

    const launcher = h("button", {
      class: "launcher",
      type: "button",
      "data-testid": "launcher",
      "aria-expanded": "false",
      "aria-controls": "tandem-panel",
    });
    launcher.innerHTML = CHAT_ICON; // static markup, no user data
    const badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    launcher.append(badge);
    launcher.addEventListener("click", () => this.#setOpen(!this.hasAttribute("open")));

    const heading = h("h2", { id: "tandem-title" });
    const subtitle = h("p");
    const endBtn = h("button", { class: "hdr-btn", type: "button", "data-testid": "end" });
    endBtn.addEventListener("click", () => this.#endChat());
    const closeBtn = h("button", { class: "hdr-btn icon-btn", type: "button", "data-testid": "close" });
    closeBtn.innerHTML = CLOSE_ICON;
    closeBtn.firstElementChild.style.cssText = "width:18px;height:18px";
    closeBtn.addEventListener("click", () => this.#setOpen(false));
    const header = h("header", {}, h("div", { class: "titles" }, heading, subtitle), endBtn, closeBtn);

    const human = h("button", { class: "human", type: "button", "data-testid": "human" });
    human.addEventListener("click", () => this.#requestHuman());
    const humanBar = h("div", { class: "human-bar" }, human);

    // While queued: the place in the queue and a follow-up email form.
    const queueLine = h("p", { class: "queue-line", "data-testid": "queue-line", role: "status", "aria-live": "polite" });
    const followUpLabel = h("label", { for: "tandem-follow-up" });
    const followUpInput = h("input", {
      id: "tandem-follow-up",
      type: "email",
      autocomplete: "email",
      inputmode: "email",
      maxlength: "254",
      "data-testid": "follow-up-email",
    });
    const followUpSubmit = h("button", { class: "secondary", type: "submit", "data-testid": "follow-up-submit" });
    const followUpForm = h(
      "form",
      { class: "follow-up", "data-testid": "follow-up", novalidate: true },
      followUpLabel,
      h("div", { class: "row" }, followUpInput, followUpSubmit),
    );
    followUpForm.addEventListener("submit", (e) => {
      e.preventDefault();
      this.#submitFollowUp();
    });
    const followUpSaved = h("p", {
      class: "follow-up-saved",
      "data-testid": "follow-up-saved",
      role: "status",
      hidden: true,
    });
    const queue = h(
      "div",
      { class: "queue-status", id: "tandem-queue-status", "data-testid": "queue-status", hidden: true },
      queueLine,
      followUpForm,
      followUpSaved,
    );

    const intro = h("p", { class: "intro" });
    const log = h("div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions text",
      "aria-labelledby": "tandem-title",
      tabindex: "0",
      "data-testid": "log",
    });
    log.append(intro);

    const typing = h("div", { class: "typing", "aria-live": "polite", "data-testid": "typing" });
    const quick = h("div", { class: "quick", role: "group", "data-testid": "quick-replies", hidden: true });
    const status = h("div", { class: "status", role: "status", "aria-live": "polite", "data-testid": "status" });

    const input = h("textarea", {
      id: "tandem-input",
      rows: "1",
      maxlength: String(MAX_TEXT),
      "data-testid": "input",
      autocomplete: "off",
      enterkeyhint: "send",
      "aria-describedby": "tandem-counter",
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        this.#submitInput();
      }
    });
    input.addEventListener("input", () => this.#onInput());
    const send = h("button", { class: "send", type: "submit", "data-testid": "send" });
    const counter = h("div", { class: "counter", id: "tandem-counter", hidden: true });
    const form = h("form", { class: "composer", novalidate: true }, h("div", { class: "row" }, input, send), counter);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.#submitInput();
    });

    const csat = h("div", { class: "csat", "data-testid": "csat", hidden: true });

    const panel = h(
      "section",
      {
        class: "panel",
        id: "tandem-panel",
        role: "dialog",
        "aria-modal": "false",
        "aria-labelledby": "tandem-title",
        "data-testid": "panel",
        hidden: true,
      },
      header,
      humanBar,
      queue,
      log,
      typing,
      quick,
      status,
      csat,
      form,
    );
    panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        this.#setOpen(false);
      }
    });

    root.append(style, panel, launcher);
    this.#ui = {
      launcher, badge, panel, heading, subtitle, endBtn, closeBtn, human, intro, log,
      typing, quick, status, input, send, counter, form, csat,
      queue, queueLine, followUpForm, followUpLabel, followUpInput, followUpSubmit, followUpSaved,
    };
    this.#applyStrings();
  }

  #applyStrings() {
    const t = this.#t;
    const ui = this.#ui;
    ui.panel.setAttribute("lang", this.#lang);
    ui.heading.textContent = this.getAttribute("heading") || t.title;
    ui.subtitle.textContent = t.subtitle;
    ui.intro.textContent = t.intro;
    ui.closeBtn.setAttribute("aria-label", t.closeChat);
    ui.closeBtn.title = t.closeChat;
    ui.endBtn.textContent = t.end;
    ui.input.setAttribute("aria-label", t.message);
    ui.send.textContent = t.send;
    ui.send.setAttribute("aria-label", t.send);
    this.#renderLauncher();
    this.#renderControls();
    this.#renderCounter();
    this.#renderCsat();
  }

  #renderLauncher() {
    const t = this.#t;
    const open = this.hasAttribute("open");
    const { launcher, badge } = this.#ui;
    launcher.setAttribute("aria-expanded", String(open));
    let label = open ? t.closeChat : t.openChat;
    if (!open && this.#unread > 0) label += ` (${t.unread(this.#unread)})`;
    launcher.setAttribute("aria-label", label);
    launcher.title = open ? t.closeChat : t.openChat;
    launcher.querySelector("svg")?.remove();
    launcher.insertAdjacentHTML("afterbegin", open ? CLOSE_ICON : CHAT_ICON);
    badge.hidden = open || this.#unread === 0;
    badge.textContent = this.#unread > 9 ? "9+" : String(this.#unread);
  }

  #setOpen(open, { focus = true } = {}) {
    if (open === this.hasAttribute("open")) {
      if (open && focus) this.#ui.input.focus();
      return;
    }
    this.toggleAttribute("open", open);
    this.#ui.panel.hidden = !open;
    try {
      sessionStorage.setItem(`${STORAGE_PREFIX}open`, open ? "1" : "0");
    } catch {
      /* ignore */
    }
    if (open) {
      this.#unread = 0;
      this.#ui.log.scrollTop = this.#ui.log.scrollHeight;
      if (focus) (this.#ui.input.disabled ? this.#ui.closeBtn : this.#ui.input).focus();
      if (!this.#conv) this.#ensureConversation().catch(() => {});
    } else if (this.shadowRoot.activeElement || document.activeElement === this) {
      this.#ui.launcher.focus();
    }
    this.#renderLauncher();
  }

  // --- identity / conversation lifecycle ----------------------------------

  #scheduleSetup() {
    if (this.#setupQueued) return;
    this.#setupQueued = true;
    // Coalesce attribute changes made in the same task (e.g. language + token).
    queueMicrotask(() => {
      this.#setupQueued = false;
      if (this.#connected) this.#setup();
    });
  }

  get #storageKey() {
    return `${STORAGE_PREFIX}${API_BASE.href}:${this.#identity}`;
  }

  #setup() {
    const identity = identityKey(this.getAttribute("customer-token"));
    if (identity === this.#identity) return; // same customer: keep the conversation
    this.#identity = identity;
    this.#resetConversation();
    const stored = storageGet(this.#storageKey);
    if (stored && typeof stored.id === "string" && typeof stored.token === "string") {
      this.#conv = { id: stored.id, token: stored.token, lastSeq: Number(stored.lastSeq) || 0 };
      this.#resume();
    }
    let wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(`${STORAGE_PREFIX}open`) === "1";
    } catch {
      /* ignore */
    }
    // Restore an open panel after navigation/reload, without stealing focus.
    if (wasOpen && !this.hasAttribute("open")) this.#setOpen(true, { focus: false });
    else if (this.hasAttribute("open") && !this.#conv) this.#ensureConversation().catch(() => {});
  }

  #resetConversation() {
    this.#generation++;
    this.#disconnect();
    this.#conv = null;
    this.#creating = null;
    this.#convState = null;
    this.#events.clear();
    this.#nodes.clear();
    this.#pending.clear();
    this.#sendQueue = [];
    this.#sending = false;
    this.#everConnected = false;
    this.#backoff = 0;
    this.#unread = 0;
    this.#csatScore = 0;
    this.#errorText = "";
    this.#queueInfo = null;
    this.#followUpEmail = null;
    this.#queuePolling = false;
    this.#queuePolledAt = 0;
    const ui = this.#ui;
    ui.followUpInput.value = "";
    ui.log.replaceChildren(ui.intro);
    ui.quick.replaceChildren();
    ui.quick.hidden = true;
    this.#hideTyping();
    this.#renderStatus();
    this.#renderControls();
    this.#renderCsat();
    this.#renderLauncher();
  }

  #saveConv() {
    if (this.#conv) storageSet(this.#storageKey, this.#conv);
  }

  // Loads history over HTTP (also validates the stored token), then goes live.
  async #resume() {
    const gen = this.#generation;
    const conv = this.#conv;
    try {
      const info = await api(`api/v1/conversations/${encodeURIComponent(conv.id)}`, { token: conv.token });
      if (gen !== this.#generation) return;
      if (info && info.state) this.#convState = info.state;
      this.#queueInfo = info?.queue ?? null;
      this.#queuePolledAt = Date.now();
      const data = await api(`api/v1/conversations/${encodeURIComponent(conv.id)}/events?after=0`, {
        token: conv.token,
      });
      if (gen !== this.#generation) return;
      this.#applyEvents(data?.events ?? [], { fromHistory: true });
    } catch (err) {
      if (gen !== this.#generation) return;
      if (err instanceof ApiError && [401, 403, 404, 410].includes(err.status)) {
        // The conversation is gone or its token no longer valid: start over.
        this.#forgetConversation();
        return;
      }
      // Network trouble: the websocket replays from after=0 once it connects.
    }
    this.#connect();
  }

  #forgetConversation() {
    storageSet(this.#storageKey, null);
    this.#resetConversation();
    if (this.hasAttribute("open")) this.#ensureConversation().catch(() => {});
  }

  #ensureConversation() {
    if (this.#conv) return Promise.resolve(this.#conv);
    if (this.#creating) return this.#creating;
    const gen = this.#generation;
    const body = {};
    const customerToken = this.getAttribute("customer-token");
    if (customerToken) body.customer_token = customerToken;
    const lang = [this.getAttribute("language"), navigator.language]
      .map((l) => String(l || "").trim())
      .find((l) => LANGUAGE_TAG.test(l));
    if (lang) body.language = lang;

    this.#creating = (async () => {
      try {
        const res = await api("api/v1/conversations", { method: "POST", body });
        if (gen !== this.#generation) throw new Error("stale");
        this.#conv = { id: res.id, token: res.token, lastSeq: 0 };
        this.#convState = res.state ?? null;
        this.#saveConv();
        this.#renderControls();
        this.#connect();
        return this.#conv;
      } catch (err) {
        if (gen === this.#generation) {
          this.#creating = null;
          this.#showError(err);
        }
        throw err;
      }
    })();
    return this.#creating;
  }

  // --- websocket -----------------------------------------------------------

  #connect() {
    if (!this.#conv || this.#ws || !this.#connected) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    const gen = this.#generation;
    const { id, token } = this.#conv;
    const url = new URL(`api/v1/conversations/${encodeURIComponent(id)}/ws`, API_BASE);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("after", String(this.#highestSeq()));
    url.searchParams.set("token", token);
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    this.#renderStatus();
    ws.addEventListener("open", () => {
      if (ws !== this.#ws) return;
      this.#wsOpen = true;
      this.#everConnected = true;
      this.#backoff = 0;
      this.#renderStatus();
      this.#flushQueue(); // retry anything that failed while we were offline
    });
    ws.addEventListener("message", (msg) => {
      if (ws !== this.#ws || gen !== this.#generation || typeof msg.data !== "string") return;
      let data;
      try {
        data = JSON.parse(msg.data);
      } catch {
        return;
      }
      const list = Array.isArray(data) ? data : Array.isArray(data?.events) ? data.events : [data];
      this.#applyEvents(list);
    });
    ws.addEventListener("close", (e) => {
      if (ws !== this.#ws) return;
      this.#ws = null;
      this.#wsOpen = false;
      if (gen !== this.#generation) return;
      // 1008 / 44xx: the server refused this conversation token.
      if (e.code === 1008 || (e.code >= 4400 && e.code < 4500)) {
        this.#verifyOrForget();
        return;
      }
      this.#scheduleReconnect();
    });
  }

  #disconnect() {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    clearTimeout(this.#queueTimer);
    this.#queueTimer = null;
    const ws = this.#ws;
    this.#ws = null;
    this.#wsOpen = false;
    if (ws) {
      try {
        ws.close(1000, "bye");
      } catch {
        /* ignore */
      }
    }
  }

  #scheduleReconnect() {
    if (!this.#conv || !this.#connected || this.#reconnectTimer) return;
    this.#renderStatus();
    const base = Math.min(15000, 500 * 2 ** this.#backoff);
    this.#backoff = Math.min(this.#backoff + 1, 8);
    const delay = base / 2 + Math.random() * (base / 2);
    this.#reconnectTimer = setTimeout(async () => {
      this.#reconnectTimer = null;
      if (this.#backoff >= 3) {
        // Several failures in a row: check over plain HTTP whether the
        // conversation is still ours, and catch up on events meanwhile.
        const ok = await this.#catchUp();
        if (!ok) return;
      }
      this.#connect();
    }, delay);
  }

  async #catchUp() {
    const gen = this.#generation;
    const conv = this.#conv;
    if (!conv) return false;
    try {
      const data = await api(
        `api/v1/conversations/${encodeURIComponent(conv.id)}/events?after=${this.#highestSeq()}`,
        { token: conv.token },
      );
      if (gen === this.#generation) this.#applyEvents(data?.events ?? []);
    } catch (err) {
      if (gen !== this.#generation) return false;
      if (err instanceof ApiError && [401, 403, 404, 410].includes(err.status)) {
        this.#forgetConversation();
        return false;
      }
    }
    return gen === this.#generation;
  }

  async #verifyOrForget() {
    if (await this.#catchUp()) this.#scheduleReconnect();
  }

  #onOnline = () => {
    this.#renderStatus();
    if (navigator.onLine && this.#conv && !this.#ws) {
      this.#backoff = 0;
      this.#connect();
    }
  };

  #onStorage = (e) => {
    if (e.key !== this.#storageKey || !this.#identity) return;
    let next = null;
    try {
      next = e.newValue ? JSON.parse(e.newValue) : null;
    } catch {
      return;
    }
    // Another tab started (or replaced) this customer's conversation: follow it.
    if (next && next.id && next.id !== this.#conv?.id) {
      this.#resetConversation();
      this.#conv = { id: next.id, token: next.token, lastSeq: 0 };
      this.#resume();
    }
  };

  // --- events --------------------------------------------------------------

  #highestSeq() {
    let max = 0;
    for (const seq of this.#events.keys()) if (seq > max) max = seq;
    return max;
  }

  #applyEvents(list, { fromHistory = false } = {}) {
    let changed = false;
    let incoming = 0;
    for (const ev of list) {
      if (!ev || typeof ev !== "object") continue;
      if (ev.kind === "typing") {
        this.#showTyping(ev);
        continue;
      }
      if (ev.kind === "note") continue; // agent-only, never for customers
      const seq = Number(ev.seq);
      if (!Number.isFinite(seq) || seq <= 0 || this.#events.has(seq)) continue;
      this.#events.set(seq, ev);
      this.#renderEvent(seq, ev);
      changed = true;
      if (!fromHistory && (ev.author === "ai" || ev.author === "agent") && ev.kind === "message") incoming++;
      if (ev.author === "ai" || ev.author === "agent") this.#hideTyping();
    }
    if (!changed) return;
    const high = this.#highestSeq();
    if (this.#conv && high > (this.#conv.lastSeq || 0)) {
      this.#conv.lastSeq = high;
      this.#saveConv();
    }
    this.#deriveState();
    this.#renderQuickReplies();
    this.#renderInputHints();
    this.#renderControls();
    this.#renderCsat();
    if (incoming && !this.hasAttribute("open")) {
      this.#unread += incoming;
      this.#renderLauncher();
    }
    this.#scrollToEnd();
  }

  #deriveState() {
    let state = this.#convState;
    for (const seq of [...this.#events.keys()].sort((a, b) => a - b)) {
      const ev = this.#events.get(seq);
      if (ev.kind === "handoff") state = state === "assigned" ? state : "queued";
      else if (ev.kind === "assigned") state = ev.author === "ai" ? "ai" : "assigned";
      else if (ev.kind === "closed") state = "closed";
    }
    this.#convState = state;
  }

  get #isClosed() {
    return this.#convState === "closed" || this.#convState === "resolved";
  }

  #hasCsat() {
    for (const ev of this.#events.values()) if (ev.kind === "csat") return ev;
    return null;
  }

  #renderEvent(seq, ev) {
    const t = this.#t;
    const author = ["customer", "ai", "agent", "system"].includes(ev.author) ? ev.author : "system";
    const kind = String(ev.kind || "message");
    const isNotice = kind !== "message" || author === "system";

    let text = typeof ev.text === "string" ? ev.text : "";
    if (!text) {
      if (kind === "handoff") text = t.handoff;
      else if (kind === "assigned") text = t.assigned;
      else if (kind === "closed") text = t.closed;
      else if (kind === "csat" && ev.csat) text = t.csatDone(ev.csat.score);
    }
    if (!text) return; // nothing visible to show (kept in the event map for state)

    // A stored message replaces its optimistic "sending" bubble.
    let el = null;
    if (ev.client_msg_id && this.#pending.has(ev.client_msg_id)) {
      el = this.#pending.get(ev.client_msg_id).el;
      this.#pending.delete(ev.client_msg_id);
      this.#sendQueue = this.#sendQueue.filter((id) => id !== ev.client_msg_id);
      el.replaceChildren();
    }
    el = this.#fillMessage(el ?? h("div"), {
      author, kind, isNotice, text, at: ev.at, language: ev.language,
      authorName: typeof ev.author_name === "string" && ev.author_name.trim() ? ev.author_name.trim() : null,
    });
    el.dataset.seq = String(seq);
    delete el.dataset.state;
    el.removeAttribute("data-client-msg-id");
    if (ev.client_msg_id) el.dataset.clientMsgId = ev.client_msg_id;

    // Insert in seq order: before the first rendered node with a larger seq,
    // otherwise before any still-pending bubbles.
    let before = null;
    for (const [s, node] of this.#nodes) {
      if (s > seq && (!before || s < Number(before.dataset.seq))) before = node;
    }
    if (!before) before = this.#ui.log.querySelector('[data-state="sending"], [data-state="failed"]');
    this.#ui.log.insertBefore(el, before);
    this.#nodes.set(seq, el);
  }

  #fillMessage(el, { author, kind, isNotice, text, at, language, state, authorName }) {
    const t = this.#t;
    el.className = `msg ${isNotice ? "notice" : author}`;
    el.dataset.testid = "message";
    el.dataset.author = author;
    el.dataset.kind = kind;
    if (language) el.setAttribute("lang", language);
    else el.removeAttribute("lang");
    // A person from the team is shown by name when the event carries it.
    const who = { customer: t.you, ai: t.ai, agent: authorName || t.agent, system: t.system }[author];
    if (author === "customer") el.append(h("span", { class: "sr-only", text: `${who}:` }));
    else if (!isNotice) el.append(h("span", { class: "who", text: who }, h("span", { class: "sr-only", text: ":" })));
    else el.append(h("span", { class: "sr-only", text: `${t.system}:` }));
    const bubble = h("div", { class: "bubble" });
    appendRichText(bubble, text);
    el.append(bubble);
    const meta = h("div", { class: "meta" });
    if (state === "sending") meta.textContent = t.sending;
    else if (state === "failed") {
      meta.append(`${t.notSent} `);
      const id = el.dataset.clientMsgId;
      meta.append(
        h("button", {
          class: "retry",
          type: "button",
          "data-testid": "retry",
          text: t.retry,
          onclick: () => this.#retry(id),
        }),
      );
    } else if (at && !isNotice) {
      const d = new Date(at);
      if (!Number.isNaN(d.getTime())) {
        const time = d.toLocaleTimeString(this.#lang, { hour: "2-digit", minute: "2-digit" });
        meta.append(h("time", { datetime: at, text: time }));
      }
    }
    if (meta.childNodes.length) el.append(meta);
    return el;
  }

  #scrollToEnd() {
    const log = this.#ui.log;
    requestAnimationFrame(() => {
      log.scrollTop = log.scrollHeight;
    });
  }

  #showTyping(ev) {
    if (ev.author !== "ai" && ev.author !== "agent") return;
    const t = this.#t;
    this.#ui.typing.textContent = ev.author === "agent" ? t.typingAgent : t.typingAi;
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => this.#hideTyping(), TYPING_MS);
  }

  #hideTyping() {
    clearTimeout(this.#typingTimer);
    this.#ui.typing.textContent = "";
  }

  #renderQuickReplies() {
    const quick = this.#ui.quick;
    quick.replaceChildren();
    let newest = null;
    for (const [seq, ev] of this.#events) if (!newest || seq > newest[0]) newest = [seq, ev];
    const replies = newest && !this.#isClosed && this.#pending.size === 0 ? newest[1].quick_replies : null;
    if (!Array.isArray(replies) || replies.length === 0) {
      quick.hidden = true;
      return;
    }
    for (const qr of replies) {
      if (!qr || typeof qr.value !== "string" || !qr.value) continue;
      const label = typeof qr.label === "string" && qr.label ? qr.label : qr.value;
      quick.append(
        h("button", {
          type: "button",
          "data-testid": "quick-reply",
          text: label,
          onclick: () => this.#send(qr.value),
        }),
      );
    }
    quick.hidden = quick.childElementCount === 0;
  }

  // Mobile keyboards and autofill for what the assistant is waiting for.
  #renderInputHints() {
    let newest = null;
    for (const [seq, ev] of this.#events) if (!newest || seq > newest[0]) newest = [seq, ev];
    const awaiting = newest && newest[1].author !== "customer" ? newest[1].awaiting : null;
    const input = this.#ui.input;
    input.inputMode = { email: "email", otp: "numeric" }[awaiting] ?? "text";
    input.setAttribute("autocomplete", { email: "email", otp: "one-time-code" }[awaiting] ?? "off");
  }

  // --- controls ------------------------------------------------------------

  #renderControls() {
    const t = this.#t;
    const ui = this.#ui;
    const closed = this.#isClosed;
    let label = t.human;
    let disabled = false;
    if (this.#convState === "queued") {
      label = t.humanQueued;
      disabled = true;
    } else if (this.#convState === "assigned") {
      label = t.humanAssigned;
      disabled = true;
    } else if (closed) {
      disabled = true;
    }
    ui.human.textContent = label;
    ui.human.setAttribute("aria-label", label);
    ui.human.disabled = disabled;
    ui.human.dataset.state = this.#convState || "new";
    ui.endBtn.disabled = closed || !this.#conv;
    ui.endBtn.hidden = closed;
    ui.input.disabled = closed;
    ui.input.placeholder = closed ? t.placeholderClosed : t.placeholder;
    ui.send.disabled = closed;
    ui.form.hidden = closed;
    this.#renderQueueStatus();
    this.#syncQueuePolling();
  }

  #onInput() {
    const input = this.#ui.input;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 3, 140)}px`;
    this.#renderCounter();
  }

  #renderCounter() {
    const { input, counter } = this.#ui;
    const n = input.value.length;
    counter.hidden = n < COUNTER_FROM;
    counter.textContent = this.#t.counter(n);
    counter.dataset.tone = n >= MAX_TEXT ? "error" : "";
  }

  #submitInput() {
    const input = this.#ui.input;
    const text = input.value.trim();
    if (!text) return;
    if (text.length > MAX_TEXT) {
      this.#showError(this.#t.tooLong);
      return;
    }
    input.value = "";
    this.#onInput();
    this.#send(text);
    input.focus();
  }

  // --- sending -------------------------------------------------------------

  #send(text) {
    if (this.#isClosed) {
      this.#showError(this.#t.chatEnded);
      return;
    }
    const id = newClientMsgId();
    const el = h("div", { "data-client-msg-id": id });
    el.dataset.clientMsgId = id;
    this.#fillMessage(el, { author: "customer", kind: "message", isNotice: false, text, state: "sending" });
    el.dataset.state = "sending";
    this.#pending.set(id, { text, el, state: "sending" });
    this.#ui.log.append(el);
    this.#sendQueue.push(id);
    this.#renderQuickReplies();
    this.#scrollToEnd();
    this.#flushQueue();
  }

  #setPendingState(id, state, final = false) {
    const p = this.#pending.get(id);
    if (!p) return;
    p.state = state;
    p.final = final; // rejected by the server: only a manual retry sends it again
    p.el.replaceChildren();
    this.#fillMessage(p.el, { author: "customer", kind: "message", isNotice: false, text: p.text, state });
    p.el.dataset.state = state;
  }

  #retry(id) {
    for (const [pid, p] of this.#pending) {
      // Retrying one failed message retries every failed one, in order
      // (automatic retries skip the ones the server rejected for good).
      if (p.state === "failed" && (id || !p.final) && !this.#sendQueue.includes(pid)) this.#sendQueue.push(pid);
    }
    if (id && !this.#sendQueue.includes(id) && this.#pending.has(id)) this.#sendQueue.push(id);
    const order = [...this.#pending.keys()];
    this.#sendQueue.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    for (const pid of this.#sendQueue) this.#setPendingState(pid, "sending");
    this.#flushQueue();
  }

  // Sends queued messages one at a time so they're stored in the order typed.
  async #flushQueue() {
    if (this.#sending) return;
    if (this.#sendQueue.length === 0) {
      // Messages that failed earlier go again once we're back online.
      if (![...this.#pending.values()].some((p) => p.state === "failed" && !p.final)) return;
      this.#retry(null);
      return;
    }
    this.#sending = true;
    const gen = this.#generation;
    try {
      while (this.#sendQueue.length && gen === this.#generation) {
        const id = this.#sendQueue[0];
        const p = this.#pending.get(id);
        if (!p) {
          this.#sendQueue.shift();
          continue;
        }
        let conv;
        try {
          conv = await this.#ensureConversation();
        } catch {
          if (gen === this.#generation) this.#failQueued();
          return;
        }
        if (gen !== this.#generation) return;
        try {
          const res = await api(`api/v1/conversations/${encodeURIComponent(conv.id)}/messages`, {
            method: "POST",
            token: conv.token,
            body: { text: p.text, client_msg_id: id },
          });
          if (gen !== this.#generation) return;
          const events = res?.events ?? [];
          if (!events.some((e) => e && e.client_msg_id === id)) {
            // Server didn't echo client_msg_id: the first customer message is ours.
            const mine = events.find((e) => e && e.author === "customer" && e.kind === "message");
            if (mine) mine.client_msg_id = id;
          }
          this.#sendQueue = this.#sendQueue.filter((x) => x !== id);
          this.#applyEvents(events);
          if (this.#pending.has(id)) {
            // Already rendered via the websocket without client_msg_id: drop the duplicate.
            this.#pending.get(id).el.remove();
            this.#pending.delete(id);
          }
          this.#clearError();
        } catch (err) {
          if (gen !== this.#generation) return;
          if (err instanceof ApiError && err.status === 429) {
            this.#showError(this.#t.rateLimited, false);
            await new Promise((r) => setTimeout(r, Math.max(1, err.retryAfter || 2) * 1000));
            continue; // same client_msg_id, same position in the queue
          }
          if (err instanceof ApiError && err.status < 500) {
            // Rejected for good (validation, closed chat, lost session): keep the text visible.
            this.#sendQueue = this.#sendQueue.filter((x) => x !== id);
            this.#setPendingState(id, "failed", true);
            if (err.status === 409 || err.code === "conversation_closed") {
              this.#convState = "closed";
              this.#renderControls();
              this.#renderCsat();
              this.#showError(this.#t.chatEnded);
            } else if ([401, 403, 404].includes(err.status)) {
              this.#showError(this.#t.sessionExpired);
              this.#forgetConversation();
              return;
            } else {
              this.#showError(err);
            }
            continue;
          }
          // Network failure or server error: keep it for a retry with the same id.
          this.#failQueued();
          this.#showError(err);
          return;
        }
      }
    } finally {
      if (gen === this.#generation) {
        this.#sending = false;
        this.#renderQuickReplies();
      }
    }
  }

  #failQueued() {
    for (const id of this.#sendQueue) this.#setPendingState(id, "failed");
    this.#sendQueue = [];
  }

  // --- waiting for a person ----------------------------------------------

  // While queued, GET /conversations/{id} every few seconds for the place in the queue.
  #syncQueuePolling() {
    const queued = this.#convState === "queued" && this.#conv && this.#connected;
    if (!queued) {
      clearTimeout(this.#queueTimer);
      this.#queueTimer = null;
      this.#queueInfo = null;
      return;
    }
    if (this.#queueTimer || this.#queuePolling) return;
    const delay = Math.max(0, QUEUE_POLL_MS - (Date.now() - this.#queuePolledAt));
    this.#queueTimer = setTimeout(() => this.#pollQueue(), delay);
  }

  async #pollQueue() {
    this.#queueTimer = null;
    const gen = this.#generation;
    const conv = this.#conv;
    if (!conv || this.#convState !== "queued" || !this.#connected) return;
    if (document.hidden && this.#queueInfo) {
      this.#queueTimer = setTimeout(() => this.#pollQueue(), QUEUE_POLL_MS);
      return;
    }
    this.#queuePolling = true;
    this.#queuePolledAt = Date.now();
    try {
      const info = await api(`api/v1/conversations/${encodeURIComponent(conv.id)}`, { token: conv.token });
      if (gen !== this.#generation || !info) return;
      if (info.state && info.state !== "queued") {
        // Taken, handed back or closed: the events say how; fetch any we missed.
        this.#convState = info.state;
        this.#queueInfo = null;
        this.#catchUp();
      } else {
        this.#queueInfo = info.queue ?? null;
      }
    } catch {
      /* keep showing the last status; the next poll tries again */
    } finally {
      if (gen === this.#generation) {
        this.#queuePolling = false;
        this.#renderControls();
      }
    }
  }

  #formatOpening(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime()) || d.getTime() <= Date.now()) return null;
    const t = this.#t;
    const lang = this.#lang;
    const time = d.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    const today = new Date();
    const tomorrow = new Date(today);
    tomorrow.setDate(today.getDate() + 1);
    if (d.toDateString() === today.toDateString()) return t.openingToday(time);
    if (d.toDateString() === tomorrow.toDateString()) return t.openingTomorrow(time);
    return t.openingOn(d.toLocaleDateString(lang, { weekday: "long", day: "numeric", month: "long" }), time);
  }

  #renderQueueStatus() {
    const t = this.#t;
    const ui = this.#ui;
    const show = this.#convState === "queued" && !!this.#conv;
    ui.queue.hidden = !show;
    if (!show) return;
    const q = this.#queueInfo;
    const wait = Number(q?.estimated_wait_secs);
    let line;
    if (!q) line = t.queueChecking;
    else if (q.estimated_wait_secs != null && Number.isFinite(wait)) {
      const position = Number(q.position);
      line = Number.isInteger(position) && position > 0 ? t.queuePosition(position, t.wait(wait)) : t.queueWait(t.wait(wait));
    } else {
      // Nobody suitable is online: say so, and when the team is back if we know.
      line = t.nobodyAvailable;
      const opening = q.next_opening ? this.#formatOpening(q.next_opening) : null;
      if (opening) line += ` ${t.backAt(opening)}`;
    }
    if (ui.queueLine.textContent !== line) ui.queueLine.textContent = line;
    ui.queue.dataset.available = !q ? "" : q.estimated_wait_secs != null ? "yes" : "no";

    const saved = this.#followUpEmail ?? (typeof q?.follow_up_email === "string" ? q.follow_up_email : null);
    ui.followUpLabel.textContent = t.followUpLabel;
    ui.followUpInput.placeholder = t.followUpEmail;
    ui.followUpSubmit.textContent = t.followUpSave;
    const hadFocus = ui.followUpForm.contains(this.shadowRoot.activeElement);
    ui.followUpForm.hidden = !!saved;
    ui.followUpSaved.hidden = !saved;
    const savedText = saved ? t.followUpSaved(saved) : "";
    if (ui.followUpSaved.textContent !== savedText) ui.followUpSaved.textContent = savedText;
    if (saved && hadFocus) ui.input.focus();
  }

  async #submitFollowUp() {
    const t = this.#t;
    const ui = this.#ui;
    const email = ui.followUpInput.value.trim();
    if (!EMAIL_RE.test(email)) {
      this.#showError(t.followUpInvalid);
      ui.followUpInput.focus();
      return;
    }
    const conv = this.#conv;
    if (!conv) return;
    const gen = this.#generation;
    ui.followUpSubmit.disabled = true;
    try {
      const res = await api(`api/v1/conversations/${encodeURIComponent(conv.id)}/follow-up`, {
        method: "POST",
        token: conv.token,
        body: { email },
      });
      if (gen !== this.#generation) return;
      this.#followUpEmail = res?.follow_up_email ?? res?.queue?.follow_up_email ?? email;
      if (res?.queue) this.#queueInfo = res.queue;
      this.#clearError();
      this.#renderQueueStatus();
    } catch (err) {
      if (gen === this.#generation) this.#showError(err);
    } finally {
      ui.followUpSubmit.disabled = false;
    }
  }

  // --- handoff / close / csat ---------------------------------------------

  async #requestHuman() {
    const ui = this.#ui;
    ui.human.disabled = true;
    const gen = this.#generation;
    try {
      const conv = await this.#ensureConversation();
      const res = await api(`api/v1/conversations/${encodeURIComponent(conv.id)}/handoff`, {
        method: "POST",
        token: conv.token,
        body: {},
      });
      if (gen !== this.#generation) return;
      this.#convState = this.#convState === "assigned" ? "assigned" : "queued";
      this.#applyEvents(res?.events ?? []);
      this.#clearError();
    } catch (err) {
      if (gen === this.#generation) this.#showError(err);
    } finally {
      if (gen === this.#generation) this.#renderControls();
    }
  }

  async #endChat() {
    if (!this.#conv || this.#isClosed) return;
    const gen = this.#generation;
    const conv = this.#conv;
    this.#ui.endBtn.disabled = true;
    try {
      const res = await api(`api/v1/conversations/${encodeURIComponent(conv.id)}/close`, {
        method: "POST",
        token: conv.token,
        body: {},
      });
      if (gen !== this.#generation) return;
      this.#applyEvents(res?.events ?? []);
      this.#convState = "closed";
      this.#clearError();
    } catch (err) {
      if (gen !== this.#generation) return;
      if (err instanceof ApiError && err.status === 409) this.#convState = "closed";
      else this.#showError(err);
    }
    this.#renderControls();
    this.#renderCsat();
    const first = this.#ui.csat.querySelector("button");
    if (first && this.hasAttribute("open")) first.focus();
  }

  #renderCsat() {
    const t = this.#t;
    const csat = this.#ui.csat;
    if (!this.#isClosed) {
      csat.hidden = true;
      csat.replaceChildren();
      return;
    }
    const focusedIndex = [...csat.querySelectorAll("button, textarea")].indexOf(this.shadowRoot.activeElement);
    const comment = csat.querySelector("textarea")?.value ?? "";
    csat.hidden = false;
    csat.replaceChildren();
    const done = this.#hasCsat();
    const newChat = h("button", { class: "secondary", type: "button", "data-testid": "new-chat", text: t.newChat });
    newChat.addEventListener("click", () => this.#startNewChat());
    if (done) {
      csat.append(h("p", { class: "thanks", text: t.csatDone(done.csat?.score ?? "") }), newChat);
      return;
    }
    const stars = h("div", { class: "stars", role: "radiogroup", "aria-label": t.csatTitle });
    for (let n = 1; n <= 5; n++) {
      const star = h("button", {
        class: `star${n <= this.#csatScore ? " lit" : ""}`,
        type: "button",
        role: "radio",
        "aria-checked": String(n === this.#csatScore),
        "aria-label": t.csatStar(n),
        "data-testid": `csat-${n}`,
        text: "★",
        // Roving tab stop: one star in the tab order, arrows move between them.
        tabindex: n === (this.#csatScore || 1) ? "0" : "-1",
      });
      star.addEventListener("click", () => {
        this.#csatScore = n;
        this.#renderCsat();
        csat.querySelector(`[data-testid="csat-${n}"]`)?.focus();
      });
      star.addEventListener("keydown", (e) => {
        const d = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[e.key];
        if (!d) return;
        e.preventDefault();
        const next = Math.min(5, Math.max(1, n + d));
        this.#csatScore = next;
        this.#renderCsat();
        csat.querySelector(`[data-testid="csat-${next}"]`)?.focus();
      });
      stars.append(star);
    }
    const commentBox = h("textarea", { "aria-label": t.csatComment, placeholder: t.csatComment, maxlength: "2000" });
    commentBox.value = comment;
    const submit = h("button", { class: "primary", type: "button", "data-testid": "csat-submit", text: t.csatSubmit });
    submit.addEventListener("click", () => this.#submitCsat(commentBox.value));
    csat.append(
      h("fieldset", {}, h("legend", { text: t.csatTitle }), stars),
      commentBox,
      h("div", { class: "actions" }, submit, newChat),
    );
    if (focusedIndex >= 0) csat.querySelectorAll("button, textarea")[focusedIndex]?.focus();
  }

  async #submitCsat(comment) {
    if (!this.#csatScore) {
      this.#showError(this.#t.csatPick);
      return;
    }
    const gen = this.#generation;
    const conv = this.#conv;
    if (!conv) return;
    const body = { score: this.#csatScore };
    if (comment && comment.trim()) body.comment = comment.trim();
    try {
      const res = await api(`api/v1/conversations/${encodeURIComponent(conv.id)}/csat`, {
        method: "POST",
        token: conv.token,
        body,
      });
      if (gen !== this.#generation) return;
      this.#applyEvents(res?.events ?? []);
      this.#clearError();
      this.#renderCsat();
      this.#ui.csat.querySelector("button")?.focus();
    } catch (err) {
      if (gen === this.#generation) this.#showError(err);
    }
  }

  #startNewChat() {
    storageSet(this.#storageKey, null);
    this.#resetConversation();
    this.#ensureConversation()
      .then(() => this.#ui.input.focus())
      .catch(() => {});
  }

  // --- status line ---------------------------------------------------------

  #showError(err, sticky = true) {
    const t = this.#t;
    let text;
    if (typeof err === "string") text = err;
    else if (err instanceof ApiError) {
      if (err.status === 429) text = t.rateLimited;
      else if (err.code === "conversation_closed") text = t.chatEnded;
      else text = err.message && err.message !== err.code ? err.message : t.genericError;
    } else if (err && err.message === "stale") return;
    else text = navigator.onLine === false ? t.offline : t.networkError;
    this.#errorText = text;
    clearTimeout(this.#statusTimer);
    if (!sticky) this.#statusTimer = setTimeout(() => this.#clearError(), 8000);
    this.#renderStatus();
  }

  #clearError() {
    clearTimeout(this.#statusTimer);
    if (!this.#errorText) return;
    this.#errorText = "";
    this.#renderStatus();
  }

  #renderStatus() {
    const t = this.#t;
    const status = this.#ui.status;
    let text = "";
    let tone = "";
    if (this.#errorText) {
      text = this.#errorText;
      tone = "error";
    } else if (this.#conv && !this.#wsOpen) {
      if (navigator.onLine === false) text = t.offline;
      else text = this.#everConnected ? t.reconnecting : t.connecting;
    }
    if (status.textContent !== text) status.textContent = text;
    status.dataset.tone = tone;
    status.dataset.connection = this.#wsOpen ? "online" : this.#conv ? "offline" : "idle";
  }
}

// ---------------------------------------------------------------------------
// Registration and auto-mount

if (!customElements.get("tandem-chat")) customElements.define("tandem-chat", TandemChat);

function ownScript() {
  const scripts = [...document.querySelectorAll("script[src]")];
  return (
    scripts.find((s) => s.src === import.meta.url) ||
    scripts.find((s) => {
      try {
        return new URL(s.src, document.baseURI).pathname === new URL(import.meta.url).pathname;
      } catch {
        return false;
      }
    }) ||
    null
  );
}

function autoMount() {
  if (document.querySelector("tandem-chat")) return;
  const el = document.createElement("tandem-chat");
  const script = ownScript();
  if (script) {
    const { customerToken, language, heading } = script.dataset;
    if (customerToken) el.setAttribute("customer-token", customerToken);
    if (language) el.setAttribute("language", language);
    if (heading) el.setAttribute("heading", heading);
    if (script.dataset.mount === "none") return;
  }
  document.body.append(el);
}

// Wait for the document to finish parsing so a page that places its own
// <tandem-chat> (anywhere, even after this script tag) isn't given a second one.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount, { once: true });
else autoMount();

export { TandemChat };
