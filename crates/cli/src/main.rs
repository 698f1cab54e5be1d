//! `deflect`: the command line for KB authors and for running the demo.
//!
//! - `deflect check` — validate `kb/` and run its rule tests
//! - `deflect rules` — run only the rule tests, or try the rules on a message
//! - `deflect ask "question"` — what the engine answers, with scores and why
//! - `deflect eval FILE` — top-1/top-3/MRR and confidence over labelled questions
//! - `deflect index` — rebuild only the index of a built site (about a second)
//! - `deflect site` — assemble the static site from `www/`, the engine and the KB
//! - `deflect sizes` — gzip sizes of what visitors download (`--parts`: of the bundle's parts)
//! - `deflect serve` — serve the site and the local ticket inbox on 127.0.0.1
//! - `deflect agent` / `deflect token` — who may read the inbox
//! - `deflect learn` — propose example questions from the inbox's traffic

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use deflect_compile::{self as compile, Compiled};
use deflect_engine::Engine;
use deflect_engine::search::{Explanation, SearchIndex};
use deflect_server::auth::PublicUrl;
use deflect_server::config_file::ServerConfig;
use deflect_server::{self as inbox, IDENTITY_SECRET_ENV, IdentitySecret, InboxOptions, ServerKb};

mod accounts;
mod bundle_parts;
mod engine_languages;
mod import;
mod learn;
mod limit_args;
mod rules;
mod site;

use accounts::{AgentCommand, DatabaseArgs, TokenCommand};
use limit_args::LimitArgs;

use site::SiteInputs;

