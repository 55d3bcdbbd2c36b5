//! End-to-end test of the customer chat widget and the demo host page in a real
//! headless Chromium driven through chromedriver (WebDriver).
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (or the paths in
//! `TANDEM_CHROMIUM` / `TANDEM_CHROMEDRIVER`). Without them the tests print a
//! warning and pass, except when `CI=true`, where they fail.
//!
//! The widget lives in a Shadow DOM; WebDriver's "get shadow root" command lets
//! us find, click and type into its elements with real input events.

use std::future::Future;
use std::net::{Ipv4Addr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::elements::{Element, ShadowRoot};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_agent_app, spawn_demo_app};

/// Upper bound for any single "wait until the page shows X".
const WAIT: Duration = Duration::from_secs(10);
/// How often to re-check while waiting.
const POLL: Duration = Duration::from_millis(100);
/// Upper bound for chromedriver to start listening.
const DRIVER_START: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------
// Tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_widget_chat_handoff_and_reload_keep_history() {
    with_browser(|client, address| async move {
        client.goto(&format!("{address}/")).await.expect("open the demo page");

        // Pretend to be the first demo customer.
        let picker = client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("select#persona option:nth-child(2)"))
            .await
            .expect("the persona picker is filled from /demo/customers");
        let customer_id = picker.attr("value").await.unwrap().expect("option value");
        assert!(!customer_id.is_empty(), "the first persona option has a customer id");
        let select = client.find(Locator::Css("select#persona")).await.unwrap();
        select.select_by_value(&customer_id).await.expect("choose the persona");
        eventually("the demo page to hand a customer token to <tandem-chat>", async || {
            let token = client
                .execute(
                    "return document.querySelector('tandem-chat')?.getAttribute('customer-token') ?? null",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
            match token {
                Value::String(t) if t.split('.').count() == 3 => Ok(()),
                other => Err(format!("customer-token attribute is {other}")),
            }
        })
        .await;

        // Open the widget; focus moves into the panel.
        let root = widget_root(&client).await;
        open_panel(&root).await;
        let focused = active_testid(&client).await;
        assert_eq!(focused.as_deref(), Some("input"), "focus moves to the message box on open");

        // One message sent with Enter, one with the Send button.
        let first = "Hello, this is the browser test (sent with Enter)";
        let second = "And a second message (sent with the Send button)";
        let input = by_testid(&root, "input").await;
        input.send_keys(first).await.unwrap();
        input.send_keys(&Key::Enter.to_string()).await.unwrap();
        input.send_keys(second).await.unwrap();
        by_testid(&root, "send").await.click().await.expect("click Send");

        let stored = eventually("both messages to be stored and shown in order", async || {
            let messages = log_messages(&client).await?;
            let customer: Vec<&Msg> = messages
                .iter()
                .filter(|m| m.author == "customer" && m.kind == "message")
                .collect();
            let find = |needle: &str| customer.iter().position(|m| m.text.contains(needle));
            let (Some(i), Some(j)) = (find(first), find(second)) else {
                return Err(format!("customer messages so far: {customer:?}"));
            };
            let (a, b) = (customer[i], customer[j]);
            match (a.seq_num(), b.seq_num()) {
                (Some(sa), Some(sb)) if i < j && sa < sb => Ok(messages.clone()),
                _ => Err(format!("not stored in order yet: {a:?} / {b:?}")),
            }
        })
        .await;
        assert_eq!(
            stored
                .iter()
                .filter(|m| m.text.contains(first) || m.text.contains(second))
                .count(),
            2,
            "each message is shown exactly once (the optimistic bubble is replaced): {stored:?}"
        );
        assert_eq!(
            by_testid(&root, "input").await.prop("value").await.unwrap().as_deref(),
            Some(""),
            "the message box is cleared after sending"
        );

        // Ask for a person: the handoff notice appears, the button stays visible.
        let human = by_testid(&root, "human").await;
        assert!(human.is_displayed().await.unwrap(), "the 'Talk to a person' button is visible");
        human.click().await.expect("click 'Talk to a person'");
        eventually("the handoff notice", async || {
            let messages = log_messages(&client).await?;
            messages
                .iter()
                .find(|m| m.kind == "handoff" && m.seq_num().is_some() && !m.text.trim().is_empty())
                .map(|_| ())
                .ok_or_else(|| format!("log: {messages:?}"))
        })
        .await;
        assert!(
            by_testid(&root, "human").await.is_displayed().await.unwrap(),
            "the 'Talk to a person' button is always visible, also once queued"
        );

        let before = log_messages(&client).await.expect("read the log");
        assert_history_well_formed(&before);

        // Reload: same persona, same conversation, same history, nothing twice.
        client.refresh().await.expect("reload the page");
        let root = widget_root(&client).await;
        open_panel(&root).await;
        let after = eventually("the history to be replayed after a reload", async || {
            let after = log_messages(&client).await?;
            let prefix_matches = after.len() >= before.len()
                && before.iter().zip(&after).all(|(b, a)| b.same_event(a));
            if prefix_matches {
                Ok(after)
            } else {
                Err(format!("before reload: {before:?}\nafter reload: {after:?}"))
            }
        })
        .await;
        assert_history_well_formed(&after);
        let persona = client
            .find(Locator::Css("select#persona"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(persona.as_deref(), Some(customer_id.as_str()), "the persona survives a reload");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_widget_fits_a_phone_screen() {
    with_browser(|client, address| async move {
        client.set_window_size(360, 740).await.expect("resize the window");
        client.goto(&format!("{address}/")).await.expect("open the demo page");
        let viewport = viewport_width(&client).await;
        assert!(
            viewport <= 400.0,
            "the browser window should be phone-sized, but the viewport is {viewport}px wide"
        );

        let root = widget_root(&client).await;
        let launcher = by_testid(&root, "launcher").await;
        assert_eq!(launcher.attr("aria-label").await.unwrap().as_deref(), Some("Open chat"));
        assert_eq!(launcher.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));

        open_panel(&root).await;
        let panel = by_testid(&root, "panel").await;
        let (x, _y, width, _h) = panel.rectangle().await.unwrap();
        let viewport = viewport_width(&client).await;
        assert!(
            x >= -0.5 && x + width <= viewport + 0.5,
            "the panel ({x}..{}) fits the {viewport}px viewport",
            x + width
        );
        assert!(
            width >= viewport - 1.0,
            "the panel fills a narrow viewport ({width}px of {viewport}px)"
        );

        let human = by_testid(&root, "human").await;
        assert!(human.is_displayed().await.unwrap(), "'Talk to a person' is visible on a phone");
        let (hx, hy, hw, hh) = human.rectangle().await.unwrap();
        let height = client
            .execute("return window.innerHeight", vec![])
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(
            hx >= 0.0 && hx + hw <= viewport + 0.5 && hy >= 0.0 && hy + hh <= height + 0.5,
            "'Talk to a person' ({hx},{hy} {hw}x{hh}) lies inside the {viewport}x{height} viewport"
        );
        for id in ["input", "send"] {
            assert!(by_testid(&root, id).await.is_displayed().await.unwrap(), "{id} is visible");
        }

        // Screen-reader labels (the anonymous visitor gets the English UI).
        let label = async |id: &str| by_testid(&root, id).await.attr("aria-label").await.unwrap();
        assert_eq!(label("launcher").await.as_deref(), Some("Close chat"));
        assert_eq!(label("input").await.as_deref(), Some("Message"));
        assert_eq!(label("send").await.as_deref(), Some("Send"));
        assert_eq!(label("human").await.as_deref(), Some("Talk to a person"));

        // No sideways scrolling on the host page either.
        let overflow = client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(overflow <= 0.5, "the demo page scrolls sideways by {overflow}px at phone width");

        // Escape closes the panel and gives focus back to the launcher.
        assert_eq!(active_testid(&client).await.as_deref(), Some("input"));
        by_testid(&root, "input")
            .await
            .send_keys(&Key::Escape.to_string())
            .await
            .unwrap();
        eventually("Escape to close the panel", async || {
            let shown = by_testid(&root, "panel").await.is_displayed().await.map_err(|e| e.to_string())?;
            if shown { Err("panel still shown".to_owned()) } else { Ok(()) }
        })
        .await;
        assert_eq!(active_testid(&client).await.as_deref(), Some("launcher"));
    })
    .await;
}

// ---------------------------------------------------------------------------
// Page helpers

/// One `[data-testid=message]` bubble as the test sees it.
#[derive(Debug, Clone, Deserialize)]
struct Msg {
    seq: Option<String>,
    author: String,
    kind: String,
    state: Option<String>,
    text: String,
}

impl Msg {
    fn seq_num(&self) -> Option<u64> {
        self.seq.as_deref()?.parse().ok()
    }

    fn same_event(&self, other: &Msg) -> bool {
        self.seq == other.seq
            && self.author == other.author
            && self.kind == other.kind
            && self.text == other.text
    }
}

/// Every message shown, with a stored seq, strictly ascending (so in seq order
/// and no duplicates), nothing left "sending".
fn assert_history_well_formed(messages: &[Msg]) {
    assert!(!messages.is_empty(), "the log is empty");
    let mut last = 0;
    for m in messages {
        assert!(m.state.is_none(), "message still pending: {m:?}");
        let seq = m
            .seq_num()
            .unwrap_or_else(|| panic!("message without a numeric seq: {m:?}"));
        assert!(
            seq > last,
            "messages out of order or duplicated at seq {seq}: {messages:?}"
        );
        last = seq;
    }
}

const READ_LOG_JS: &str = r#"
    const root = document.querySelector('tandem-chat')?.shadowRoot;
    const log = root?.querySelector('[data-testid="log"]');
    if (!log) return null;
    return [...log.querySelectorAll('[data-testid="message"]')].map((m) => ({
        seq: m.getAttribute('data-seq'),
        author: m.getAttribute('data-author') ?? '',
        kind: m.getAttribute('data-kind') ?? '',
        state: m.getAttribute('data-state'),
        text: m.textContent ?? '',
    }));
"#;

async fn log_messages(client: &Client) -> Result<Vec<Msg>, String> {
    let value = client
        .execute(READ_LOG_JS, vec![])
        .await
        .map_err(|e| e.to_string())?;
    if value.is_null() {
        return Err("the widget's log is not rendered yet".to_owned());
    }
    serde_json::from_value(value).map_err(|e| format!("unexpected log shape: {e}"))
}

/// The `data-testid` of the focused element inside the widget, if focus is there.
async fn active_testid(client: &Client) -> Option<String> {
    let value = client
        .execute(
            "return document.querySelector('tandem-chat')?.shadowRoot?.activeElement?.getAttribute('data-testid') ?? null",
            vec![],
        )
        .await
        .expect("read the focused element");
    value.as_str().map(str::to_owned)
}

async fn viewport_width(client: &Client) -> f64 {
    client
        .execute("return document.documentElement.clientWidth", vec![])
        .await
        .expect("read the viewport width")
        .as_f64()
        .expect("a number")
}

/// Waits for `<tandem-chat>` to be defined and rendered and returns its shadow root.
async fn widget_root(client: &Client) -> ShadowRoot {
    eventually("<tandem-chat> and its shadow root", async || {
        let host = client
            .find(Locator::Css("tandem-chat"))
            .await
            .map_err(|e| format!("no <tandem-chat>: {e}"))?;
        let root = host
            .shadow_root()
            .await
            .map_err(|e| format!("no shadow root: {e}"))?;
        root.find(Locator::Css("[data-testid=\"launcher\"]"))
            .await
            .map_err(|e| format!("no launcher yet: {e}"))?;
        Ok(root)
    })
    .await
}

async fn by_testid(root: &ShadowRoot, id: &str) -> Element {
    root.find(Locator::Css(&format!("[data-testid=\"{id}\"]")))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid={id}] in the widget: {e}"))
}

/// Clicks the launcher unless the panel is already open (the widget restores an
/// open panel after a reload), then waits until the panel is shown.
async fn open_panel(root: &ShadowRoot) {
    let launcher = by_testid(root, "launcher").await;
    if launcher.attr("aria-expanded").await.unwrap().as_deref() != Some("true") {
        launcher.click().await.expect("click the launcher");
    }
    eventually("the chat panel to open", async || {
        let panel = by_testid(root, "panel").await;
        match panel.is_displayed().await {
            Ok(true) => Ok(()),
            Ok(false) => Err("panel hidden".to_owned()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;
}

/// Polls `probe` until it succeeds, for at most [`WAIT`]; panics with the last
/// observation otherwise.
async fn eventually<T>(what: &str, mut probe: impl AsyncFnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        match probe().await {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => {
                panic!("timed out after {WAIT:?} waiting for {what}; last seen: {last}")
            }
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_customer_extends_a_due_date_with_the_ai_using_quick_replies() {
    let Some(tools) = BrowserTools::find() else {
        return;
    };
    let app = spawn_agent_app().await;
    let store = std::sync::Arc::clone(&app.state.store);
    let order = tandem_domain::ledger::OrderId::parse("ORD-10001").unwrap();
    let before = store
        .order(&order)
        .await
        .unwrap()
        .unwrap()
        .order
        .installments[0]
        .due;
    with_browser_on(&tools, app, |client, address| async move {
        client.goto(&format!("{address}/")).await.expect("open the demo page");
        let select = client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("select#persona option[value=\"cus_anna\"]"))
            .await
            .expect("Anna is among the demo customers");
        select.click().await.expect("choose Anna");
        eventually("a customer token for Anna", async || {
            let token = client
                .execute("return document.querySelector('tandem-chat')?.getAttribute('customer-token') ?? null", vec![])
                .await
                .map_err(|e| e.to_string())?;
            token.as_str().map(|_| ()).ok_or_else(|| format!("token is {token}"))
        })
        .await;
        let root = widget_root(&client).await;
        open_panel(&root).await;
        let input = by_testid(&root, "input").await;
        input.send_keys("hi, can I get more time to pay for my Zalando order?").await.unwrap();
        input.send_keys(&Key::Enter.to_string()).await.unwrap();

        // The AI's proposal names the order; Yes and No are buttons.
        let yes = eventually("the AI's proposal with quick replies", async || {
            let messages = log_messages(&client).await?;
            let proposal = messages.iter().rev().find(|m| m.author == "ai").ok_or("no AI reply yet")?;
            if !proposal.text.contains("ORD-10001") {
                return Err(format!("AI said: {}", proposal.text));
            }
            let buttons = root
                .find_all(Locator::Css("[data-testid=\"quick-reply\"]"))
                .await
                .map_err(|e| e.to_string())?;
            for button in buttons {
                if button.text().await.map_err(|e| e.to_string())? == "Yes" {
                    return Ok(button);
                }
            }
            Err("no Yes button yet".to_owned())
        })
        .await;
        yes.click().await.expect("click Yes");
        eventually("the AI to confirm the extension", async || {
            let messages = log_messages(&client).await?;
            let done = messages.iter().any(|m| m.author == "ai" && m.text.contains("Done:"));
            if done { Ok(()) } else { Err(format!("log: {messages:?}")) }
        })
        .await;
    })
    .await;
    let after = store
        .order(&order)
        .await
        .unwrap()
        .unwrap()
        .order
        .installments[0]
        .due;
    assert_eq!(after, before + time::Duration::days(10));
}

/// Two browsers: a customer asks for a person in the widget; a person logged in to the
/// console sees it, takes it, reads the handoff summary, replies; the customer sees the
/// reply; the person resolves; the customer is asked for a rating.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_customer_reaches_a_person_in_the_console_and_rates_the_chat() {
    let Some(tools) = BrowserTools::find() else {
        return;
    };
    let app = spawn_agent_app().await;
    tandem_server::workforce::add_agent(
        app.state.store.as_ref(),
        tandem_server::workforce::NewAgent {
            name: "Priya Shah".into(),
            email: "priya@acme.test".into(),
            password: "correct horse".into(),
            role: tandem_domain::workforce::Role::Agent,
            skills: tandem_domain::workforce::Skills::parse_list("en,fraud").unwrap(),
            max_chats: 3,
        },
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    let address = app.address.clone();
    let agent_driver = ChromeDriver::start(&tools.chromedriver).await;
    let agent = agent_driver.session(&tools.chromium).await;
    let agent_for_test = agent.clone();
    with_browser_on(&tools, app, |customer, _| async move {
        let agent = agent_for_test;
        // The person logs in and goes online.
        agent.goto(&format!("{address}/console")).await.expect("open the console");
        let email = agent.wait().at_most(WAIT).for_element(Locator::Css("#login-email")).await.unwrap();
        email.send_keys("priya@acme.test").await.unwrap();
        agent.find(Locator::Css("#login-password")).await.unwrap().send_keys("correct horse").await.unwrap();
        agent.find(Locator::Css("#login-submit")).await.unwrap().click().await.unwrap();
        agent.wait().at_most(WAIT).for_element(Locator::Css("#workspace:not([hidden])")).await.expect("the workspace after login");
        let status = agent.find(Locator::Css("#status")).await.unwrap();
        status.select_by_value("online").await.expect("go online");

        // The customer asks for a person in the widget.
        customer.goto(&format!("{address}/")).await.expect("open the demo page");
        let persona = customer
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("select#persona option[value=\"cus_oliver\"]"))
            .await
            .expect("Oliver is among the demo customers");
        persona.click().await.expect("choose Oliver");
        eventually("a customer token for Oliver", async || {
            let token = customer
                .execute("return document.querySelector('tandem-chat')?.getAttribute('customer-token') ?? null", vec![])
                .await
                .map_err(|e| e.to_string())?;
            token.as_str().map(|_| ()).ok_or_else(|| format!("token is {token}"))
        })
        .await;
        let root = widget_root(&customer).await;
        open_panel(&root).await;
        let input = by_testid(&root, "input").await;
        input.send_keys("I would like to talk to a person please").await.unwrap();
        input.send_keys(&Key::Enter.to_string()).await.unwrap();
        eventually("the handoff notice in the widget", async || {
            let messages = log_messages(&customer).await?;
            if messages.iter().any(|m| m.kind == "handoff") { Ok(()) } else { Err(format!("log: {messages:?}")) }
        })
        .await;

        // While waiting, the widget shows the place in the queue.
        eventually("the queue status in the widget", async || {
            let line = root.find(Locator::Css("[data-testid=\"queue-line\"]")).await.map_err(|e| e.to_string())?;
            let text = line.text().await.map_err(|e| e.to_string())?;
            if text.contains("number 1") { Ok(()) } else { Err(format!("queue line: {text:?}")) }
        })
        .await;

        // The console shows it; the person takes it and reads the summary first.
        let claim = eventually("the conversation in the console's queue", async || {
            agent.find(Locator::Css("#queue li.conv .claim")).await.map_err(|e| e.to_string())
        })
        .await;
        claim.click().await.expect("claim");
        eventually("the handoff summary in the pane", async || {
            let summary = agent.find(Locator::Css("#summary")).await.map_err(|e| e.to_string())?;
            let text = summary.text().await.map_err(|e| e.to_string())?;
            if text.contains("cus_oliver") { Ok(()) } else { Err(format!("summary: {text}")) }
        })
        .await;
        let reply = "Hi Oliver, Priya here. How can I help?";
        eventually("the reply box", async || {
            let area = agent.find(Locator::Css("#reply")).await.map_err(|e| e.to_string())?;
            if area.is_enabled().await.map_err(|e| e.to_string())? { Ok(area) } else { Err("disabled".into()) }
        })
        .await
        .send_keys(reply)
        .await
        .unwrap();
        agent.find(Locator::Css("#send")).await.unwrap().click().await.expect("send");

        // The customer sees the person's reply.
        eventually("the person's reply in the widget", async || {
            let messages = log_messages(&customer).await?;
            if messages.iter().any(|m| m.author == "agent" && m.text.contains("Priya here")) {
                Ok(())
            } else {
                Err(format!("log: {messages:?}"))
            }
        })
        .await;

        // Resolved with a contact reason; the customer is asked for a rating.
        let reason = agent.find(Locator::Css("#resolve-reason")).await.unwrap();
        reason.select_by_value("general_question").await.expect("choose a contact reason");
        agent.find(Locator::Css("#resolve")).await.unwrap().click().await.expect("resolve");
        eventually("the rating prompt in the widget", async || {
            let csat = root.find(Locator::Css("[data-testid=\"csat\"]")).await.map_err(|e| e.to_string())?;
            match csat.is_displayed().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("csat hidden".into()),
                Err(e) => Err(e.to_string()),
            }
        })
        .await;
    })
    .await;
    if let Err(e) = agent.close().await {
        eprintln!("warning: closing the console session failed: {e}");
    }
    drop(agent_driver);
}

// ---------------------------------------------------------------------------
// Browser plumbing

/// Starts the demo app, chromedriver and a headless Chromium session, runs
/// `test` and always ends the browser session and chromedriver afterwards
/// (also when `test` panics).
async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(tools) = BrowserTools::find() else {
        return;
    };
    let app = spawn_demo_app().await;
    with_browser_on(&tools, app, test).await;
}

/// As [`with_browser`], on a given app.
async fn with_browser_on<F, Fut>(tools: &BrowserTools, app: TestApp, test: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let driver = ChromeDriver::start(&tools.chromedriver).await;
    let client = driver.session(&tools.chromium).await;

    let outcome = AssertUnwindSafe(test(client.clone(), app.address.clone()))
        .catch_unwind()
        .await;

    if let Err(e) = client.close().await {
        eprintln!("warning: closing the browser session failed: {e}");
    }
    drop(driver);
    drop(app);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

struct BrowserTools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

impl BrowserTools {
    /// `None` (after a loud warning) when a tool is missing outside CI; panics in CI.
    fn find() -> Option<Self> {
        let chromium = find_tool(
            "TANDEM_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let chromedriver = find_tool("TANDEM_CHROMEDRIVER", &["chromedriver"]);
        if let (Some(chromium), Some(chromedriver)) = (&chromium, &chromedriver) {
            return Some(Self {
                chromium: chromium.clone(),
                chromedriver: chromedriver.clone(),
            });
        }
        let missing: Vec<&str> = [
            ("chromium", chromium.is_none()),
            ("chromedriver", chromedriver.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, missing)| missing.then_some(name))
        .collect();
        let message = format!(
            "{} not found (looked in /usr/bin, $PATH and $TANDEM_CHROMIUM / $TANDEM_CHROMEDRIVER); \
             on Debian/Ubuntu: apt-get install chromium chromium-driver",
            missing.join(" and ")
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("browser tests need a headless Chromium in CI: {message}");
        }
        let bar = "!".repeat(78);
        eprintln!("\n{bar}\n!! WARNING: SKIPPING THE BROWSER TEST: {message}\n{bar}\n");
        None
    }
}

fn find_tool(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let dirs: Vec<PathBuf> = std::iter::once(PathBuf::from("/usr/bin"))
        .chain(
            std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                .unwrap_or_default(),
        )
        .collect();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|path| path.is_file())
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A chromedriver child process plus a fresh Chromium profile directory, both
/// cleaned up on drop.
struct ChromeDriver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl ChromeDriver {
    async fn start(binary: &Path) -> Self {
        let mut last_error = String::new();
        for _ in 0..10 {
            let port = free_port();
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            let profile = std::env::temp_dir().join(format!(
                "tandem-chromium-{}-{n}-{nanos}",
                std::process::id()
            ));
            std::fs::create_dir_all(&profile).expect("create a Chromium profile directory");
            let child = Command::new(binary)
                .arg(format!("--port={port}"))
                .arg("--log-level=SEVERE")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("failed to start {}: {e}", binary.display()));
            let mut driver = Self {
                child,
                port,
                profile,
            };
            match driver.wait_ready().await {
                Ok(()) => return driver,
                // Most likely someone else took the port in the meantime: try another.
                Err(e) => last_error = e,
            }
        }
        panic!("chromedriver did not start: {last_error}");
    }

    /// Polls chromedriver's `/status` until it reports ready.
    async fn wait_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| e.to_string())?;
        let url = format!("http://127.0.0.1:{}/status", self.port);
        let deadline = Instant::now() + DRIVER_START;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "chromedriver exited with {status} (port {} taken?)",
                    self.port
                ));
            }
            if let Ok(response) = http.get(&url).send().await
                && let Ok(body) = response.json::<Value>().await
                && body["value"]["ready"] == json!(true)
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "chromedriver not ready on port {} after {DRIVER_START:?}",
                    self.port
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn session(&self, chromium: &Path) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-quic",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", self.profile.display()),
                ],
            }),
        );
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| panic!("could not start a headless Chromium session: {e}"))
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A currently free port in 20000..30000 (below the ephemeral range, so the
/// kernel won't hand it to an outgoing connection meanwhile). Spread by process
/// id and a counter so parallel tests don't race for the same one.
fn free_port() -> u16 {
    let seed = std::process::id().wrapping_mul(7919);
    for _ in 0..1000 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = 20000 + (seed.wrapping_add(n.wrapping_mul(389)) % 10000) as u16;
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return port;
        }
    }
    panic!("no free port found in 20000..30000");
}
