// tandem agent console: login, presence and shifts, the routed queue, the
// conversation view with handoff summary and customer context, copilot, canned
// replies, internal notes, account tools, transfer, hand back and resolve.
//
// Served at /console (console.html) with /assets/console.js and /assets/console.css.
// Talks to the agent API of docs/agent-api.md. Plain ES module, no dependencies, no
// build step. Customer text is untrusted: everything is rendered with textContent /
// text nodes, never parsed as HTML.
//
// Layout of this file:
// - constants and labels
// - small helpers (DOM, storage, formatting)
// - API client and toasts
// - session: login, logout, start-up
// - header: presence, capacity, shifts
// - lists: mine and queue, timers, unread counts, offers
// - the live WebSocket
// - the conversation pane: summary, context, transcript, reply, copilot, tools, actions
// - keyboard shortcuts and wiring

const TOKEN_KEY = "tandem.console.token";
const SEEN_KEY = "tandem.console.seen";
const PROPOSALS_KEY = "tandem.console.proposals";
const SLA_AMBER_SECS = 60;
const SLA_RED_SECS = 180;
const TOAST_MS = 8000;
const TYPING_MS = 5000;
const MAX_TEXT = 4000;
const TEAM_TTL_MS = 10000;

const SKILL_QUEUES = [
  ["en", "English queue"],
  ["sv", "Swedish queue"],
  ["de", "German queue"],
  ["fraud", "Fraud"],
  ["vulnerable", "Vulnerable customers"],
  ["disputes", "Disputes"],
];

const CONTACT_REASONS = [
  ["extension", "Extension"],
  ["return", "Return"],
  ["dispute", "Dispute"],
  ["refund_status", "Refund status"],
  ["pay_now", "Pay now"],
  ["payment_declined", "Payment declined"],
  ["account_deletion", "Account deletion"],
  ["fees", "Fees"],
  ["fraud", "Fraud"],
  ["vulnerability", "Vulnerability"],
  ["complaint", "Complaint"],
  ["general_question", "General question"],
  ["other", "Other"],
];

const TOOLS = [
  { id: "lookup_orders", label: "Look up orders" },
  { id: "get_order", label: "Get order", order: true },
  { id: "refund_status", label: "Refund status", order: true },
  { id: "extend_due_date", label: "Extend due date", order: true, write: true },
  { id: "report_return", label: "Report a return", order: true, write: true },
  { id: "open_dispute", label: "Open a dispute", order: true, write: true, dispute: true },
  { id: "send_payment_link", label: "Send a payment link", order: true, write: true, installment: true },
  { id: "request_account_deletion", label: "Request account deletion", write: true },
];

const DISPUTE_REASONS = [
  ["not_received", "Not received"],
  ["wrong_item", "Wrong item"],
  ["faulty_item", "Faulty item"],
  ["charged_twice", "Charged twice"],
  ["unauthorized", "Unauthorized purchase"],
];

const HANDOFF_REASONS = {
  human_request: "Asked for a person",
  fraud: "Possible fraud",
  vulnerable: "Vulnerable customer",
  policy_exception: "Policy exception",
  not_understood: "The AI did not understand",
  frustration: "Frustrated customer",
};

const PRIORITIES = { urgent: "Urgent", high: "High", normal: "Normal" };
const STATES = { ai: "With the AI", queued: "Queued", assigned: "Assigned", closed: "Closed" };
const AUTHORS = { customer: "Customer", ai: "AI", agent: "Agent", system: "System" };

// ---------------------------------------------------------------------------
// State

const state = {
  token: null,
  me: null,
  assigned: [],
  queued: [],
  listsLoaded: false,
  team: [],
  teamLoadedAt: 0,
  canned: [],
  /** The open conversation: { id, summary, detail, events: Map(seq -> Event), copilot } */
  selected: null,
  loadGen: 0,
  /** { conversation: Summary, expiresAt: ms } */
  offer: null,
  ws: null,
  wsOpen: false,
  everConnected: false,
  backoff: 0,
  reconnectTimer: null,
  ticker: null,
  typingTimer: null,
  refreshTimer: null,
  /** conversation id -> { seen: seq read up to (null: never opened), last: highest seq known, unread } */
  seen: loadJson(SEEN_KEY, {}),
  /** conversation id -> [{ proposal, tool, words, afterSeq, state, note }] */
  proposals: loadJson(PROPOSALS_KEY, {}),
  /** conversation id -> unsent reply text */
  drafts: new Map(),
  /** The reply being sent, so a retry of the same text reuses its client_msg_id. */
  pendingReply: null,
};

// ---------------------------------------------------------------------------
// Helpers

const $ = (id) => document.getElementById(id);

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c != null && c !== false) el.append(c);
  return el;
}

function option(value, text, attrs = {}) {
  return h("option", { value, text, ...attrs });
}

function loadJson(key, fallback) {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

function saveJson(key, value) {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled: only this page view remembers it */
  }
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

function humanize(code) {
  const s = String(code ?? "").replace(/_/g, " ").trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "";
}

function label(table, code) {
  if (Array.isArray(table)) return table.find(([v]) => v === code)?.[1] ?? humanize(code);
  return table[code] ?? humanize(code);
}

function reasonLabel(reason) {
  return reason ? label(HANDOFF_REASONS, reason) : "No reason given";
}

function customerName(summary) {
  return summary?.customer?.name || "Unverified customer";
}

function formatClock(secs) {
  const s = Math.max(0, Math.floor(secs));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function formatDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso ?? "");
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function formatTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });
}

function formatRange(shift) {
  const a = new Date(shift.starts_at);
  const b = new Date(shift.ends_at);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return `${shift.starts_at} – ${shift.ends_at}`;
  const day = { weekday: "short", day: "numeric", month: "short" };
  const time = { hour: "2-digit", minute: "2-digit" };
  const start = `${a.toLocaleDateString(undefined, day)} ${a.toLocaleTimeString(undefined, time)}`;
  const end = a.toDateString() === b.toDateString()
    ? b.toLocaleTimeString(undefined, time)
    : `${b.toLocaleDateString(undefined, day)} ${b.toLocaleTimeString(undefined, time)}`;
  return `${start} – ${end}`;
}

