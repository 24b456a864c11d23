//! A stand-in language model for end-to-end runs of anpl (tmux tests, demos, replaying
//! known answers): serves a JSON answer table on 127.0.0.1 in the OpenAI and Anthropic wire
//! formats and prints the port it listens on as the first line of stdout.
//!
//! Table file: `{"rules": [{"contains": "...", "answer": "..."}], "default": "...",
//! "delay_ms": 0, "api_key": null, "supports_n": true, "stream": true, "chunk_delay_ms": 0}`
//! and the other fields docs/models.md lists.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use anpl::llm::fake_server::{FakeServer, FakeTable};

#[derive(Debug, Parser)]
#[command(
    name = "anpl-fake-model",
    about = "Serve canned model answers from a JSON table (OpenAI and Anthropic formats)"
)]
struct Args {
    /// The answer table (JSON).
    table: PathBuf,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Overrides the table's delay before every answer, in milliseconds.
    #[arg(long)]
    delay_ms: Option<u64>,
    /// Overrides the table's delay between streamed chunks, in milliseconds.
    #[arg(long)]
    chunk_delay_ms: Option<u64>,
    /// Append every request received, as one JSON line, to this file.
    #[arg(long)]
    log: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("anpl-fake-model: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    let text = std::fs::read_to_string(&args.table)
        .with_context(|| format!("cannot read {}", args.table.display()))?;
    let mut table: FakeTable = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!("{}:{}:{}: {e}", args.table.display(), e.line(), e.column())
    })?;
    if let Some(d) = args.delay_ms {
        table.delay_ms = d;
    }
    if let Some(d) = args.chunk_delay_ms {
        table.chunk_delay_ms = d;
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), args.port);
        let server = FakeServer::start_on(addr, table)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        if let Some(log) = args.log {
            server.log_to(log);
        }
        let mut out = std::io::stdout();
        writeln!(out, "{}", server.addr().port())?;
        out.flush()?;
        tokio::signal::ctrl_c()
            .await
            .context("cannot wait for Ctrl-C")?;
        server.stop();
        Ok(())
    })
}
