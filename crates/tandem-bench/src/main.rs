//! `tandem-load`: starts a `tandem serve` process on loopback with a fresh SQLite data
//! dir (or a given PostgreSQL URL), opens conversations each with a live WebSocket, sends
//! customer messages at a fixed rate, and reports:
//! - the time a POST takes to be acknowledged (committed and answered),
//! - the time until the event arrives on the conversation's WebSocket,
//! - the server's resident memory (VmRSS, VmHWM) idle with all sockets open and at the end.
//!
//! The load generator shares the machine with the server, so numbers are pessimistic.
//! Only loopback addresses are used.

#![forbid(unsafe_code)]

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use common::{Server, percentile, wait_ready};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

#[derive(Debug, Parser)]
struct Args {
    /// The tandem binary (default: `tandem` beside this program).
    #[arg(long)]
    tandem: Option<PathBuf>,
    /// Conversations to open, each with one WebSocket.
    #[arg(long, default_value_t = 1000)]
    conversations: usize,
    /// Customer messages per second.
    #[arg(long, default_value_t = 300)]
    rate: u32,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 20)]
    secs: u64,
    /// Use PostgreSQL at this URL instead of a fresh SQLite file.
    #[arg(long)]
    database_url: Option<String>,
    /// Loopback port for the server.
    #[arg(long, default_value_t = 18_080)]
    port: u16,
}

fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Chat {
    id: String,
    token: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let binary = match args.tandem.clone() {
        Some(path) => path,
        None => std::env::current_exe()?.with_file_name("tandem"),
    };
    if !binary.exists() {
        bail!(
            "{} not found; build it with `cargo build --release` or pass --tandem",
            binary.display()
        );
    }
    let data_dir = std::env::temp_dir().join(format!("tandem-load-{}", std::process::id()));
    std::fs::create_dir_all(&data_dir)?;
    let mut command = Command::new(&binary);
    command
        .args(["serve", "--addr", &format!("127.0.0.1:{}", args.port)])
        .env("TANDEM_STORE__DATA_DIR", &data_dir)
        .env("TANDEM_RATE_LIMITS__IP_PER_MINUTE", "100000000")
        .env("TANDEM_RATE_LIMITS__IP_BURST", "1000000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(url) = &args.database_url {
        command.env("TANDEM_STORE__DATABASE_URL", url);
    }
    let server = Server(command.spawn().context("starting tandem")?);
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{}", args.port);
    let client = reqwest::Client::new();
    wait_ready(&client, &base, Duration::from_secs(30)).await?;
    let (rss_start, _) = memory_kib(pid);

    // Open conversations and their sockets.
    let started = Instant::now();
    let delivered: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut chats = Vec::with_capacity(args.conversations);
    let opened = futures_util::stream::iter(0..args.conversations)
        .map(|_| {
            let client = client.clone();
            let base = base.clone();
            let delivered = Arc::clone(&delivered);
            let port = args.port;
            async move {
                let body: Value = client
                    .post(format!("{base}/api/v1/conversations"))
                    .json(&json!({}))
                    .send()
                    .await?
                    .json()
                    .await?;
                let chat = Chat {
                    id: body["id"].as_str().context("id")?.to_owned(),
                    token: body["token"].as_str().context("token")?.to_owned(),
                };
                let url = format!(
                    "ws://127.0.0.1:{port}/api/v1/conversations/{}/ws?after=0&token={}",
                    chat.id, chat.token
                );
                let config = WebSocketConfig::default()
                    .read_buffer_size(4096)
                    .write_buffer_size(4096);
                let (ws, _) =
                    tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
                tokio::spawn(read_socket(ws, delivered));
                anyhow::Ok(chat)
            }
        })
        .buffer_unordered(64);
    tokio::pin!(opened);
    while let Some(chat) = opened.next().await {
        chats.push(chat?);
    }
    let open_secs = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (rss_idle, _) = memory_kib(pid);

    // Send at a fixed rate.
    let chats = Arc::new(chats);
    let acks: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let total = u64::from(args.rate) * args.secs;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(args.rate)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let send_started = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for n in 0..total {
        tick.tick().await;
        let chat_index = (n as usize * 7919) % chats.len();
        let (client, base, chats, acks, sent, errors) = (
            client.clone(),
            base.clone(),
            Arc::clone(&chats),
            Arc::clone(&acks),
            Arc::clone(&sent),
            Arc::clone(&errors),
        );
        tasks.push(tokio::spawn(async move {
            let chat = &chats[chat_index];
            let client_msg_id = format!("load-{n}");
            let at = Instant::now();
            sent.lock().unwrap().insert(client_msg_id.clone(), at);
            let response = client
                .post(format!("{base}/api/v1/conversations/{}/messages", chat.id))
                .bearer_auth(&chat.token)
                .json(&json!({"text": format!("where is my refund? ({n})"), "client_msg_id": client_msg_id}))
                .send()
                .await;
            match response {
                Ok(r) if r.status().is_success() => acks.lock().unwrap().push(at.elapsed()),
                _ => {
                    errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let send_secs = send_started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (rss_end, rss_peak) = memory_kib(pid);

    let mut acks = acks.lock().unwrap().clone();
    acks.sort();
    let sent = sent.lock().unwrap();
    let delivered = delivered.lock().unwrap();
    let mut deliveries: Vec<Duration> = sent
        .iter()
        .filter_map(|(id, at)| {
            delivered
                .get(id)
                .map(|got| got.saturating_duration_since(*at))
        })
        .collect();
    deliveries.sort();
    let errors = errors.load(std::sync::atomic::Ordering::Relaxed);
    let store = if args.database_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    };

    println!(
        "tandem-load: store={store} conversations={} websockets={} rate={}/s secs={}",
        args.conversations,
        chats.len(),
        args.rate,
        args.secs
    );
    println!(
        "open: {} conversations + sockets in {open_secs:.1} s",
        chats.len()
    );
    println!(
        "send: {} messages in {send_secs:.1} s ({:.0}/s achieved), {errors} errors",
        acks.len(),
        acks.len() as f64 / send_secs
    );
    println!(
        "ack ms: p50 {:.1}  p99 {:.1}  max {:.1}",
        percentile(&acks, 0.5),
        percentile(&acks, 0.99),
        percentile(&acks, 1.0)
    );
    println!(
        "ws delivery ms: p50 {:.1}  p99 {:.1}  max {:.1}  ({} of {} delivered)",
        percentile(&deliveries, 0.5),
        percentile(&deliveries, 0.99),
        percentile(&deliveries, 1.0),
        deliveries.len(),
        sent.len()
    );
    println!(
        "server RSS MiB: start {:.0}  idle with sockets {:.0}  end {:.0}  peak {:.0}",
        rss_start as f64 / 1024.0,
        rss_idle as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        rss_peak as f64 / 1024.0
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
    if errors > 0 || deliveries.len() < sent.len() {
        bail!(
            "{errors} failed sends, {} undelivered events",
            sent.len() - deliveries.len()
        );
    }
    Ok(())
}

async fn read_socket(
    mut ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    delivered: Arc<Mutex<HashMap<String, Instant>>>,
) {
    while let Some(Ok(frame)) = ws.next().await {
        if let Message::Text(text) = frame
            && let Ok(event) = serde_json::from_str::<Value>(&text)
            && let Some(id) = event["client_msg_id"].as_str()
        {
            delivered
                .lock()
                .unwrap()
                .insert(id.to_owned(), Instant::now());
        }
    }
}
