//! The `tandem` command: serve, run the demo, print the default configuration.
//!
//! Layout:
//! - `main.rs`: the command line and start-up.
//! - [`config`]: layered configuration.
//! - [`run`]: opening the store, wiring the server, signals.
//! - [`ledger`]: `tandem ledger serve` and the choice of ledger backend.
//! - [`nlu`]: `tandem nlu fetch|train|eval|predict`.

#![forbid(unsafe_code)]

mod agent_cli;
mod config;
mod eval;
mod ledger;
mod nlu;
mod run;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "AI-first customer service with a human always one message away"
)]
struct Cli {
    /// Log as JSON lines (for log shippers) instead of text.
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Seeds the Acme Pay demo into embedded storage and serves everything (loopback only).
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Where the demo keeps its data; created if missing.
        #[arg(long, default_value = "tandem-demo-data")]
        data_dir: PathBuf,
    },
    /// Serves with the configured store.
    Serve {
        /// A TOML config file (see `tandem print-default-config`).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Overrides `store.database_url`, e.g. postgres://user@host/db.
        #[arg(long)]
        database_url: Option<String>,
        /// Overrides `server.addr`.
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Prints the default configuration file.
    PrintDefaultConfig,
    /// Runs a scenario suite (shared/eval/FORMAT.md) through the real engine and reports.
    Eval {
        /// A directory of scenario files (*.yaml).
        dir: PathBuf,
        /// Also write every transcript and check result as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
        #[command(flatten)]
        agent: agent_cli::AgentArgs,
    },
    /// Chats with the AI in the terminal as a demo customer, on a throw-away demo world.
    Chat {
        /// A demo customer id [default: the first persona].
        #[arg(long)]
        customer: Option<String>,
        /// Start unverified (the AI asks for email and a one-time code).
        #[arg(long)]
        unverified: bool,
        /// The conversation's language (en, sv, de) [default: the customer's].
        #[arg(long)]
        language: Option<String>,
        #[command(flatten)]
        agent: agent_cli::AgentArgs,
    },
    /// The help centre.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
    /// Language understanding: the sentence encoder and contact-reason classifiers.
    Nlu {
        #[command(subcommand)]
        command: nlu::NluCommand,
    },
    /// The people who answer customers.
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// The built-in ledger (orders, installments) and its HTTP contract.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
}

#[derive(Debug, Subcommand)]
enum KbCommand {
    /// Checks and indexes a directory of articles (Markdown with front matter: id, title,
    /// language, url, tags) and installs it as the help centre of `tandem serve`/`demo`.
    Import {
        dir: PathBuf,
        /// The data directory of the server [default: tandem-data, as `tandem serve`].
        #[arg(long, default_value = "tandem-data")]
        data_dir: PathBuf,
        #[command(flatten)]
        agent: agent_cli::AgentArgs,
    },
}

#[derive(Debug, Subcommand)]
enum AgentCommand {
    /// Creates an account. The password is read from the first line of standard input
    /// with --password-stdin; otherwise a random one is made and printed once.
    Add {
        /// The person's name as customers and colleagues see it.
        name: String,
        #[arg(long)]
        email: String,
        /// Languages, markets and topics, e.g. en,sv,fraud,vulnerable,disputes.
        #[arg(long, default_value = "en")]
        skills: String,
        /// agent, supervisor or admin.
        #[arg(long, default_value = "agent")]
        role: String,
        /// Conversations at once (1-10).
        #[arg(long, default_value_t = 3)]
        max_chats: u32,
        #[arg(long)]
        password_stdin: bool,
        /// A TOML config file naming the store (as `tandem serve`).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Overrides `store.database_url`.
        #[arg(long)]
        database_url: Option<String>,
        /// Overrides `store.data_dir` (SQLite).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Serves the built-in ledger over the ledger contract (docs/ledger-contract.md), the
    /// same HTTP API a company's own backend implements (loopback only).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8090")]
        addr: SocketAddr,
        /// Where the SQLite database lives [default: tandem-data, as `tandem serve`].
        #[arg(long, conflicts_with = "database_url")]
        data_dir: Option<PathBuf>,
        /// A store URL instead, e.g. postgres://user@host/db or sqlite:ledger.db.
        #[arg(long)]
        database_url: Option<String>,
        /// Seeds the Acme Pay demo ledger (customers, merchants, orders) first; orders
        /// that exist already are kept.
        #[arg(long)]
        seed_demo: bool,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // A wrong value stops every command here, rather than the server falling back to
    // lexical-only understanding when its encoder will not load.
    tandem_nlu::Precision::from_env()?;
    tandem_nlu::Kernel::from_env()?;
    match cli.command {
        Command::PrintDefaultConfig => {
            print!("{}", config::Config::default_toml());
            Ok(())
        }
        Command::Demo { addr, data_dir } => {
            let mut config = config::Config::default();
            config.server.addr = addr;
            config.server.log_json = cli.log_json;
            config.store.data_dir = data_dir;
            run::runtime()?.block_on(run::demo(config))
        }
        Command::Serve {
            config: file,
            database_url,
            addr,
        } => {
            let mut config = config::Config::load(file.as_deref())?;
            if let Some(url) = database_url {
                config.store.database_url = Some(url);
            }
            if let Some(addr) = addr {
                config.server.addr = addr;
            }
            config.server.log_json |= cli.log_json;
            config.validate()?;
            run::runtime()?.block_on(run::serve(config))
        }
        Command::Nlu { command } => nlu::run(command),
        Command::Eval { dir, json, agent } => {
            let passed =
                run::runtime()?.block_on(agent_cli::eval(&dir, json.as_deref(), &agent))?;
            if !passed {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Chat {
            customer,
            unverified,
            language,
            agent,
        } => run::runtime()?.block_on(agent_cli::chat(customer, !unverified, language, &agent)),
        Command::Kb {
            command:
                KbCommand::Import {
                    dir,
                    data_dir,
                    agent,
                },
        } => agent_cli::kb_import(&dir, &data_dir, &agent),
        Command::Agent {
            command:
                AgentCommand::Add {
                    name,
                    email,
                    skills,
                    role,
                    max_chats,
                    password_stdin,
                    config: file,
                    database_url,
                    data_dir,
                },
        } => {
            let mut config = config::Config::load(file.as_deref())?;
            if let Some(url) = database_url {
                config.store.database_url = Some(url);
            }
            if let Some(dir) = data_dir {
                config.store.data_dir = dir;
            }
            let request = agent_cli::NewAgentArgs {
                name,
                email,
                skills,
                role,
                max_chats,
                password_stdin,
            };
            run::runtime()?.block_on(agent_cli::agent_add(&config, request))
        }
        Command::Ledger {
            command:
                LedgerCommand::Serve {
                    addr,
                    data_dir,
                    database_url,
                    seed_demo,
                },
        } => run::runtime()?.block_on(ledger::serve(ledger::ServeOptions {
            addr,
            data_dir,
            database_url,
            seed_demo,
            log_json: cli.log_json,
        })),
    }
}
