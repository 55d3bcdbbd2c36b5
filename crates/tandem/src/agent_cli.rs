//! `tandem eval`, `tandem chat` and `tandem kb import`: the AI agent from the terminal.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use tandem_domain::{Author, ClientMsgId, Clock, EventKind, MessageText, SystemClock};
use tandem_server::agent::Brain;
use tandem_server::tokens::{CustomerTokenKey, Secret};
use tandem_server::{AppState, Settings, bus::LocalBus, conversations};
use tandem_store::Store;
use tandem_store_sqlite::SqliteStore;

/// Where the agent's models come from.
#[derive(Debug, Clone, clap::Args)]
pub struct AgentArgs {
    /// The sentence encoder's directory [default: $XDG_DATA_HOME/tandem/models/all-MiniLM-L6-v2].
    #[arg(long, env = "TANDEM_ENCODER_DIR")]
    pub encoder_dir: Option<PathBuf>,
    /// TF-IDF and BM25 only, without the encoder.
    #[arg(long)]
    pub lexical_only: bool,
}

pub fn brain(args: &AgentArgs, kb_dir: Option<PathBuf>) -> anyhow::Result<Brain> {
    let options = tandem_agent::setup::Options {
        encoder_dir: args.encoder_dir.clone(),
        kb_dir,
        cache_dir: None,
        lexical_only: args.lexical_only,
    };
    let (nlu, kb) = tandem_agent::setup::load(&options)?;
    Ok(Brain { nlu, kb })
}

/// `tandem eval`: exit status 1 when a scenario fails.
pub async fn eval(dir: &Path, json: Option<&Path>, args: &AgentArgs) -> anyhow::Result<bool> {
    let args = args.clone();
    let brain = tokio::task::spawn_blocking(move || brain(&args, None)).await??;
    let report = crate::eval::run_suite(dir, &brain).await?;
    crate::eval::print(&report);
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("report written to {}", path.display());
    }
    Ok(report.summary.passed == report.summary.scenarios)
}

/// `tandem kb import DIR`: checks every article, indexes them (embedding included, with
/// a progress bar) and puts them where `tandem serve` and `tandem demo` load them from.
pub fn kb_import(dir: &Path, data_dir: &Path, args: &AgentArgs) -> anyhow::Result<()> {
    let articles = tandem_agent::setup::check_kb(dir)?;
    let encoder = if args.lexical_only {
        None
    } else {
        tandem_nlu::encoder_or_warn(&tandem_nlu::Locate::new(args.encoder_dir.clone()))
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    struct Bar(indicatif::ProgressBar);
    impl tandem_nlu::Progress for Bar {
        fn start(&self, stage: &str, total: u64) {
            self.0.set_length(total);
            self.0.set_position(0);
            self.0.set_message(stage.to_owned());
        }
        fn advance(&self, done: u64) {
            self.0.inc(done);
        }
        fn finish(&self) {
            self.0.finish_and_clear();
        }
    }
    let count = articles.len();
    let kb = tandem_agent::kb::HelpCentre::build(articles, encoder.as_ref(), &Bar(bar))?;
    let target = data_dir.join("kb");
    let staging = data_dir.join(format!(".kb-import-{}", std::process::id()));
    std::fs::create_dir_all(&staging).with_context(|| format!("creating {}", staging.display()))?;
    copy_articles(dir, &staging)?;
    if target.exists() {
        let old = data_dir.join(format!(".kb-old-{}", std::process::id()));
        std::fs::rename(&target, &old)?;
        std::fs::rename(&staging, &target)?;
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&staging, &target)?;
    }
    println!(
        "imported {count} articles ({} passages, {}) into {}; restart tandem to use them",
        kb.passages().len(),
        if kb.is_hybrid() {
            "BM25 + embeddings"
        } else {
            "BM25 only"
        },
        target.display()
    );
    Ok(())
}

fn copy_articles(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let dest = to.join(path.file_name().expect("entries have names"));
        if path.is_dir() {
            std::fs::create_dir_all(&dest)?;
            copy_articles(&path, &dest)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            std::fs::copy(&path, &dest)?;
        }
    }
    Ok(())
}

