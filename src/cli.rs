//! Command-line definitions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "rampart",
    version,
    about = "Audit a self-hosted deployment before it goes live",
    long_about = "Audit a self-hosted deployment before it goes live: TLS, certificate, \
                  exposed ports, secrets in env files, file modes and what git tracks.\n\n\
                  Exit codes: 0 nothing gated, 1 gated findings, 2 the tool could not run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a profile's checks and print the checklist.
    Audit(Box<AuditArgs>),
    /// List the built-in profiles, or print one fully resolved.
    Profiles {
        #[command(subcommand)]
        action: Option<ProfilesAction>,
    },
    /// Explain a check: why it matters and how to fix a failure.
    Explain {
        /// Check id, e.g. tls.legacy-versions
        id: String,
    },
    /// Print the JSON Schema of the JSON report (generated from the report types).
    Schema {
        /// The schema of a fleet report (`audit --targets FILE --json`) instead.
        #[arg(long)]
        fleet: bool,
    },
    /// Print a shell completion script: `rampart completions bash > /etc/bash_completion.d/rampart`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `rampart man > /usr/local/share/man/man1/rampart.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesAction {
    /// Print a profile with everything it inherits, as TOML (a starting point for your own).
    Show {
        /// Built-in profile name, or a path to a .toml profile.
        name: String,
    },
}

pub use crate::report::output::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Fail,
    Warn,
    /// Only failures that `--baseline` did not have (regressions).
    New,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Built-in profile: baseline, omnidev, cliproxyapi, rediflow, ocmt, koda.
    #[arg(
        long,
        conflicts_with = "profile_file",
        required_unless_present_any = ["profile_file", "targets"]
    )]
    pub profile: Option<String>,
    /// Your own profile (TOML); it may `extends` a built-in one.
    #[arg(long, value_name = "PATH")]
    pub profile_file: Option<PathBuf>,
    /// Install directory the profile's file locations are relative to.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The live deployment, e.g. https://koda.example.com
    #[arg(long)]
    pub url: Option<String>,
    /// Env file to read instead of the profile's default: PATH, or ROLE=PATH for profiles with
    /// several (see `rampart profiles show NAME`). Repeatable.
    #[arg(long, value_name = "[ROLE=]PATH")]
    pub env_file: Vec<String>,
    /// Compose file to read instead of the project `docker compose up` would find; repeat to
    /// layer like `-f` (no override file then). `${VAR}` come from the first file's dir `.env`.
    #[arg(long, value_name = "PATH")]
    pub compose_file: Vec<PathBuf>,
    /// Connect to ADDR for HOST:PORT (as curl's --resolve), to audit a server before DNS
    /// points at it. Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Address whose TCP ports are scanned (IPv4 or IPv6). Default: the --url host's address
    /// (after --resolve).
    #[arg(long, value_name = "ADDR")]
    pub host: Option<String>,
    /// Ports to scan besides those the profile names: a list and ranges (`1-1024,5432`) or
    /// `all`. Open ports the profile does not expect are warnings.
    #[arg(long, value_name = "LIST|RANGE|all")]
    pub ports: Option<String>,
    /// Read the host's /proc and /etc under DIR (a mounted image, a test fixture).
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub host_root: PathBuf,
    /// DNS server for the dns checks, instead of the system resolver.
    #[arg(long, value_name = "ADDR:PORT")]
    pub dns_server: Option<String>,
    /// Extra trusted CA certificates (PEM), for private CAs.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Shorthand for --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report here; with a non-text format the checklist still goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest status that makes the exit code 1 (error always does).
    #[arg(long, value_enum, default_value = "fail")]
    pub fail_on: FailOnArg,
    /// Report only this category (tls, certificate, http, exposure, secrets, files, dns,
    /// config). Repeatable.
    #[arg(long, value_name = "CATEGORY")]
    pub only: Vec<String>,
    /// Do not run this check id (reported as skip). Repeatable.
    #[arg(long, value_name = "ID")]
    pub skip: Vec<String>,
    /// Seconds allowed for each network connect, handshake or read.
    #[arg(long, value_name = "SECS", default_value = "5")]
    pub timeout: f64,
    /// Seconds allowed for the whole audit; whatever is unfinished then is reported as an
    /// error. Default: 4 x --timeout.
    #[arg(long, value_name = "SECS")]
    pub deadline: Option<f64>,
    /// Network sockets open at once, across every probe.
    #[arg(long, value_name = "N", default_value_t = crate::facts::runtime::DEFAULT_MAX_SOCKETS,
          value_parser = clap::value_parser!(usize))]
    pub max_sockets: usize,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// Also write a report as FORMAT (text, json, sarif, junit, markdown, prometheus) to PATH,
    /// e.g. sarif:rampart.sarif. Repeatable; the exit code does not depend on formats.
    #[arg(long, value_name = "FORMAT:PATH")]
    pub report: Vec<String>,
    /// Waivers (TOML `[[waiver]]` tables: id, optional subject, reason, optional expires).
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// An earlier JSON report: mark findings new, unchanged or resolved (see --fail-on new).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Audit every `[[target]]` of this TOML file (name, profile, url, root, resolve,
    /// env_file, ...) concurrently; one exit code for all.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// No progress line on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}