function safeHref(raw) {
  try {
    const u = new URL(raw, location.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

function convPath(id, suffix = "") {
  return `/api/v1/agent/conversations/${encodeURIComponent(id)}${suffix}`;
}

function maxSeq(events) {
  let max = 0;
  for (const e of events ?? []) if (Number(e?.seq) > max) max = Number(e.seq);
  return max;
}

// ---------------------------------------------------------------------------
// API client and toasts

class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

async function api(path, { method = "GET", body, auth = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth && state.token) headers.Authorization = `Bearer ${state.token}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
    });
  } catch {
    throw new ApiError(0, "network", "The server could not be reached. Check your connection.");
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data?.error ?? {};
    const error = new ApiError(res.status, err.code || `http_${res.status}`, err.message || `HTTP ${res.status}`);
    if (res.status === 401 && auth && state.token) leaveWorkspace("Your session has ended. Please log in again.");
    throw error;
  }
  return data;
}

function toast(message, tone = "error") {
  const box = $("toast");
  const item = h("div", { class: `toast-item ${tone}`, "data-tone": tone });
  item.append(h("span", { class: "toast-text", text: message }));
  item.append(h("button", {
    type: "button",
    class: "toast-close",
    "aria-label": "Dismiss",
    text: "×",
    onclick: () => item.remove(),
  }));
  box.append(item);
  while (box.childElementCount > 4) box.firstElementChild.remove();
  setTimeout(() => item.remove(), tone === "error" ? TOAST_MS * 1.5 : TOAST_MS);
}

function showError(err, what) {
  if (err instanceof ApiError && err.status === 401) return; // back at the login form
  const message = err?.message || "Something went wrong.";
  toast(what ? `${what}: ${message}` : message, "error");
}

// ---------------------------------------------------------------------------
// Session

async function login(event) {
  event.preventDefault();
  const email = $("login-email").value.trim();
  const password = $("login-password").value;
  const error = $("login-error");
  error.textContent = "";
  if (!email || !password) {
    error.textContent = "Enter your email and password.";
    (email ? $("login-password") : $("login-email")).focus();
    return;
  }
  $("login-submit").disabled = true;
  try {
    const res = await api("/api/v1/auth/login", { method: "POST", body: { email, password }, auth: false });
    state.token = res.token;
    try {
      sessionStorage.setItem(TOKEN_KEY, res.token);
    } catch {
      /* this page view only */
    }
    $("login-password").value = "";
    await enterWorkspace(res.agent);
  } catch (err) {
    error.textContent = err.message || "Login failed.";
    $("login-password").focus();
  } finally {
    $("login-submit").disabled = false;
  }
}

async function logout() {
  $("logout").disabled = true;
  try {
    await api("/api/v1/auth/logout", { method: "POST" });
  } catch {
    /* the token is forgotten here either way */
  }
  $("logout").disabled = false;
  leaveWorkspace("");
}

async function enterWorkspace(agent) {
  state.me = agent ?? (await api("/api/v1/agent/me"));
  $("login").hidden = true;
  $("workspace").hidden = false;
  renderAgent();
  renderTransferOptions();
  clearInterval(state.ticker);
  state.ticker = setInterval(tick, 1000);
  connect();
  loadConversations();
  loadCanned();
  loadTeam();
  $("mine-title").setAttribute("tabindex", "-1");
  $("mine-title").focus();
}

/** Back to the login form (logout, or the token stopped working). */
function leaveWorkspace(message) {
  state.token = null;
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* ignore */
  }
  disconnect();
  clearInterval(state.ticker);
  state.ticker = null;
  state.me = null;
  state.assigned = [];
  state.queued = [];
  state.listsLoaded = false;
  state.offer = null;
  state.everConnected = false;
  closePane({ focusList: false });
  renderLists();
  renderOffer();
  $("workspace").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message || "";
  $("login-email").focus();
}

async function start() {
  wire();
  let token = null;
  try {
    token = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    /* no storage: log in every time */
  }
  if (!token) {
    $("login-email").focus();
    return;
  }
  state.token = token;
  try {
    await enterWorkspace(null);
  } catch (err) {
    if (state.token) leaveWorkspace(err.message);
  }
}

// ---------------------------------------------------------------------------
// Header: presence, capacity, shifts

function renderAgent() {
  const a = state.me;
  if (!a) return;
  $("agent-name").textContent = a.name ?? a.email ?? "";
  $("agent-role").textContent = a.role ? humanize(a.role) : "";
  $("status").value = a.status ?? "offline";
  $("status").dataset.status = a.status ?? "offline";
  if (document.activeElement !== $("capacity")) $("capacity").value = String(a.max_chats ?? "");
  const active = state.listsLoaded ? state.assigned.filter(isMine).length : a.active_chats ?? 0;
  $("load").textContent = `${active} of ${a.max_chats ?? "?"} chats`;
  renderShifts();
}

async function changeStatus() {
  const status = $("status").value;
  try {
    state.me = await api("/api/v1/agent/status", { method: "PUT", body: { status } });
    renderAgent();
    if (status === "offline") toast("You are offline: your conversations went back to the queue.", "info");
  } catch (err) {
    showError(err, "Status not changed");
    renderAgent();
  }
}

async function changeCapacity() {
  const input = $("capacity");
  const max = Number(input.value);
  if (!Number.isInteger(max) || max < 1 || max > 10) {
    toast("Max chats must be a whole number from 1 to 10.");
    input.value = String(state.me?.max_chats ?? "");
    return;
  }
  if (max === state.me?.max_chats) return;
  try {
    state.me = await api("/api/v1/agent/capacity", { method: "PUT", body: { max_chats: max } });
    renderAgent();
  } catch (err) {
    showError(err, "Capacity not changed");
    input.value = String(state.me?.max_chats ?? "");
  }
}

function sortedShifts() {
  return [...(state.me?.shifts ?? [])].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
}

function renderShifts() {
  const shifts = sortedShifts();
  $("shift-count").textContent = String(shifts.length);
  const list = $("shift-list");
  if (!shifts.length) {
    list.replaceChildren(h("li", { class: "empty", text: "No planned shifts." }));
    return;
  }
  list.replaceChildren(
    ...shifts.map((s) => {
      const range = formatRange(s);
      return h(
        "li",
        { class: "shift" },
        h("span", { text: range }),
        h("button", {
          type: "button",
          class: "remove-shift",
          "aria-label": `Remove the shift ${range}`,
          text: "Remove",
          onclick: () => saveShifts(shifts.filter((x) => x !== s)),
        }),
      );
    }),
  );
}

async function saveShifts(shifts) {
  try {
    state.me = await api("/api/v1/agent/shifts", {
      method: "PUT",
      body: { shifts: shifts.map(({ starts_at, ends_at }) => ({ starts_at, ends_at })) },
    });
    renderAgent();
    return true;
  } catch (err) {
    showError(err, "Shifts not saved");
    renderShifts();
    return false;
  }
}

async function addShift(event) {
  event.preventDefault();
  const start = new Date($("shift-start").value);
  const end = new Date($("shift-end").value);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
    toast("Give the shift a start and an end.");
    return;
  }
  if (end <= start) {
    toast("A shift must end after it starts.");
    return;
  }
  const shift = { starts_at: start.toISOString(), ends_at: end.toISOString() };
  if (await saveShifts([...sortedShifts(), shift])) {
    $("shift-start").value = "";
    $("shift-end").value = "";
  }
}

// ---------------------------------------------------------------------------
// Lists: mine and queue

async function loadConversations() {
  try {
    const res = await api("/api/v1/agent/conversations");
    applyLists(res?.assigned, res?.queued);
  } catch (err) {
    showError(err, "Conversations not loaded");
  }
}

function applyLists(assigned, queued) {
  state.assigned = Array.isArray(assigned) ? assigned : [];
  state.queued = Array.isArray(queued) ? queued : [];
  state.listsLoaded = true;
  for (const s of state.assigned) noteSummary(s);
  pruneSeen();
  renderLists();
  renderAgent();
  syncOfferWithLists();
  syncSelectedWithLists();
}

function findSummary(id) {
  return state.assigned.find((s) => s.id === id) ?? state.queued.find((s) => s.id === id) ?? null;
}

function isMine(summary) {
  if (!summary || !state.me) return false;
  if (summary.state === "closed") return false;
  if (summary.assignee) return summary.assignee.id === state.me.id;
  return summary.state === "assigned" && state.assigned.some((s) => s.id === summary.id);
}

function renderLists() {
  const focused = document.activeElement?.closest?.(".conv");
  const focusId = focused?.dataset.id;
  const focusClass = document.activeElement?.classList?.contains("claim") ? "claim" : "conv-open";

  renderList($("mine"), state.assigned, "mine");
  renderList($("queue"), state.queued, "queue");
  $("mine-count").textContent = String(state.assigned.length);
  $("queue-count").textContent = String(state.queued.length);
  $("mine-empty").hidden = state.assigned.length > 0;
  $("queue-empty").hidden = state.queued.length > 0;

  if (focusId && !document.activeElement?.closest?.(".conv")) {
    const li = document.querySelector(`.conv[data-id="${CSS.escape(focusId)}"]`);
    (li?.querySelector(`.${focusClass}`) ?? li?.querySelector(".conv-open"))?.focus();
  }
  const unread = state.assigned.reduce((n, s) => n + unreadCount(s.id), 0);
  document.title = `${unread ? `(${unread}) ` : ""}Agent console · tandem`;
  tick();
}

/** Keyed update: an item whose data did not change keeps its element (and focus). */
function renderList(ul, summaries, where) {
  const existing = new Map([...ul.children].map((li) => [li.dataset.id, li]));
  const items = summaries.map((s) => {
    const key = itemKey(s, where);
    const old = existing.get(s.id);
    if (old && old.dataset.key === key) return old;
    const li = convItem(s, where);
    li.dataset.key = key;
    return li;
  });
  const same = items.length === ul.children.length && items.every((li, i) => ul.children[i] === li);
  if (!same) ul.replaceChildren(...items);
  for (const li of items) {
    if (li.dataset.id === state.selected?.id) li.setAttribute("aria-current", "true");
    else li.removeAttribute("aria-current");
  }
}

function itemKey(s, where) {
  // The timer runs from the first render; a new waiting_secs alone changes nothing.
  const { waiting_secs: _w, offer_expires_in_secs: _o, ...rest } = s;
  return JSON.stringify([rest, where === "mine" ? unreadCount(s.id) : 0, state.me?.id ?? null]);
}

function priorityBadge(priority) {
  const p = PRIORITIES[priority] ? priority : "normal";
  return h("span", { class: `badge priority ${p}`, "data-priority": p, text: PRIORITIES[p] });
}

function sinceMs(summary) {
  if (Number.isFinite(summary.waiting_secs)) return Date.now() - summary.waiting_secs * 1000;
  const t = Date.parse(summary.queued_at);
  return Number.isNaN(t) ? null : t;
}

function convItem(s, where) {
  const li = h("li", { class: "conv", "data-id": s.id, "data-state": s.state ?? "", "data-priority": s.priority ?? "" });
  if (s.offered_to_me) li.classList.add("offered");

  const name = customerName(s);
  const open = h("button", { type: "button", class: "conv-open", onclick: () => openConversation(s.id) });
  const top = h("span", { class: "conv-top" }, h("span", { class: "conv-name", text: name }), priorityBadge(s.priority));
  const unread = where === "mine" ? unreadCount(s.id) : 0;
  if (unread > 0) {
    top.append(
      h("span", { class: "unread", text: String(unread) }),
      h("span", { class: "sr-only", text: ` unread ${unread === 1 ? "message" : "messages"}` }),
    );
  }
  open.append(top);

  const meta = h(
    "span",
    { class: "conv-meta" },
    h("span", { class: "conv-reason", text: reasonLabel(s.reason) }),
    h("span", { class: "conv-lang", title: "Language", text: (s.language || "?").toUpperCase() }),
  );
  const since = sinceMs(s);
  if (since != null) {
    meta.append(h("span", { class: "timer", "data-since": String(since), title: "Waiting since it was queued" }));
  }
  open.append(meta);
  if (s.summary) open.append(h("span", { class: "conv-summary", text: s.summary }));
  if (s.follow_up_email) open.append(h("span", { class: "follow-up", text: `Follow-up: ${s.follow_up_email}` }));
  if (s.assignee && state.me && s.assignee.id !== state.me.id) {
    open.append(h("span", { class: "assignee", text: `With ${s.assignee.name}` }));
  }
  if (s.offered_to_me) open.append(h("span", { class: "offered-tag", text: "Offered to you" }));
  li.append(open);

  if (where === "queue") {
    li.append(h("button", {
      type: "button",
      class: "claim",
      "aria-label": `Claim the conversation with ${name}`,
      text: "Claim",
      onclick: () => claim(s.id),
    }));
  }
  return li;
}

/** Once a second: the waiting timers and the offer countdown. */
function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll(".timer[data-since]")) {
    const secs = (now - Number(el.dataset.since)) / 1000;
    const level = secs >= SLA_RED_SECS ? "red" : secs >= SLA_AMBER_SECS ? "amber" : "ok";
    el.textContent = formatClock(secs);
    if (el.dataset.level !== level) {
      el.dataset.level = level;
      el.classList.toggle("amber", level === "amber");
      el.classList.toggle("red", level === "red");
    }
  }
  if (state.offer) {
    const left = Math.ceil((state.offer.expiresAt - now) / 1000);
    if (left <= 0) {
      state.offer = null;
      renderOffer();
    } else {
      $("offer-countdown").textContent = `${left} s`;
    }
  }
}

// --- unread counts -----------------------------------------------------------

function seenRecord(id) {
  if (!state.seen[id]) state.seen[id] = { seen: null, last: 0, unread: 0 };
  return state.seen[id];
}

function unreadCount(id) {
  return state.seen[id]?.unread || 0;
}

function saveSeen() {
  saveJson(SEEN_KEY, state.seen);
}

function pruneSeen() {
  const ids = Object.keys(state.seen);
  if (ids.length < 100) return;
  const live = new Set([...state.assigned, ...state.queued].map((s) => s.id));
  for (const id of ids) if (!live.has(id)) delete state.seen[id];
  saveSeen();
}

function markSeen(id, seq) {
  const r = seenRecord(id);
  r.seen = Math.max(r.seen ?? 0, seq);
  r.last = Math.max(r.last, seq);
  r.unread = 0;
  saveSeen();
}

/** A summary from the lists: catch up on events missed while not connected. */
function noteSummary(s) {
  if (state.selected?.id === s.id) return;
  const r = state.seen[s.id];
  if (!r || r.seen == null || (s.last_seq ?? 0) > r.last) recountUnread(s.id);
}

/** A live event of one of my conversations. */
function countIncoming(id, ev) {
  const seq = Number(ev.seq);
  if (state.selected?.id === id) {
    markSeen(id, seq);
    return;
  }
  const r = seenRecord(id);
  if (r.seen == null) {
    recountUnread(id);
    return;
  }
  if (seq <= r.last) return;
  r.last = seq;
  if (ev.author === "customer" && ev.kind === "message" && seq > r.seen) r.unread++;
  saveSeen();
}

const recounting = new Set();

/** Counts the customer messages after what I have read (or, for a conversation I
 *  never opened, after it was assigned to me). */
async function recountUnread(id) {
  if (recounting.has(id)) return;
  recounting.add(id);
  try {
    const detail = await api(convPath(id));
    if (state.selected?.id === id) return;
    const events = Array.isArray(detail?.events) ? detail.events : [];
    const r = seenRecord(id);
    if (r.seen == null) {
      const assigned = [...events].reverse().find((e) => e.kind === "assigned");
      r.seen = assigned ? Number(assigned.seq) : 0;
    }
    r.unread = events.filter((e) => e.author === "customer" && e.kind === "message" && Number(e.seq) > r.seen).length;
    r.last = Math.max(r.last, maxSeq(events), detail?.conversation?.last_seq ?? 0);
    saveSeen();
    renderLists();
  } catch {
    /* the count stays as it was */
  } finally {
    recounting.delete(id);
  }
}

// --- offers ----------------------------------------------------------------

function showOffer(conversation, expiresInSecs) {
  if (!conversation?.id) return;
  const secs = Number(expiresInSecs ?? conversation.offer_expires_in_secs ?? 30);
  state.offer = { conversation, expiresAt: Date.now() + Math.max(1, secs) * 1000 };
  renderOffer();
}

function renderOffer() {
  const box = $("offer");
  const o = state.offer;
  if (!o) {
    if (box.contains(document.activeElement)) $("mine-title").focus();
    box.hidden = true;
    return;
  }
  const c = o.conversation;
  const parts = [customerName(c), PRIORITIES[c.priority] ?? humanize(c.priority), reasonLabel(c.reason)];
  if (c.language) parts.push(c.language.toUpperCase());
  $("offer-text").textContent = parts.filter(Boolean).join(" · ");
  $("offer-summary").textContent = c.summary || "";
  $("offer-countdown").textContent = `${Math.max(0, Math.ceil((o.expiresAt - Date.now()) / 1000))} s`;
  box.dataset.priority = c.priority ?? "normal";
  box.hidden = false;
}

function syncOfferWithLists() {
  if (state.offer) {
    const id = state.offer.conversation.id;
    if (!state.queued.some((s) => s.id === id)) {
      state.offer = null;
      renderOffer();
    }
    return;
  }
  const offered = state.queued.find((s) => s.offered_to_me && Number(s.offer_expires_in_secs) > 0);
  if (offered) showOffer(offered, offered.offer_expires_in_secs);
}

async function acceptOffer() {
  if (!state.offer) return;
  const id = state.offer.conversation.id;
  state.offer = null;
  renderOffer();
  await claim(id);
}

function dismissOffer() {
  state.offer = null;
  renderOffer();
}

// ---------------------------------------------------------------------------
// The live WebSocket

function connect() {
  if (!state.token || state.ws) return;
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  const url = new URL("/api/v1/agent/ws", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", state.token);
  let ws;
  try {
    ws = new WebSocket(url);
  } catch {
    scheduleReconnect();
    return;
  }
  state.ws = ws;
  renderConnection();
  ws.addEventListener("open", () => {
    if (ws !== state.ws) return;
    const reconnected = state.everConnected;
    state.wsOpen = true;
    state.everConnected = true;
    state.backoff = 0;
    renderConnection();
    if (reconnected) {
      // Whatever happened while we were away.
      loadConversations();
      if (state.selected) refreshSelected();
    }
  });
  ws.addEventListener("message", (msg) => {
    if (ws !== state.ws || typeof msg.data !== "string") return;
    let frame;
    try {
      frame = JSON.parse(msg.data);
    } catch {
      return;
    }
    handleFrame(frame);
  });
  ws.addEventListener("close", (e) => {
    if (ws !== state.ws) return;
    state.ws = null;
    state.wsOpen = false;
    renderConnection();
    if (!state.token) return;
    // 1008 / 44xx: the server refused the token; check it over HTTP.
    if (e.code === 1008 || (e.code >= 4400 && e.code < 4500)) state.backoff = Math.max(state.backoff, 3);
    scheduleReconnect();
  });
}

function disconnect() {
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  const ws = state.ws;
  state.ws = null;
  state.wsOpen = false;
  if (ws) {
    try {
      ws.close(1000, "bye");
    } catch {
      /* ignore */
    }
  }
  renderConnection();
}

function scheduleReconnect() {
  if (!state.token || state.reconnectTimer) return;
  const base = Math.min(15000, 500 * 2 ** state.backoff);
  state.backoff = Math.min(state.backoff + 1, 8);
  const delay = base / 2 + Math.random() * (base / 2);
  state.reconnectTimer = setTimeout(async () => {
    state.reconnectTimer = null;
    if (state.backoff >= 3) {
      // Several failures in a row: is the session still valid? (A 401 logs out.)
      try {
        state.me = await api("/api/v1/agent/me");
        renderAgent();
      } catch {
        if (!state.token) return;
      }
    }
    connect();
  }, delay);
}

function renderConnection() {
  const el = $("connection");
  const s = state.wsOpen ? "live" : state.everConnected ? "reconnecting" : "connecting";
  el.dataset.state = s;
  el.textContent = { live: "Live", reconnecting: "Reconnecting…", connecting: "Connecting…" }[s];
}

function handleFrame(frame) {
  switch (frame?.type) {
    case "hello":
    case "agent": {
      const before = state.me?.status;
      if (frame.agent) state.me = frame.agent;
      renderAgent();
      if (frame.type === "agent" && before && state.me.status !== before) {
        toast(`Your status is now ${humanize(state.me.status).toLowerCase()}.`, "info");
      }
      break;
    }
    case "queue":
      applyLists(frame.assigned, frame.queued);
      break;
    case "offer":
      showOffer(frame.conversation, frame.expires_in_secs);
      break;
    case "event":
      onLiveEvent(frame.conversation, frame.event);
      break;
    default:
      break;
  }
}

function onLiveEvent(id, ev) {
  if (!id || !ev || typeof ev !== "object") return;
  const selected = state.selected?.id === id ? state.selected : null;
  if (ev.kind === "typing") {
    if (selected && ev.author === "customer") showTyping();
    return;
  }
  if (!Number.isFinite(Number(ev.seq))) return;
  countIncoming(id, ev);
  if (selected) {
    if (appendEvent(ev)) {
      if (ev.author === "customer") hideTyping();
      renderProposals();
      if (["handoff", "assigned", "closed"].includes(ev.kind)) scheduleRefresh();
    }
  }
  renderLists();
}

// ---------------------------------------------------------------------------
// The conversation pane

async function openConversation(id, { focus = "reply" } = {}) {
  delete $("tool").dataset.touched;
  if (!id) return;
  saveDraft();
  const gen = ++state.loadGen;
  const sameAsBefore = state.selected?.id === id;
  state.selected = {
    id,
    summary: findSummary(id) ?? { id },
    detail: null,
    events: new Map(),
    copilot: null,
  };
  $("pane-empty").hidden = true;
  const pane = $("conversation");
  pane.hidden = false;
  pane.setAttribute("aria-busy", "true");
  if (!sameAsBefore) {
    $("reply").value = state.drafts.get(id) ?? "";
    $("as-note").checked = false;
    $("tool-outcome").replaceChildren();
    $("resolve-reason").value = "";
  }
  renderPane();
  // Opening it is reading it: its unread badge goes at once.
  markSeen(id, state.selected.summary.last_seq ?? 0);
  renderLists();

  try {
    const detail = await api(convPath(id));
    if (gen !== state.loadGen) return;
    applyDetail(detail);
  } catch (err) {
    if (gen !== state.loadGen) return;
    showError(err, "Conversation not opened");
    if (err instanceof ApiError && [403, 404].includes(err.status)) closePane();
    return;
  } finally {
    if (gen === state.loadGen) pane.removeAttribute("aria-busy");
  }
  loadCopilot(id, gen);
  if (Date.now() - state.teamLoadedAt > TEAM_TTL_MS) loadTeam();
  if (focus === "reply") (isMine(state.selected.summary) ? $("reply") : $("claim").hidden ? $("reply") : $("claim")).focus();
}

function applyDetail(detail) {
  const sel = state.selected;
  if (!sel || !detail) return;
  sel.detail = detail;
  if (detail.conversation) sel.summary = detail.conversation;
  sel.events = new Map();
  for (const ev of detail.events ?? []) {
    const seq = Number(ev?.seq);
    if (Number.isFinite(seq) && ev.kind !== "typing") sel.events.set(seq, ev);
  }
  markSeen(sel.id, Math.max(maxSeq(detail.events), sel.summary.last_seq ?? 0));
  renderPane();
  renderLists();
}

/** Reloads the open conversation (after an action or a state change). */
async function refreshSelected() {
  const sel = state.selected;
  if (!sel) return;
  const gen = state.loadGen;
  try {
    const detail = await api(convPath(sel.id));
    if (gen === state.loadGen) applyDetail(detail);
  } catch (err) {
    if (gen === state.loadGen) showError(err, "Conversation not refreshed");
  }
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refreshSelected, 300);
}

/** The lists changed: keep the open conversation's header and actions current. */
function syncSelectedWithLists() {
  const sel = state.selected;
  if (!sel) return;
  const fresh = findSummary(sel.id);
  if (!fresh) return;
  const old = sel.summary;
  sel.summary = { ...old, ...fresh };
  if (old.state !== fresh.state || old.assignee?.id !== fresh.assignee?.id) scheduleRefresh();
  renderHeader();
  renderActions();
}

function closePane({ focusList = true } = {}) {
  const id = state.selected?.id;
  saveDraft();
  state.loadGen++;
  state.selected = null;
  hideTyping();
  $("conversation").hidden = true;
  $("pane-empty").hidden = false;
  for (const li of document.querySelectorAll(".conv[aria-current]")) li.removeAttribute("aria-current");
  if (!focusList) return;
  const li = id && document.querySelector(`.conv[data-id="${CSS.escape(id)}"] .conv-open`);
  (li || $("mine-title")).focus();
}

function saveDraft() {
  const sel = state.selected;
  if (!sel) return;
  const text = $("reply").value;
  if (text.trim()) state.drafts.set(sel.id, text);
  else state.drafts.delete(sel.id);
}

function renderPane() {
  if (!state.selected) return;
  renderHeader();
  renderSummary();
  renderContext();
  renderTranscript();
  renderActions();
  renderCanned();
  renderToolOrders();
  renderToolForm();
  renderProposals();
  renderCopilot();
}

function renderHeader() {
  const s = state.selected.summary;
  $("conv-title").textContent = customerName(s);
  const parts = [STATES[s.state] ?? humanize(s.state)];
  if (s.assignee) parts.push(isMine(s) ? "assigned to you" : `with ${s.assignee.name}`);
  if (s.language) parts.push(s.language.toUpperCase());
  parts.push(s.verified ? "verified" : "not verified");
  if (s.id) parts.push(s.id);
  $("conv-meta").textContent = parts.filter(Boolean).join(" · ");
}

// --- summary and context ---------------------------------------------------

function renderSummary() {
  const { detail, summary } = state.selected;
  const hand = detail?.handoff ?? {
    reason: summary.reason,
    priority: summary.priority,
    summary: summary.summary,
  };
  const box = $("summary");
  box.replaceChildren(
    h("h3", { text: "Handoff summary" }),
    h(
      "p",
      { class: "summary-line" },
      priorityBadge(hand.priority),
      h("span", { class: "summary-reason", text: reasonLabel(hand.reason) }),
    ),
    h("p", { class: "summary-text", text: hand.summary || (detail ? "The AI left no summary." : "Loading…") }),
  );
}

function fact(term, value) {
  return h("div", {}, h("dt", { text: term }), h("dd", { text: value || "—" }));
}

function renderContext() {
  const { detail, summary } = state.selected;
  const box = $("context");
  const c = detail?.customer ?? null;
  const verified = detail?.verified ?? summary.verified;
  const children = [
    h("h3", { text: "Customer" }),
    h("p", { class: `verified ${verified ? "yes" : "no"}`, text: verified ? "Verified customer" : "Not verified" }),
  ];
  const facts = h("dl", { class: "facts" });
  facts.append(
    fact("Name", c?.name ?? summary.customer?.name ?? "Unverified customer"),
    fact("Email", c?.email),
    fact("Market", c?.market),
    fact("Language", c?.language ?? summary.language),
  );
  if (summary.follow_up_email) facts.append(fact("Follow-up email", summary.follow_up_email));
  children.push(facts);
  if (detail) {
    children.push(ordersTable(detail.orders ?? [], verified));
    children.push(earlierList(detail.earlier ?? []));
  }
  box.replaceChildren(...children);
}

function merchantName(o) {
  if (o.merchant && typeof o.merchant === "object") return o.merchant.name ?? o.merchant.id ?? "";
  return o.merchant_name ?? o.merchant ?? "";
}

function money(minor, currency) {
  try {
    const format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency ?? ""}`.trim();
  }
}

/** An order's amount: `amount` in minor units (OrderCard), else the installments' sum. */
function orderTotal(o) {
  if (Number.isFinite(o.amount)) return money(o.amount, o.currency);
  if (o.total != null) {
    if (typeof o.total === "object") return `${o.total.amount ?? ""} ${o.total.currency ?? o.currency ?? ""}`.trim();
    return `${o.total} ${o.currency ?? ""}`.trim();
  }
  if (!Array.isArray(o.installments)) return "";
  let cents = 0;
  for (const i of o.installments) {
    const n = Number(i.amount);
    if (Number.isFinite(n)) cents += Math.round(n * 100);
  }
  return `${(cents / 100).toFixed(2)} ${o.currency ?? ""}`.trim();
}

function nextDue(o) {
  if ("next_due" in o) return o.next_due || "—";
  const i = (o.installments ?? []).find((x) => x.status === "overdue" || x.status === "scheduled");
  if (!i) return "—";
  return i.status === "overdue" ? `${i.due} (overdue)` : String(i.due ?? "");
}

function ordersTable(orders, verified) {
  const wrap = h("div", { class: "orders" }, h("h4", { text: "Orders" }));
  if (!orders.length) {
    wrap.append(h("p", { class: "hint", text: verified ? "No orders." : "Orders show once the customer is verified." }));
    return wrap;
  }
  const head = h("tr", {}, ...["Order", "Merchant", "Plan", "Status", "Amount", "Next due"].map((t) => h("th", { scope: "col", text: t })));
  const rows = orders.map((o) => {
    const items = (o.items ?? []).map((i) => i.name).filter(Boolean).join(", ");
    const merchant = h("td", { text: merchantName(o) });
    if (items) merchant.append(h("span", { class: "items", text: items }));
    return h(
      "tr",
      { "data-order": o.id },
      h("th", { scope: "row", text: o.id ?? "" }),
      merchant,
      h("td", { text: humanize(o.plan) }),
      h("td", { text: humanize(o.status) }),
      h("td", { class: "num", text: orderTotal(o) }),
      h("td", { text: nextDue(o) }),
    );
  });
  wrap.append(h("div", { class: "table-scroll" }, h("table", {}, h("thead", {}, head), h("tbody", {}, ...rows))));
  return wrap;
}

function earlierList(earlier) {
  const wrap = h("div", { class: "earlier" }, h("h4", { text: "Earlier conversations" }));
  if (!earlier.length) {
    wrap.append(h("p", { class: "hint", text: "None." }));
    return wrap;
  }
  wrap.append(
    h(
      "ul",
      {},
      ...earlier.map((e) =>
        h("li", { "data-id": e.id }, h("span", { text: formatDateTime(e.created_at) }), " · ", h("span", { text: STATES[e.state] ?? humanize(e.state) }), " · ", h("code", { text: e.id ?? "" })),
      ),
    ),
  );
  return wrap;
}

// --- transcript ------------------------------------------------------------

function authorLabel(ev) {
  const s = state.selected?.summary;
  switch (ev.author) {
    case "customer":
      return s?.customer?.name ?? AUTHORS.customer;
    case "agent": {
      if (ev.author_name) return ev.author_name;
      if (ev.author_id && ev.author_id === state.me?.id) return `${state.me.name} (you)`;
      const mate = state.team.find((a) => a.id === ev.author_id);
      return mate?.name ?? AUTHORS.agent;
    }
    default:
      return AUTHORS[ev.author] ?? humanize(ev.author);
  }
}

function eventText(ev) {
  if (typeof ev.text === "string" && ev.text) return ev.text;
  switch (ev.kind) {
    case "handoff":
      return ev.handoff ? `Handed over: ${reasonLabel(ev.handoff.reason)}.` : "Handed over to the team.";
    case "assigned":
      return ev.author === "ai" ? "Handed back to the AI." : "Assigned.";
    case "closed":
      return "Conversation closed.";
    case "csat":
      return ev.csat ? `CSAT ${ev.csat.score} / 5${ev.csat.comment ? `: ${ev.csat.comment}` : ""}` : "CSAT given.";
    default:
      return "";
  }
}

function eventEl(ev) {
  const author = String(ev.author ?? "system");
  const kind = String(ev.kind ?? "message");
  const look = kind === "message" ? author : kind === "note" ? "note internal" : "notice";
  const el = h("div", {
    class: `event ${look} by-${author}`,
    "data-seq": String(ev.seq),
    "data-author": author,
    "data-kind": kind,
  });
  const head = h("div", { class: "event-head" });
  if (kind === "note") head.append(h("span", { class: "badge internal", text: "Internal note" }));
  head.append(h("span", { class: "who", text: authorLabel(ev) }));
  if (ev.at) head.append(h("time", { datetime: ev.at, text: formatTime(ev.at) }));
  el.append(head);
  el.append(h("div", { class: "body", text: eventText(ev) }));
  if (ev.kind === "handoff" && ev.handoff) {
    el.append(h("p", { class: "event-extra" }, priorityBadge(ev.handoff.priority), ` ${ev.handoff.summary ?? ""}`));
  }
  if (Array.isArray(ev.tool_calls) && ev.tool_calls.length) {
    el.append(
      h(
        "ul",
        { class: "tool-calls" },
        ...ev.tool_calls.map((t) =>
          h("li", { text: `${t.ok ? "✓" : "✗"} ${t.tool} ${t.args && Object.keys(t.args).length ? JSON.stringify(t.args) : ""}` }),
        ),
      ),
    );
  }
  if (Array.isArray(ev.quick_replies) && ev.quick_replies.length) {
    el.append(h("p", { class: "event-extra", text: `Buttons: ${ev.quick_replies.map((q) => q.label).join(" / ")}` }));
  }
  return el;
}

function renderTranscript() {
  const box = $("transcript");
  const events = [...state.selected.events.values()].sort((a, b) => a.seq - b.seq);
  box.replaceChildren(...events.map(eventEl));
  if (!events.length && !state.selected.detail) box.append(h("p", { class: "hint", text: "Loading…" }));
  scrollTranscript(true);
}

/** Adds one event in seq order; false if it was already shown. */
function appendEvent(ev) {
  const sel = state.selected;
  const seq = Number(ev?.seq);
  if (!sel || !Number.isFinite(seq) || seq <= 0 || sel.events.has(seq) || ev.kind === "typing") return false;
  sel.events.set(seq, ev);
  const box = $("transcript");
  const nearEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const next = [...box.querySelectorAll(".event")].find((n) => Number(n.dataset.seq) > seq) ?? null;
  box.insertBefore(eventEl(ev), next);
  box.querySelector(":scope > .hint")?.remove();
  if (nearEnd || ev.author === "agent") scrollTranscript(true);
  return true;
}

function applyNewEvents(events) {
  const sel = state.selected;
  if (!sel) return;
  let stateChanged = false;
  for (const ev of events ?? []) {
    if (appendEvent(ev) && ["handoff", "assigned", "closed"].includes(ev.kind)) stateChanged = true;
  }
  markSeen(sel.id, Math.max(...sel.events.keys(), 0));
  renderProposals();
  if (stateChanged) scheduleRefresh();
}

function scrollTranscript(force) {
  const box = $("transcript");
  if (force) requestAnimationFrame(() => (box.scrollTop = box.scrollHeight));
}

function showTyping() {
  $("typing").textContent = "The customer is typing…";
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(hideTyping, TYPING_MS);
}

function hideTyping() {
  clearTimeout(state.typingTimer);
  $("typing").textContent = "";
}

// --- reply -----------------------------------------------------------------

function renderReplyState() {
  const sel = state.selected;
  if (!sel) return;
  const s = sel.summary;
  const note = $("as-note").checked;
  const mine = isMine(s);
  const closed = s.state === "closed";
  const form = $("reply-form");
  form.classList.toggle("as-note", note);
  $("send").textContent = note ? "Add note" : "Send";
  $("reply").placeholder = note
    ? "Internal note for the team, never shown to the customer… (Ctrl+Enter saves)"
    : "Write a reply… (Ctrl+Enter sends)";
  let hint = "";
  if (note) hint = "Only the team sees notes.";
  else if (closed) hint = "This conversation is closed.";
  else if (!mine && s.state === "queued") hint = "Claim the conversation to reply; notes are possible now.";
  else if (!mine && s.assignee) hint = `Assigned to ${s.assignee.name}: you can add a note.`;
  else if (!mine) hint = "The AI has this conversation: you can add a note.";
  $("reply-hint").textContent = hint;
  $("send").disabled = !note && (!mine || closed);
}

async function sendReply() {
  const sel = state.selected;
  if (!sel) return;
  const box = $("reply");
  const text = box.value.trim();
  if (!text) {
    box.focus();
    return;
  }
  if (text.length > MAX_TEXT) {
    toast(`A reply can be at most ${MAX_TEXT} characters.`);
    return;
  }
  const asNote = $("as-note").checked;
  if (!asNote && $("send").disabled) {
    toast($("reply-hint").textContent || "You cannot reply in this conversation.");
    return;
  }
  const id = sel.id;
  const send = $("send");
  send.disabled = true;
  try {
    let res;
    if (asNote) {
      res = await api(convPath(id, "/notes"), { method: "POST", body: { text } });
    } else {
      const p = state.pendingReply;
      if (!p || p.convId !== id || p.text !== text) state.pendingReply = { convId: id, text, clientMsgId: newClientMsgId() };
      res = await api(convPath(id, "/messages"), {
        method: "POST",
        body: { text, client_msg_id: state.pendingReply.clientMsgId },
      });
      state.pendingReply = null;
    }
    state.drafts.delete(id);
    if (state.selected?.id === id) {
      applyNewEvents(res?.events);
      // Clear only what was sent; anything typed meanwhile stays.
      if (box.value.trim() === text) box.value = "";
      box.focus();
    }
  } catch (err) {
    // The text stays in the box (and the same client_msg_id is reused on a retry).
    showError(err, asNote ? "Note not saved" : "Reply not sent");
  } finally {
    renderReplyState();
  }
}

// --- canned replies --------------------------------------------------------

async function loadCanned() {
  try {
    const res = await api("/api/v1/agent/canned");
    state.canned = Array.isArray(res?.replies) ? res.replies : [];
    renderCanned();
  } catch (err) {
    showError(err, "Canned replies not loaded");
  }
}

function renderCanned() {
  const select = $("canned");
  const lang = state.selected?.summary?.language ?? null;
  const groups = new Map();
  for (const r of state.canned) {
    const key = r.language ?? "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === lang ? -1 : b === lang ? 1 : a.localeCompare(b)));
  select.replaceChildren(option("", state.canned.length ? "Insert a canned reply…" : "No canned replies"));
  for (const key of keys) {
    const group = h("optgroup", { label: key ? key.toUpperCase() : "Any language" });
    for (const r of groups.get(key)) group.append(option(String(r.id), r.title ?? humanize(r.id)));
    select.append(group);
  }
  select.disabled = state.canned.length === 0;
}

function insertCanned() {
  const select = $("canned");
  const reply = state.canned.find((r) => String(r.id) === select.value);
  select.value = "";
  if (!reply) return;
  insertIntoReply(reply.text ?? "");
}

function insertIntoReply(text) {
  const box = $("reply");
  box.focus();
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? box.value.length;
  const before = box.value.slice(0, start);
  const sep = before && !/\s$/.test(before) ? " " : "";
  box.setRangeText(sep + text, start, end, "end");
  box.dispatchEvent(new Event("input", { bubbles: true }));
}

// --- copilot ---------------------------------------------------------------

async function loadCopilot(id, gen) {
  try {
    const copilot = await api(convPath(id, "/copilot"));
    if (gen !== state.loadGen || !state.selected) return;
    state.selected.copilot = copilot ?? {};
    renderCopilot();
  } catch (err) {
    if (gen !== state.loadGen || !state.selected) return;
    state.selected.copilot = { error: err.message };
    renderCopilot();
    showError(err, "Copilot unavailable");
  }
}

function renderCopilot() {
  const c = state.selected?.copilot;
  const suggestion = $("suggestion");
  const use = $("use-suggestion");
  const articles = $("articles");
  if (!c) {
    suggestion.textContent = "Loading…";
    use.disabled = true;
    articles.replaceChildren();
    $("copilot-reason").textContent = "";
    return;
  }
  if (c.error) {
    suggestion.textContent = `No suggestion: ${c.error}`;
    use.disabled = true;
    articles.replaceChildren();
    $("copilot-reason").textContent = "";
    return;
  }
  suggestion.textContent = c.suggested_reply || "No suggestion for this conversation.";
  use.disabled = !c.suggested_reply;
  const reason = c.contact_reason;
  const next = c.next_action;
  $("copilot-reason").textContent =
    (reason ? `Likely contact reason: ${label(CONTACT_REASONS, reason)}.` : "") +
    (next ? ` Next action: ${next.replaceAll("_", " ")}.` : "");
  const tool = $("tool");
  if (next && tool && [...tool.options].some((o) => o.value === next) && !tool.dataset.touched) {
    tool.value = next;
    tool.dispatchEvent(new Event("change"));
  }
  if (reason && !$("resolve-reason").value && CONTACT_REASONS.some(([v]) => v === reason)) {
    $("resolve-reason").value = reason;
  }
  const list = Array.isArray(c.articles) ? c.articles : [];
  articles.replaceChildren(
    ...list.map((a) => {
      const href = safeHref(a.url);
      const title = a.title || a.id || "Article";
      const li = h("li", { "data-id": a.id ?? "" });
      li.append(href ? h("a", { href, target: "_blank", rel: "noopener noreferrer", text: title }) : h("span", { text: title }));
      if (a.snippet) li.append(h("p", { class: "snippet", text: a.snippet }));
      return li;
    }),
  );
  if (!list.length) articles.append(h("li", { class: "hint", text: "No matching articles." }));
}

function useSuggestion() {
  const text = state.selected?.copilot?.suggested_reply;
  if (!text) return;
  const box = $("reply");
  box.value = box.value.trim() ? `${box.value.trimEnd()}\n\n${text}` : text;
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
}

// --- tools -----------------------------------------------------------------

function currentTool() {
  return TOOLS.find((t) => t.id === $("tool").value) ?? TOOLS[0];
}

function renderToolForm() {
  const tool = currentTool();
  $("tool-order-field").hidden = !tool.order;
  $("dispute-fields").hidden = !tool.dispute;
  $("installment-field").hidden = !tool.installment;
  $("tool-hint").textContent = tool.write
    ? "A write: its exact words go to the customer with Yes / No buttons; confirm it below once they answer."
    : "A read: the answer is shown to you only.";
  const s = state.selected?.summary;
  $("tool-run").disabled = !s || s.state === "closed";
}

function renderToolOrders() {
  const select = $("tool-order");
  const previous = select.value;
  const orders = state.selected?.detail?.orders ?? [];
  select.replaceChildren();
  if (!orders.length) {
    select.append(option("", state.selected?.detail ? "No orders" : "Loading…"));
    return;
  }
  for (const o of orders) {
    const text = [o.id, merchantName(o), orderTotal(o), humanize(o.status)].filter(Boolean).join(" · ");
    select.append(option(o.id, text));
  }
  if (orders.some((o) => o.id === previous)) select.value = previous;
}

function toolArgs(tool) {
  const args = {};
  if (tool.order) {
    const order = $("tool-order").value;
    if (!order) throw new Error("Choose an order first.");
    args.order = order;
  }
  if (tool.dispute) {
    args.reason = $("dispute-reason").value;
    args.merchant_contacted = $("dispute-merchant").checked;
    const details = $("dispute-details").value.trim();
    if (details) args.details = details;
  }
  if (tool.installment) {
    const raw = $("tool-installment").value.trim();
    if (raw) {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error("The installment is a number from 1.");
      args.installment = n;
    }
  }
  return args;
}

/** The tool answer as one object with a `kind`: flat (`outcome` names the kind, the
 *  rest beside it) or nested (`outcome` is an object). */
function toolOutcome(res) {
  if (!res || typeof res !== "object") return null;
  if (typeof res.outcome === "string") {
    const { events: _events, outcome, ...rest } = res;
    return { ...rest, kind: outcome };
  }
  return res.outcome && typeof res.outcome === "object" ? res.outcome : null;
}

function proposalIdOf(outcome) {
  if (!outcome || typeof outcome !== "object") return null;
  if (typeof outcome.proposal === "string") return outcome.proposal;
  if (outcome.proposal && typeof outcome.proposal === "object") return outcome.proposal.id ?? outcome.proposal.proposal ?? null;
  if (outcome.kind === "proposed" || outcome.type === "proposed" || outcome.status === "proposed") return outcome.id ?? null;
  return null;
}

function wordsOf(outcome) {
  if (!outcome || typeof outcome !== "object") return "";
  return outcome.words ?? outcome.proposal?.words ?? outcome.text ?? outcome.message ?? "";
}

async function runTool(event) {
  event.preventDefault();
  const sel = state.selected;
  if (!sel) return;
  const tool = currentTool();
  let args;
  try {
    args = toolArgs(tool);
  } catch (err) {
    toast(err.message);
    return;
  }
  const id = sel.id;
  const run = $("tool-run");
  run.disabled = true;
  $("tool-outcome").replaceChildren(h("p", { class: "hint", text: `Running ${tool.label.toLowerCase()}…` }));
  try {
    const res = await api(convPath(id, "/tools"), { method: "POST", body: { tool: tool.id, args } });
    if (state.selected?.id !== id) return;
    const events = res?.events ?? [];
    const outcome = toolOutcome(res);
    applyNewEvents(events);
    renderOutcome(outcome, tool.label);
    const proposal = proposalIdOf(outcome);
    if (proposal) {
      addProposal(id, {
        proposal,
        tool: tool.id,
        words: wordsOf(outcome),
        afterSeq: maxSeq(events) || Math.max(0, ...state.selected.events.keys()),
        state: "pending",
      });
    }
  } catch (err) {
    if (state.selected?.id === id) {
      $("tool-outcome").replaceChildren(h("p", { class: "error", text: err.message }));
    }
    showError(err, `${tool.label} failed`);
  } finally {
    renderToolForm();
  }
}

/** Shows a tool outcome; its shape varies by tool, so known fields first, then the raw JSON. */
function renderOutcome(outcome, title) {
  const box = $("tool-outcome");
  box.replaceChildren();
  if (!outcome || typeof outcome !== "object") {
    box.append(h("p", { text: `${title}: done.` }));
    return;
  }
  const kind = outcome.kind ?? outcome.type ?? outcome.status ?? (proposalIdOf(outcome) ? "proposed" : "");
  const refusal = outcome.refusal ?? (kind === "refused" ? outcome : null);
  const rule = refusal?.rule ?? outcome.rule;
  const head = h("p", { class: "outcome-head" }, h("strong", { text: title }));
  if (kind) head.append(h("span", { class: `badge outcome ${kind}`, text: humanize(kind) }));
  if (rule) head.append(h("span", { class: "badge rule", text: `Rule ${rule}` }));
  box.dataset.kind = kind;
  box.append(head);
  const words = wordsOf(outcome);
  if (words) box.append(h("p", { class: "outcome-words", text: words }));
  const orders = outcome.orders?.length ? outcome.orders : outcome.order ? [outcome.order] : null;
  if (Array.isArray(orders) && orders.length) {
    const list = orders.map((o) => (o && typeof o === "object" && o.order && typeof o.order === "object" ? o.order : o));
    box.append(
      h(
        "ul",
        { class: "outcome-orders" },
        ...list.map((o) =>
          h("li", {
            text: typeof o === "object" && o
              ? [o.id, merchantName(o), orderTotal(o), humanize(o.status), nextDue(o) !== "—" ? `next due ${nextDue(o)}` : ""].filter(Boolean).join(" · ")
              : String(o),
          }),
        ),
      ),
    );
  }
  if (Array.isArray(outcome.refunds) && outcome.refunds.length) {
    box.append(
      h("ul", { class: "outcome-refunds" }, ...outcome.refunds.map((r) => h("li", { text: `${r.amount ?? ""} refunded ${r.created_at ?? ""}`.trim() }))),
    );
  }
  const raw = h("details", { class: "raw" }, h("summary", { text: "Full result" }), h("pre", { text: JSON.stringify(outcome, null, 2) }));
  box.append(raw);
}

function addProposal(convId, proposal) {
  const list = state.proposals[convId] ?? [];
  if (!list.some((p) => p.proposal === proposal.proposal)) list.push(proposal);
  state.proposals[convId] = list;
  saveJson(PROPOSALS_KEY, state.proposals);
  renderProposals();
}

/** A customer message arrived after the proposal's words were sent. */
function customerAnsweredAfter(seq) {
  for (const ev of state.selected?.events.values() ?? []) {
    if (ev.author === "customer" && ev.kind === "message" && Number(ev.seq) > seq) return true;
  }
  return false;
}

function renderProposals() {
  const sel = state.selected;
  const list = $("proposals");
  if (!sel) {
    list.replaceChildren();
    return;
  }
  const items = state.proposals[sel.id] ?? [];
  const closed = sel.summary.state === "closed";
  list.replaceChildren(
    ...items.map((p) => {
      const li = h("li", { class: "proposal", "data-proposal": p.proposal, "data-state": p.state });
      li.append(h("p", { class: "proposal-tool", text: label(TOOLS.map((t) => [t.id, t.label]), p.tool) }));
      if (p.words) li.append(h("p", { class: "proposal-words", text: p.words }));
      const row = h("div", { class: "proposal-actions" });
      if (p.state === "pending") {
        const answered = customerAnsweredAfter(p.afterSeq ?? 0);
        row.append(
          h("button", {
            type: "button",
            class: "confirm primary",
            text: "Confirm",
            disabled: !answered || closed,
            onclick: (e) => confirmProposal(sel.id, p, e.currentTarget),
          }),
          h("button", {
            type: "button",
            class: "dismiss",
            text: "Dismiss",
            onclick: () => dismissProposal(sel.id, p),
          }),
          h("span", {
            class: "hint",
            text: answered
              ? "The customer answered: read their answer, then confirm."
              : "Waiting for the customer's answer…",
          }),
        );
      } else {
        row.append(h("span", { class: "hint", text: p.note || humanize(p.state) }));
      }
      li.append(row);
      return li;
    }),
  );
  $("proposals-empty").hidden = items.length > 0;
}

async function confirmProposal(convId, p, button) {
  if (button) button.disabled = true;
  try {
    const res = await api(convPath(convId, "/tools/confirm"), { method: "POST", body: { proposal: p.proposal } });
    p.state = "confirmed";
    p.note = "Confirmed; the result was sent to the customer.";
    saveJson(PROPOSALS_KEY, state.proposals);
    if (state.selected?.id === convId) {
      applyNewEvents(res?.events);
      renderOutcome(toolOutcome(res), "Confirmation");
    }
  } catch (err) {
    showError(err, "Not confirmed");
    if (button) button.disabled = false;
  } finally {
    if (state.selected?.id === convId) renderProposals();
  }
}

function dismissProposal(convId, p) {
  state.proposals[convId] = (state.proposals[convId] ?? []).filter((x) => x !== p);
  if (!state.proposals[convId].length) delete state.proposals[convId];
  saveJson(PROPOSALS_KEY, state.proposals);
  renderProposals();
}

// --- actions ---------------------------------------------------------------

function renderActions() {
  const sel = state.selected;
  if (!sel) return;
  const s = sel.summary;
  const mine = isMine(s);
  const open = s.state !== "closed";
  $("claim").hidden = !(open && !mine && (s.state === "queued" || s.state === "ai"));
  for (const id of ["resolve", "resolve-reason", "handback", "transfer", "transfer-to"]) {
    $(id).disabled = !mine || !open;
  }
  renderReplyState();
}

async function claim(id) {
  try {
    const res = await api(convPath(id, "/claim"), { method: "POST" });
    if (state.offer?.conversation.id === id) dismissOffer();
    // Move it locally right away; the queue frame follows.
    if (res?.conversation) {
      state.queued = state.queued.filter((s) => s.id !== id);
      if (!state.assigned.some((s) => s.id === id)) state.assigned = [...state.assigned, res.conversation];
      renderLists();
    }
    await openConversation(id);
  } catch (err) {
    showError(err, "Not claimed");
  } finally {
    loadConversations();
  }
}

async function conversationAction(suffix, body, what, done) {
  const sel = state.selected;
  if (!sel) return;
  const id = sel.id;
  const buttons = ["claim", "resolve", "handback", "transfer"].map($);
  for (const b of buttons) b.disabled = true;
  try {
    const res = await api(convPath(id, suffix), { method: "POST", body });
    if (state.selected?.id === id) applyNewEvents(res?.events);
    toast(done, "info");
    await refreshSelected();
  } catch (err) {
    showError(err, what);
  } finally {
    for (const b of buttons) b.disabled = false;
    if (state.selected) renderActions();
    loadConversations();
  }
}

function resolve() {
  const reason = $("resolve-reason").value;
  if (!reason) {
    toast("Choose a contact reason first.");
    $("resolve-reason").focus();
    return;
  }
  conversationAction("/resolve", { contact_reason: reason }, "Not resolved", "Resolved. The customer is asked for a rating.");
}

function handback() {
  conversationAction("/handback", {}, "Not handed back", "Handed back to the AI.");
}

function transfer() {
  const value = $("transfer-to").value;
  if (!value) {
    toast("Choose a teammate or a queue first.");
    $("transfer-to").focus();
    return;
  }
  const [kind, target] = [value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)];
  const body = kind === "agent" ? { agent_id: target } : { skill: target };
  const name = kind === "agent" ? state.team.find((a) => a.id === target)?.name ?? "a teammate" : label(SKILL_QUEUES, target);
  conversationAction("/transfer", body, "Not transferred", `Transferred to ${name}.`);
}

async function loadTeam() {
  state.teamLoadedAt = Date.now();
  try {
    const res = await api("/api/v1/agent/team");
    state.team = Array.isArray(res?.agents) ? res.agents : [];
    renderTransferOptions();
  } catch (err) {
    showError(err, "Team not loaded");
  }
}

function renderTransferOptions() {
  const select = $("transfer-to");
  const previous = select.value;
  select.replaceChildren(option("", "Transfer to…"));
  const mates = state.team.filter((a) => a.id !== state.me?.id && a.status === "online");
  const people = h("optgroup", { label: "Teammates online" });
  for (const a of mates) {
    const full = Number.isFinite(a.active_chats) && Number.isFinite(a.max_chats) && a.active_chats >= a.max_chats;
    const load = Number.isFinite(a.active_chats) ? ` (${a.active_chats}/${a.max_chats})` : "";
    people.append(option(`agent:${a.id}`, `${a.name}${load}${full ? " – full" : ""}`, { disabled: full }));
  }
  if (!mates.length) people.append(option("", "Nobody else is online", { disabled: true }));
  const queues = h("optgroup", { label: "Queues" });
  for (const [skill, text] of SKILL_QUEUES) queues.append(option(`skill:${skill}`, text));
  select.append(people, queues);
  if ([...select.options].some((o) => o.value === previous && !o.disabled)) select.value = previous;
}

// ---------------------------------------------------------------------------
// Keyboard shortcuts and wiring

function moveInMine(step) {
  const ids = state.assigned.map((s) => s.id);
  if (!ids.length) return;
  const at = ids.indexOf(state.selected?.id);
  const next = at < 0 ? (step > 0 ? 0 : ids.length - 1) : (at + step + ids.length) % ids.length;
  openConversation(ids[next], { focus: "none" }).then(() => {
    document.querySelector(`#mine .conv[data-id="${CSS.escape(ids[next])}"] .conv-open`)?.focus();
  });
}

function onKeydown(e) {
  if ($("workspace").hidden) return;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key === "Enter" && !e.altKey) {
    // Anywhere but another form (tools, shifts): send what is in the reply box.
    if (state.selected && !e.target.closest?.("form:not(#reply-form)")) {
      e.preventDefault();
      sendReply();
    }
    return;
  }
  if (e.altKey && !mod && !e.shiftKey) {
    // e.code, not e.key: on macOS Alt+A types "å".
    const action = {
      KeyA: () => acceptOffer(),
      KeyJ: () => moveInMine(1),
      KeyK: () => moveInMine(-1),
      KeyR: () => {
        if (!state.selected) return;
        const reason = $("resolve-reason");
        (reason.disabled ? $("resolve") : reason).focus();
      },
    }[e.code];
    if (action) {
      e.preventDefault();
      action();
    }
    return;
  }
  if (e.key === "Escape" && !e.defaultPrevented) {
    const open = [...document.querySelectorAll("details[open]")].find((d) => d.contains(e.target));
    if (open) {
      open.open = false;
      open.querySelector("summary")?.focus();
      return;
    }
    if (state.selected) {
      e.preventDefault();
      closePane();
    }
  }
}

function fillStaticSelects() {
  $("resolve-reason").append(...CONTACT_REASONS.map(([v, t]) => option(v, t)));
  $("tool").replaceChildren(...TOOLS.map((t) => option(t.id, t.write ? `${t.label} (asks the customer)` : t.label)));
  $("dispute-reason").replaceChildren(...DISPUTE_REASONS.map(([v, t]) => option(v, t)));
}

function wire() {
  fillStaticSelects();
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  $("status").addEventListener("change", changeStatus);
  $("capacity").addEventListener("change", changeCapacity);
  $("shift-form").addEventListener("submit", addShift);
  $("offer-accept").addEventListener("click", acceptOffer);
  $("offer-dismiss").addEventListener("click", dismissOffer);
  $("close-pane").addEventListener("click", () => closePane());
  $("claim").addEventListener("click", () => state.selected && claim(state.selected.id));
  $("resolve").addEventListener("click", resolve);
  $("handback").addEventListener("click", handback);
  $("transfer").addEventListener("click", transfer);
  $("transfer-to").addEventListener("focus", () => {
    if (Date.now() - state.teamLoadedAt > TEAM_TTL_MS) loadTeam();
  });
  $("reply-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sendReply();
  });
  $("as-note").addEventListener("change", renderReplyState);
  $("canned").addEventListener("change", insertCanned);
  $("use-suggestion").addEventListener("click", useSuggestion);
  $("tool").addEventListener("change", renderToolForm);
  // The person's own choice wins over the copilot's next action.
  $("tool").addEventListener("input", () => {
    $("tool").dataset.touched = "1";
  });
  $("tool-form").addEventListener("submit", runTool);
  document.addEventListener("keydown", onKeydown);
  window.addEventListener("online", () => {
    if (state.token && !state.ws) {
      state.backoff = 0;
      connect();
    }
  });
  renderToolForm();
  renderConnection();
}

start();
