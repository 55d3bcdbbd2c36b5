//! The `tandem` command as a user runs it.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn tandem() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
}

fn run(args: &[&str]) -> Output {
    tandem().args(args).output().expect("tandem runs")
}

/// A free loopback port below 32768.
fn free_port() -> u16 {
    for i in 0..500u32 {
        let port = 12_000 + ((std::process::id() * 7 + i * 131) % 18_000) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port");
}

struct Demo {
    child: Child,
    base: String,
}

impl Demo {
    async fn start(data_dir: &Path) -> Self {
        let port = free_port();
        let child = tandem()
            .args(["demo", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tandem demo starts");
        let demo = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let probe = reqwest::get(format!("{}/readyz", demo.base)).await;
            if probe.is_ok_and(|r| r.status().is_success()) {
                return demo;
            }
            assert!(
                Instant::now() < deadline,
                "tandem demo did not become ready within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    async fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "tandem did not exit within {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn prints_the_default_config() {
    let out = run(&["print-default-config"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for section in [
        "[server]",
        "[store]",
        "[auth]",
        "[rate_limits]",
        "TANDEM_SERVER__ADDR",
    ] {
        assert!(text.contains(section), "{section} missing from\n{text}");
    }
}

#[test]
fn the_demo_refuses_to_listen_beyond_loopback() {
    let out = run(&[
        "demo",
        "--addr",
        "0.0.0.0:18080",
        "--data-dir",
        "/nonexistent/never-created",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loopback"), "{err}");
    assert!(!Path::new("/nonexistent/never-created").exists());
}

#[test]
fn bad_configuration_is_reported_clearly() {
    let out = run(&["serve", "--config", "/nonexistent/tandem.toml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = run(&["serve", "--database-url", "mysql://localhost/x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("database_url"));
    let out = tandem()
        .args(["serve"])
        .env("TANDEM_SERVER__ADDR", "not-an-address")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("addr"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Acknowledged messages survive a killed process; SIGTERM shuts down cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_a_kill_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Demo::start(dir.path()).await;
    let client = reqwest::Client::new();
    let base = demo.base.clone();
    let customers: Value = client
        .get(format!("{base}/demo/customers"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        customers.as_array().unwrap().len() >= 5,
        "the demo seeds customers"
    );
    let opened: Value = client
        .post(format!("{base}/api/v1/conversations"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, token) = (
        opened["id"].as_str().unwrap().to_owned(),
        opened["token"].as_str().unwrap().to_owned(),
    );
    for i in 0..20 {
        let response = client
            .post(format!("{base}/api/v1/conversations/{id}/messages"))
            .bearer_auth(&token)
            .json(&json!({"text": format!("message {i}"), "client_msg_id": format!("m{i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    demo.signal("-KILL");
    drop(demo);

    let mut demo = Demo::start(dir.path()).await;
    let events: Value = client
        .get(format!(
            "{}/api/v1/conversations/{id}/events?after=0",
            demo.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Every acknowledged customer message survived (the AI's answers are beside them).
    let texts: Vec<_> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["author"] == "customer")
        .map(|e| e["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        texts,
        (0..20).map(|i| format!("message {i}")).collect::<Vec<_>>()
    );

    demo.signal("-TERM");
    let status = demo.wait_exit(Duration::from_secs(10)).await;
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

/// `tandem ledger serve` answers the ledger contract and stops cleanly on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_serves_the_contract_and_sigterm_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = tandem()
        .args([
            "ledger",
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tandem ledger serve starts");
    let mut ledger = Demo {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let response = loop {
        if let Ok(response) = reqwest::get(format!("{}/orders/UNKNOWN", ledger.base)).await {
            break response;
        }
        assert!(
            Instant::now() < deadline,
            "tandem ledger serve did not answer within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found", "{body}");

    ledger.signal("-TERM");
    let status = ledger.wait_exit(Duration::from_secs(10)).await;
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

/// `tandem agent add` as an operator runs it: the password from stdin, clear errors for
/// a taken email and bad skills, a generated password printed once otherwise; the
/// account then logs in on `tandem serve`.
#[test]
fn agent_add_creates_accounts_that_log_in() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let add = |email: &str, skills: &str, stdin: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"));
        command.args([
            "agent",
            "add",
            "Sara Holm",
            "--email",
            email,
            "--skills",
            skills,
            "--data-dir",
            data,
        ]);
        if stdin.is_some() {
            command.arg("--password-stdin");
        }
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(password) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(password.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    };
    let made = add(
        "sara@acme.test",
        "en,sv,vulnerable",
        Some("a long password\n"),
    );
    let out = String::from_utf8_lossy(&made.stdout).to_string();
    assert!(
        made.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(out.contains("skills en,sv,vulnerable"), "{out}");
    assert!(
        !out.contains("password"),
        "a given password is not echoed: {out}"
    );

    let again = add("SARA@acme.test", "en", Some("another password\n"));
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad = add("bo@acme.test", "en;sv", Some("a long password\n"));
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--skills"));
    let short = add("bo@acme.test", "en", Some("short\n"));
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8"));
    let generated = add("bo@acme.test", "en", None);
    let out = String::from_utf8_lossy(&generated.stdout).to_string();
    assert!(generated.status.success(), "{out}");
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once): "))
        .expect("a generated password")
        .to_owned();

    // Both log in on the server.
    let port = 20_000 + (std::process::id() % 9_000) as u16;
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("TANDEM_STORE__DATA_DIR", data)
        .env("TANDEM_AGENT__DISABLED", "true")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let result = runtime.block_on(async {
        let client = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if client.get(format!("{base}/readyz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let mut statuses = Vec::new();
        for (email, password) in [
            ("sara@acme.test", "a long password"),
            ("bo@acme.test", password.as_str()),
            ("bo@acme.test", "wrong"),
        ] {
            let response = client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&serde_json::json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
        }
        statuses
    });
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(result, [200, 200, 401]);
}