/// `tandem chat`: a terminal chat with the AI as a demo customer, on a throw-away copy of
/// the demo world.
pub async fn chat(
    customer: Option<String>,
    verified: bool,
    language: Option<String>,
    args: &AgentArgs,
) -> anyhow::Result<()> {
    let personas = tandem_domain::demo::personas();
    let who = match &customer {
        Some(id) => personas
            .iter()
            .find(|p| p.id.as_str() == id)
            .with_context(|| {
                let ids: Vec<&str> = personas.iter().map(|p| p.id.as_str()).collect();
                format!("no demo customer {id}; choose one of {}", ids.join(", "))
            })?
            .clone(),
        None => personas.first().context("no demo customers")?.clone(),
    };
    let language = match language {
        Some(l) => Some(
            tandem_domain::Language::parse(&l).map_err(|e| anyhow::anyhow!("--language: {e}"))?,
        ),
        None => Some(who.language.clone()),
    };
    eprintln!("loading the agent...");
    let args = args.clone();
    let brain = tokio::task::spawn_blocking(move || brain(&args, None)).await??;
    let db = std::env::temp_dir().join(format!("tandem-chat-{}.db", std::process::id()));
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).await?);
    crate::run::seed_demo_world(store.as_ref()).await?;
    let secret = Secret::random();
    let settings = Settings {
        demo: true,
        customer_token_secret: Some(secret.clone()),
        ..Settings::default()
    };
    let clock = Arc::new(SystemClock);
    let state = AppState::new(
        Arc::clone(&store),
        Arc::new(LocalBus::new()),
        clock.clone(),
        settings,
    )
    .with_agent(brain);
    let token = verified.then(|| {
        CustomerTokenKey::new(&secret).mint(&who.id, clock.now(), time::Duration::hours(8))
    });
    let opened = conversations::open(&state, token.as_deref(), language)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    println!(
        "Chatting as {} ({}, {}). Codes sent by email appear here. Type /quit to leave.",
        who.name,
        who.email,
        if verified {
            "signed in"
        } else {
            "not verified"
        }
    );
    let stdin = std::io::stdin();
    let mut n = 0;
    loop {
        print!("you> ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "/quit" {
            break;
        }
        let text = match MessageText::parse(line) {
            Ok(text) => text,
            Err(e) => {
                println!("({e})");
                continue;
            }
        };
        n += 1;
        let conversation = store
            .conversation(&opened.conversation.id)
            .await?
            .context("conversation vanished")?;
        let events = conversations::post_customer_message(
            &state,
            &conversation,
            text,
            ClientMsgId::parse(&format!("chat-{n}"))?,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        for event in events.iter().filter(|e| e.author != Author::Customer) {
            let who = match event.author {
                Author::Ai => "ai",
                _ => "system",
            };
            println!("{who}> {}", event.text.as_deref().unwrap_or(""));
            if !event.extras.quick_replies.is_empty() {
                let labels: Vec<&str> = event
                    .extras
                    .quick_replies
                    .iter()
                    .map(|q| q.label.as_str())
                    .collect();
                println!("     [{}]", labels.join("] ["));
            }
            if event.kind == EventKind::Handoff {
                println!(
                    "(handed off to a person: this terminal has no agent console; type /quit)"
                );
            }
        }
        if let Some(mail) = store.outbound_mail(Some(&who.email)).await?.first()
            && let Some(code) = &mail.code
            && events
                .iter()
                .any(|e| e.awaiting == Some(tandem_domain::Awaiting::Otp))
        {
            println!("(demo mailbox: the code sent to {} is {code})", who.email);
        }
    }
    drop(state);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    if n == 0 && customer.is_none() && !verified {
        bail!("nothing was said");
    }
    Ok(())
}

/// What `tandem agent add` was given.
pub struct NewAgentArgs {
    pub name: String,
    pub email: String,
    pub skills: String,
    pub role: String,
    pub max_chats: u32,
    pub password_stdin: bool,
}

/// `tandem agent add`: creates an account in the configured store.
pub async fn agent_add(config: &crate::config::Config, args: NewAgentArgs) -> anyhow::Result<()> {
    use tandem_domain::workforce::{Role, Skills};
    let role = Role::parse(&args.role)
        .map_err(|_| anyhow::anyhow!("--role: use agent, supervisor or admin"))?;
    let skills = Skills::parse_list(&args.skills).map_err(|e| anyhow::anyhow!("--skills: {e}"))?;
    let (password, generated) = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            bail!("--password-stdin: standard input had no password");
        }
        (line, false)
    } else {
        (
            tandem_server::tokens::new_conversation_token()[..20].to_owned(),
            true,
        )
    };
    let store = crate::run::OpenStore::open(config).await?;
    let shared = store.shared();
    let created = tandem_server::workforce::add_agent(
        shared.as_ref(),
        tandem_server::workforce::NewAgent {
            name: args.name,
            email: args.email,
            password: password.clone(),
            role,
            skills,
            max_chats: args.max_chats,
        },
        SystemClock.now(),
    )
    .await;
    store.close().await;
    let account = created.map_err(|e| anyhow::anyhow!("{}", e.message))?;
    println!(
        "created {} <{}>: id {}, role {}, skills {}, up to {} chats",
        account.name,
        account.email,
        account.id,
        account.role.as_str(),
        account.skills.to_list(),
        account.max_chats
    );
    if generated {
        println!("password (shown once): {password}");
    }
    Ok(())
}