#[derive(Parser)]
#[command(
    name = "deflect",
    version,
    about = "Build, check and serve a Deflect knowledge base and widget"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import a help centre's articles (Markdown folder, Zendesk articles JSON, HTML
    /// folder or a question,answer CSV) into a KB folder; re-running updates only what
    /// changed.
    Import {
        /// The export: a folder, an articles .json or a .csv.
        source: PathBuf,
        /// The KB folder to write articles into (created with minimal settings if new).
        #[arg(long, default_value = "kb")]
        out: PathBuf,
        /// Told from the source when omitted.
        #[arg(long, value_enum)]
        format: Option<import::Format>,
        /// Language of articles whose source names none (e.g. es).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Validate the knowledge base and run its rule tests.
    Check {
        #[arg(long, default_value = "kb")]
        kb: PathBuf,
    },
    /// Run only the escalation rule tests (false positives and negatives), or, with
    /// messages, show which rules they fire and where they would be routed.
    Rules {
        /// Customer messages to try, in order (none: run kb/rule-tests.toml).
        messages: Vec<String>,
        #[arg(long, default_value = "kb")]
        kb: PathBuf,
        /// The customer's tier, e.g. vip.
        #[arg(long)]
        tier: Option<String>,
        /// An article or flow was already suggested.
        #[arg(long)]
        after_troubleshooting: bool,
        /// Tags the conversation carries, for routing.
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// The conversation's language (default: the KB's), e.g. es.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Measure matching on labelled questions: a CSV with a header and `text,article_id`
    /// rows. Prints top-1, top-3, MRR@10, confident coverage and the misses.
    Eval {
        file: PathBuf,
        #[arg(long, default_value = "kb")]
        kb: PathBuf,
        #[arg(long, default_value = "en")]
        lang: String,
        /// Questions the KB should not answer, one per line: the share answered
        /// confidently is reported.
        #[arg(long)]
        out_of_scope: Option<PathBuf>,
        /// How many misses to list.
        #[arg(long, default_value_t = 20)]
        misses: usize,
    },
    /// Show the ranked answers to a question, with scores, and which words matched
    /// in which fields and example questions.
    Ask {
        question: String,
        #[arg(long, default_value = "kb")]
        kb: PathBuf,
        #[arg(long, default_value = "en")]
        lang: String,
        #[arg(long, default_value_t = 5)]
        limit: usize,
    },
    /// Rebuild only the index (and the loader that names it) of a built site.
    Index {
        #[arg(long, default_value = "kb")]
        kb: PathBuf,
        /// The bundled loader (`npm run build:widget`).
        #[arg(long, default_value = "target/widget")]
        widget: PathBuf,
        #[arg(long, default_value = "dist")]
        out: PathBuf,
    },
    /// Assemble the static site: pages, loader, widget, engine and index.
    Site {
        #[arg(long, default_value = "kb")]
        kb: PathBuf,
        #[arg(long, default_value = "www")]
        www: PathBuf,
        /// The bundled loader and widget (`npm run build:widget`).
        #[arg(long, default_value = "target/widget")]
        widget: PathBuf,
        /// wasm-bindgen's output folder.
        #[arg(long, default_value = "target/engine-pkg")]
        engine: PathBuf,
        #[arg(long, default_value = "dist")]
        out: PathBuf,
    },
    /// Print the languages the KB is written in, space-separated: the browser engine is
    /// built with their stemmers only (scripts/lib.sh `build_site`).
    Languages {
        #[arg(long, default_value = "kb")]
        kb: PathBuf,
    },
    /// Print the gzip sizes of the files a visitor downloads.
    Sizes {
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Fail when a part is over its budget.
        #[arg(long)]
        budget: bool,
        /// Also print where the index's bytes go: each part of the bundle.
        #[arg(long)]
        parts: bool,
    },
    /// Serve the site and the ticket inbox on 127.0.0.1.
    Serve(ServeArgs),
    /// Manage the agents who log in to the inbox.
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// Manage the API tokens machines read the inbox with.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Propose example questions per article from what the inbox saw (helped,
    /// resolved, unanswered) as kb/learned-questions.proposed.toml; then `accept` or
    /// `reject` it.
    Learn(learn::LearnArgs),
}

/// What `deflect serve` is told: where the site and the database are, who may post, and
/// what it checks tickets with.
#[derive(clap::Args)]
struct ServeArgs {
    #[arg(long, default_value = "dist")]
    site: PathBuf,
    /// 0 picks a free port.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on: loopback by default; 0.0.0.0 (or a private address)
    /// behind a load balancer, with --public-url naming the host it is reached by.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    #[command(flatten)]
    db: DatabaseArgs,
    /// Origins allowed to post tickets cross-origin (`*` for any).
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
    /// Check tickets against this KB folder, compiled at start (default: the
    /// bundle the site's manifest.json names, which is what its widgets run).
    #[arg(long)]
    kb: Option<PathBuf>,
    /// A file holding the identity secret (default: the DEFLECT_IDENTITY_SECRET
    /// environment variable); without one no visitor is verified.
    #[arg(long)]
    identity_secret_file: Option<PathBuf>,
    /// Where agents and widgets reach the inbox (repeatable, or comma-separated),
    /// e.g. https://support.shop.example: requests naming any other host are
    /// refused (421); https makes the login cookie Secure.
    #[arg(long = "public-url", value_delimiter = ',')]
    public_urls: Vec<PublicUrl>,
    /// The server config file (README "Deploy"): where tickets are relayed — a
    /// helpdesk's address by email, webhooks — with secrets named by environment
    /// variables.
    #[arg(long, env = "DEFLECT_CONFIG")]
    config: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

type CliResult = Result<(), String>;

fn run(command: Command) -> CliResult {
    match command {
        Command::Import {
            source,
            out,
            format,
            lang,
        } => import_articles(&source, &out, format, lang.as_deref()),
        Command::Check { kb } => check(&kb),
        Command::Rules {
            messages,
            kb,
            tier,
            after_troubleshooting,
            tags,
            lang,
        } => rules::run(
            &kb,
            &messages,
            rules::Asked {
                tier: tier.as_deref(),
                after_troubleshooting,
                tags: &tags,
                lang: lang.as_deref(),
            },
        ),
        Command::Eval {
            file,
            kb,
            lang,
            out_of_scope,
            misses,
        } => eval(&kb, &file, &lang, out_of_scope.as_deref(), misses),
        Command::Ask {
            question,
            kb,
            lang,
            limit,
        } => ask(&kb, &question, &lang, limit),
        Command::Index { kb, widget, out } => {
            let started = Instant::now();
            let (compiled, bytes) = checked(&kb)?;
            let manifest = site::rebuild_index(&compiled.kb, &bytes, &widget, &out)
                .map_err(|e| e.to_string())?;
            println!(
                "wrote {}/{} ({} articles, {} flows) in {:.0?}",
                out.display(),
                manifest.index,
                compiled.kb.articles.len(),
                compiled.kb.flows.len(),
                started.elapsed()
            );
            Ok(())
        }
        Command::Site {
            kb,
            www,
            widget,
            engine,
            out,
        } => {
            let (compiled, bytes) = checked(&kb)?;
            engine_languages::check(&compiled.kb, &engine)?;
            let manifest = site::build_site(
                &compiled.kb,
                &bytes,
                &SiteInputs {
                    www: &www,
                    widget: &widget,
                    engine: &engine,
                    out: &out,
                },
            )
            .map_err(|e| e.to_string())?;
            println!(
                "site written to {}/ (index {}, engine {})",
                out.display(),
                manifest.index,
                manifest.engine_wasm
            );
            sizes(&out, false)
        }
        Command::Languages { kb } => {
            let compiled = compile::compile_dir(&kb).map_err(|errors| {
                errors
                    .0
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            println!("{}", engine_languages::of(&compiled.kb));
            Ok(())
        }
        Command::Sizes { out, budget, parts } => {
            sizes(&out, budget)?;
            if parts {
                bundle_parts::print(&out, &str_of(&site_manifest(&out)?, "index"))
            } else {
                Ok(())
            }
        }
        Command::Serve(args) => serve(args),
        Command::Agent { command } => accounts::agent(command),
        Command::Token { command } => accounts::token(command),
        Command::Learn(args) => learn::run(args),
    }
}

/// The KB and its bundle, once every rule and matching case passes (as `build.rs`
/// insists too); otherwise every failure on a line of its own.
fn checked(kb: &Path) -> Result<(Compiled, Vec<u8>), String> {
    compile::build_checked(kb).map_err(|failures| failures.join("\n"))
}

fn import_articles(
    source: &Path,
    out: &Path,
    format: Option<import::Format>,
    lang: Option<&str>,
) -> CliResult {
    let started = Instant::now();
    let report = import::run(&import::ImportOptions {
        source,
        out,
        format,
        lang,
    })
    .map_err(|e| e.to_string())?;
    println!("{}", report.render());
    println!(
        "in {:.1?}; next: deflect check --kb {}",
        started.elapsed(),
        out.display()
    );
    Ok(())
}

fn check(kb: &Path) -> CliResult {
    let compiled = compile::compile_dir(kb).map_err(|e| e.to_string())?;
    for warning in &compiled.warnings {
        println!("warning: {warning}");
    }
    let (bundle, matching) = compile::bundle_and_check(&compiled).map_err(|e| e.to_string())?;
    let engine = Engine::from_bundle(bundle).map_err(|e| e.to_string())?;
    let report = rules::run_cases(&engine, &compiled);
    for failure in &matching.failures {
        println!("{failure}");
    }
    println!(
        "{} articles, {} flows, {} checklists, {} warnings; rule cases: {} passed, {} failed ({} false positives, {} false negatives); matching cases: {} passed, {} failed",
        compiled.kb.articles.len(),
        compiled.kb.flows.len(),
        compiled.kb.checklists.len(),
        compiled.warnings.len(),
        report.passed,
        report.failures.len(),
        report.false_positives,
        report.false_negatives,
        matching.passed,
        matching.failures.len()
    );
    rules::passed(&report)?;
    if matching.failures.is_empty() {
        Ok(())
    } else {
        Err("matching cases failed".into())
    }
}

fn ask(kb: &Path, question: &str, lang: &str, limit: usize) -> CliResult {
    let compiled = compile::compile_dir(kb).map_err(|e| e.to_string())?;
    let threshold = compiled.kb.settings.confident_threshold;
    let bundle = compile::bundle(&compiled.kb).map_err(|e| e.to_string())?;
    let index = SearchIndex::open(&bundle).map_err(|e| e.to_string())?;
    let matches = index
        .search(question, lang, limit)
        .map_err(|e| e.to_string())?;
    if matches.is_empty() {
        println!("no match: none of the question's words is in the KB");
    } else if matches[0].confidence < threshold {
        println!(
            "not sure (top confidence {:.2} < confident_threshold {threshold:.2})",
            matches[0].confidence
        );
    }
    for (rank, m) in matches.iter().enumerate() {
        let sure = if rank == 0 && m.confidence >= threshold {
            "confident"
        } else {
            ""
        };
        println!(
            "{:>2}. {:<8} {:<40} score {:>6.2}  confidence {:.2} {sure}",
            rank + 1,
            format!("{:?}", m.kind).to_lowercase(),
            m.id,
            m.score,
            m.confidence
        );
        if let Some(why) = index.explain(question, lang, &m.id) {
            print_explanation(&why);
        }
    }
    Ok(())
}

/// Why an entry matched, for `deflect ask`: the words found where, the words it lacks,
/// its closest example questions and the classifier's say.
fn print_explanation(why: &Explanation) {
    let words: Vec<String> = why
        .words
        .iter()
        .filter(|w| !w.fields.is_empty())
        .map(|w| {
            let via = if w.via == "asked" {
                String::new()
            } else {
                format!(" ({})", w.via)
            };
            format!("{}{via} in {}", w.term, w.fields.join("+"))
        })
        .collect();
    let missing: Vec<&str> = why
        .words
        .iter()
        .filter(|w| w.fields.is_empty() && w.via == "asked")
        .filter(|w| {
            let stand_in = format!("\"{}\"", w.term);
            !why.words
                .iter()
                .any(|o| !o.fields.is_empty() && o.via.contains(&stand_in))
        })
        .map(|w| w.term.as_str())
        .collect();
    println!("      matched: {}", or_none(&words.join("; ")));
    if !missing.is_empty() {
        println!("      not in this entry: {}", missing.join(", "));
    }
    if let Some((q, shared)) = &why.best_question {
        println!("      best question: {q:?} (shares {})", shared.join(", "));
    }
    if let Some((q, similarity)) = &why.closest_in_meaning {
        println!("      closest in meaning: {q:?} (similarity {similarity:.2})");
    }
    if let Some((probability, parts)) = &why.learned {
        println!(
            "      learned from the example questions: {:.0}% (words {:+.2}, word pieces {:+.2}, word pairs {:+.2}, meaning {:+.2})",
            100.0 * probability,
            parts.words,
            parts.pieces,
            parts.pairs,
            parts.meaning
        );
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "nothing" } else { s }
}

fn eval(
    kb: &Path,
    file: &Path,
    lang: &str,
    out_of_scope: Option<&Path>,
    misses: usize,
) -> CliResult {
    let compiled = compile::compile_dir(kb).map_err(|e| e.to_string())?;
    let threshold = compiled.kb.settings.confident_threshold;
    let questions = deflect_eval::read_labelled(file)?;
    let known: std::collections::HashSet<&str> =
        compiled.kb.articles.iter().map(|a| a.id.as_str()).collect();
    if let Some(unknown) = questions
        .iter()
        .find(|q| !known.contains(q.expected.as_str()))
    {
        return Err(format!(
            "{}: article `{}` (for {:?}) is not in the KB",
            file.display(),
            unknown.expected,
            unknown.text
        ));
    }
    let oos = match out_of_scope {
        Some(path) => deflect_eval::read_lines(path)?,
        None => Vec::new(),
    };
    let engine = compile::bundle(&compiled.kb)
        .and_then(Engine::from_bundle)
        .map_err(|e| e.to_string())?;
    let result = deflect_eval::evaluate(
        &questions,
        &oos,
        deflect_eval::deflect_ranker(&engine, lang),
    );
    print!(
        "{}",
        deflect_eval::report(&file.display().to_string(), &result, threshold, misses)
    );
    print!("{}", deflect_eval::reliability_table(&result));
    print!("{}", deflect_eval::curve(&result));
    Ok(())
}

/// Gzip budgets of what a visitor downloads: the loader is on every page view.
const BUDGETS: &[(&str, usize)] = &[("loader", 6 * 1024), (ENGINE_TOTAL, 560 * 1024)];

/// What a visitor downloads when they open the chat: the engine (glue and wasm) and
/// the index; budgeted together.
const ENGINE_TOTAL: &str = "engine+index";
const ENGINE_PARTS: &[&str] = &["engine-js", "engine", "index"];

/// The manifest of the site built in `out`.
fn site_manifest(out: &Path) -> Result<serde_json::Value, String> {
    std::fs::read_to_string(out.join("manifest.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| {
            format!(
                "{}/manifest.json missing; build the site first",
                out.display()
            )
        })
}

fn sizes(out: &Path, enforce: bool) -> CliResult {
    let manifest = site_manifest(out)?;
    println!(
        "{:<12} {:>10} {:>10} {:>10}  file",
        "part", "bytes", "gzip", "budget"
    );
    let parts = [
        ("loader", "deflect.js".to_string()),
        ("widget", str_of(&manifest, "widget")),
        ("engine-js", str_of(&manifest, "engine_js")),
        ("engine", str_of(&manifest, "engine_wasm")),
        ("index", str_of(&manifest, "index")),
    ];
    let mut over = Vec::new();
    let mut row = |part: &str, bytes: usize, gz: usize, file: &str| {
        let budget = BUDGETS.iter().find(|(p, _)| *p == part).map(|(_, b)| *b);
        let shown = budget.map(|b| b.to_string()).unwrap_or_else(|| "-".into());
        println!("{part:<12} {bytes:>10} {gz:>10} {shown:>10}  {file}");
        if let Some(budget) = budget.filter(|b| gz > *b) {
            over.push(format!(
                "{part} is {gz} bytes gzip, over its budget of {budget}"
            ));
        }
    };
    let (mut engine_bytes, mut engine_gz) = (0, 0);
    for (part, file) in parts {
        let bytes = std::fs::read(out.join(&file)).map_err(|e| format!("{file}: {e}"))?;
        let gz = compile::gzip(&bytes).map_err(|e| e.to_string())?.len();
        if ENGINE_PARTS.contains(&part) {
            engine_bytes += bytes.len();
            engine_gz += gz;
        }
        row(part, bytes.len(), gz, &file);
    }
    row(
        ENGINE_TOTAL,
        engine_bytes,
        engine_gz,
        "(downloaded when the chat opens)",
    );
    // Article bodies come one at a time, when an article opens: the largest is what one
    // open can cost.
    let articles = str_of(&manifest, "articles");
    let largest = match articles.as_str() {
        "" => None, // a site built before article bodies were fragments
        dir => site::largest_file(&out.join(dir)).map_err(|e| e.to_string())?,
    };
    if let Some((file, bytes)) = largest {
        let gz = compile::gzip(&bytes).map_err(|e| e.to_string())?.len();
        row(
            "article",
            bytes.len(),
            gz,
            &format!("{articles}{file} (the largest)"),
        );
    }
    // A very large KB's postings shards: fetched as questions need them, then in the
    // background; not part of the first download.
    let postings = str_of(&manifest, "postings");
    if let Some(shards) = site::shard_totals(&out.join(&postings)).map_err(|e| e.to_string())? {
        row(
            "shards",
            shards.bytes,
            shards.gzip,
            &format!("{postings} ({} files, fetched as needed)", shards.files),
        );
    }
    if enforce && !over.is_empty() {
        return Err(over.join("\n"));
    }
    Ok(())
}

fn str_of(v: &serde_json::Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// What `deflect serve` checks tickets with: the KB (`--kb`, else the site's bundle)
/// and the identity secret (`--identity-secret-file`, else the environment).
fn trust_options(
    site: &Path,
    kb: Option<&Path>,
    secret_file: Option<&Path>,
) -> Result<(Option<ServerKb>, Option<IdentitySecret>), String> {
    let kb = match kb {
        Some(dir) => Some(ServerKb::open(&checked(dir)?.1).map_err(|e| e.to_string())?),
        None if site.join("manifest.json").exists() => {
            Some(ServerKb::from_site(site).map_err(|e| e.to_string())?)
        }
        None => {
            eprintln!(
                "warning: {} has no manifest.json and no --kb was given: tickets are stored without the server's check of their queue, priority and bot lines",
                site.display()
            );
            None
        }
    };
    let secret = match secret_file {
        Some(path) => Some(IdentitySecret::from_file(path)),
        None => IdentitySecret::from_env().transpose(),
    }
    .transpose()
    .map_err(|e| e.to_string())?;
    if secret.is_none() {
        eprintln!(
            "note: no identity secret ({IDENTITY_SECRET_ENV} or --identity-secret-file): every visitor is unverified and no tier is believed"
        );
    }
    Ok((kb, secret))
}

/// `deflect serve`: the inbox's options from the flags and the environment, then the
/// server until Ctrl-C.
fn serve(args: ServeArgs) -> CliResult {
    let (kb, identity_secret) = trust_options(
        &args.site,
        args.kb.as_deref(),
        args.identity_secret_file.as_deref(),
    )?;
    let config = match &args.config {
        Some(path) => ServerConfig::load(path).map_err(|e| e.to_string())?,
        None => ServerConfig::default(),
    };
    let options = InboxOptions {
        allowed_origins: args.allow_origins,
        public_urls: args.public_urls,
        kb,
        identity_secret,
        limits: args.limits.limits(),
        relay: Some(config.relay),
        ..InboxOptions::default()
    };
    let address = std::net::SocketAddr::new(args.bind, args.port);
    serve_inbox(args.site, address, &args.db, options)
}

/// Ctrl-C, or the SIGTERM a service manager (systemd, Docker, Kubernetes) stops with:
/// either lets in-flight requests finish.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn serve_inbox(
    site: PathBuf,
    address: std::net::SocketAddr,
    db: &DatabaseArgs,
    options: InboxOptions,
) -> CliResult {
    let store = db.open()?;
    if store.agents().map_err(|e| e.to_string())?.is_empty() {
        eprintln!(
            "No agent can log in to the inbox yet: deflect agent add EMAIL {}",
            db.flag()
        );
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    // Checked before it says it is serving: a relay that cannot deliver is no start.
    runtime
        .block_on(async { inbox::check_relay(&store, &options) })
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| format!("{address}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("Deflect demo site: http://{addr}/");
        println!("Ticket inbox:      http://{addr}/inbox  (API: http://{addr}/api/tickets)");
        let options = InboxOptions {
            site_dir: Some(site),
            ..options
        };
        let shutdown = stop_signal();
        inbox::serve(listener, store, options, shutdown)
            .await
            .map_err(|e| e.to_string())
    })
}
