//! `tandem-handoff`: how long a customer's request for a person takes to reach an online
//! person's console.
//!
//! Starts `tandem serve` on loopback with a fresh SQLite data dir, creates people with
//! `tandem agent add`, logs them in, sets them online and opens their agent WebSockets.
//! Then, one customer at a time, opens a conversation, asks for a person (the widget's
//! button, or with `--via-chat` a sentence the AI reads), and measures the time from
//! sending the request until a console receives the offer for it. The person takes the
//! conversation and resolves it, so capacity never runs out. Only loopback is used.

#![forbid(unsafe_code)]

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use common::{Server, percentile, wait_ready};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Parser)]
struct Args {
    /// The tandem binary (default: `tandem` beside this program).
    #[arg(long)]
    tandem: Option<PathBuf>,
    /// Handoffs to measure.
    #[arg(long, default_value_t = 200)]
    handoffs: usize,
    /// People online, each with a console WebSocket.
    #[arg(long, default_value_t = 4)]
    people: usize,
    /// Ask in words through the AI instead of the button (loads the AI's models).
    #[arg(long)]
    via_chat: bool,
    #[arg(long, default_value_t = 18_090)]
    port: u16,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let binary = match args.tandem.clone() {
        Some(path) => path,
        None => std::env::current_exe()?.with_file_name("tandem"),
    };
    if !binary.exists() {
        bail!("{} not found; build it or pass --tandem", binary.display());
    }
    let data_dir = std::env::temp_dir().join(format!("tandem-handoff-{}", std::process::id()));
    std::fs::create_dir_all(&data_dir)?;
    for i in 0..args.people {
        let mut add = Command::new(&binary)
            .args(["agent", "add", &format!("Person {i}"), "--email"])
            .arg(format!("person{i}@bench.test"))
            .args(["--skills", "en", "--max-chats", "10", "--password-stdin"])
            .arg("--data-dir")
            .arg(&data_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .context("running tandem agent add")?;
        add.stdin
            .take()
            .context("stdin")?
            .write_all(b"bench password\n")?;
        if !add.wait()?.success() {
            bail!("tandem agent add failed");
        }
    }
    let mut command = Command::new(&binary);
    command
        .args(["serve", "--addr", &format!("127.0.0.1:{}", args.port)])
        .env("TANDEM_STORE__DATA_DIR", &data_dir)
        .env("TANDEM_RATE_LIMITS__IP_PER_MINUTE", "100000000")
        .env("TANDEM_RATE_LIMITS__IP_BURST", "1000000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if !args.via_chat {
        command.env("TANDEM_AGENT__DISABLED", "true");
    }
    let _server = Server(command.spawn().context("starting tandem")?);
    let base = format!("http://127.0.0.1:{}", args.port);
    let client = reqwest::Client::new();
    wait_ready(&client, &base, Duration::from_secs(300)).await?;

    // People log in, go online and open their consoles.
    let (offers_tx, mut offers_rx) = mpsc::unbounded_channel::<(usize, String, Instant)>();
    let mut tokens = Vec::new();
    for i in 0..args.people {
        let login: Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": format!("person{i}@bench.test"), "password": "bench password"}))
            .send()
            .await?
            .json()
            .await?;
        let token = login["token"].as_str().context("login token")?.to_owned();
        client
            .put(format!("{base}/api/v1/agent/status"))
            .bearer_auth(&token)
            .json(&json!({"status": "online"}))
            .send()
            .await?
            .error_for_status()?;
        let url = format!("ws://127.0.0.1:{}/api/v1/agent/ws?token={token}", args.port);
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
        let tx = offers_tx.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = ws.next().await {
                if let Message::Text(text) = message
                    && let Ok(frame) = serde_json::from_str::<Value>(&text)
                    && frame["type"] == "offer"
                    && let Some(id) = frame["conversation"]["id"].as_str()
                {
                    let _ = tx.send((i, id.to_owned(), Instant::now()));
                }
            }
        });
        tokens.push(token);
    }

    let mut latencies = Vec::with_capacity(args.handoffs);
    for n in 0..args.handoffs {
        let opened: Value = client
            .post(format!("{base}/api/v1/conversations"))
            .json(&json!({"language": "en"}))
            .send()
            .await?
            .json()
            .await?;
        let id = opened["id"].as_str().context("id")?.to_owned();
        let token = opened["token"].as_str().context("token")?.to_owned();
        let asked = Instant::now();
        let response = if args.via_chat {
            client
                .post(format!("{base}/api/v1/conversations/{id}/messages"))
                .bearer_auth(&token)
                .json(&json!({"text": "I want to talk to a person", "client_msg_id": format!("m{n}")}))
                .send()
                .await?
        } else {
            client
                .post(format!("{base}/api/v1/conversations/{id}/handoff"))
                .bearer_auth(&token)
                .send()
                .await?
        };
        response.error_for_status()?;
        let (person, received) = loop {
            let (person, offered, at) =
                tokio::time::timeout(Duration::from_secs(5), offers_rx.recv())
                    .await
                    .context("no offer within 5 s")?
                    .context("consoles closed")?;
            if offered == id {
                break (person, at);
            }
        };
        latencies.push(received - asked);
        let agent = &tokens[person];
        let path = format!("{base}/api/v1/agent/conversations/{id}");
        client
            .post(format!("{path}/claim"))
            .bearer_auth(agent)
            .send()
            .await?
            .error_for_status()?;
        client
            .post(format!("{path}/resolve"))
            .bearer_auth(agent)
            .json(&json!({"contact_reason": "other"}))
            .send()
            .await?
            .error_for_status()?;
    }
    latencies.sort();
    println!(
        "handoff -> console offer, {} handoffs ({}), {} people online:",
        latencies.len(),
        if args.via_chat {
            "asked in words through the AI"
        } else {
            "widget button"
        },
        args.people
    );
    println!(
        "  p50 {:.1} ms  p90 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(())
}
