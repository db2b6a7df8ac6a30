//! Turns parsed arguments into an audit, a listing or an explanation, and an exit code.

use crate::audit::{Extras, Plan};
use crate::baseline::Baseline;
use crate::cli::{AuditArgs, Cli, ColorArg, Command, FailOnArg, Format, ProfilesAction};
use crate::engine::{self, Selection};
use crate::facts::host_root::HostRoot;
use crate::facts::ports::PortList;
use crate::facts::NetLimits;
use crate::finding::Category;
use crate::profile::{self, builtin, Profile};
use crate::progress::Progress;
use crate::report::output::{self, ReportFile};
use crate::report::{self, text::Style, FailOn};
use crate::target::{ComposeFileSpec, EnvFileSpec, ResolveOverride, Target, TargetUrl};
use crate::{fleet, waiver};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Exit code when nothing is gated.
const EXIT_OK: u8 = 0;
/// Exit code when at least one finding gates the deploy.
const EXIT_GATED: u8 = 1;
/// Exit code when the tool could not run.
const EXIT_USAGE: u8 = 2;

/// Longest `--timeout` accepted: a typo like 3000 should not hang a CI job for an hour.
const MAX_TIMEOUT_SECS: f64 = 300.0;
/// Longest `--deadline` accepted.
const MAX_DEADLINE_SECS: f64 = 3600.0;
/// The default deadline, in `--timeout`s: a connect, a handshake and a few reads in a row.
const DEADLINE_TIMEOUTS: f64 = 4.0;

pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // A judge's panic becomes an error finding for its check; anything else is a bug.
        if !engine::panic_is_contained() {
            eprintln!("rampart: internal error: {info} (please report this)");
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Audit(args) => audit(&args),
        Command::Profiles { action } => profiles(action),
        Command::Explain { id } => explain(&id),
        Command::Schema { fleet } => write_stdout(&if fleet {
            report::schema::fleet()
        } else {
            report::schema::report()
        })
        .map(|()| EXIT_OK),
        Command::Completions { shell } => completions(shell),
        Command::Man => man_page(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("rampart: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn audit(args: &AuditArgs) -> Result<u8, String> {
    let started = Instant::now();
    let format = if args.json {
        Format::Json
    } else {
        args.format.unwrap_or(Format::Text)
    };
    let fail_on = match args.fail_on {
        FailOnArg::Fail => FailOn::Fail,
        FailOnArg::Warn => FailOn::Warn,
        FailOnArg::New => FailOn::New,
    };
    if fail_on == FailOn::New && args.baseline.is_none() {
        return Err(
            "--fail-on new gates on findings an earlier report did not have: \
                    give that report with --baseline FILE"
                .into(),
        );
    }
    let report_files = args
        .report
        .iter()
        .map(|r| ReportFile::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    let waivers = match &args.waivers {
        Some(path) => waiver::read_file(path)?,
        None => Vec::new(),
    };
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let extras = Extras {
        waivers: &waivers,
        baseline: baseline.as_ref(),
    };
    let deadline = started + deadline(args)?;

    let entries = match &args.targets {
        Some(file) => {
            let plans = fleet::read(file)?
                .iter()
                .map(|t| {
                    plan(&fleet::args_for(args, t), Some(t.name.clone()))
                        .map_err(|e| format!("target {:?}: {e}", t.name))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let progress = Progress::start(plans.len(), "auditing targets", args.quiet);
            let entries = fleet::run(plans, &extras, args.max_sockets, deadline, &progress);
            progress.finish();
            entries
        }
        None => {
            let plan = plan(args, None)?;
            let progress =
                Progress::start(1, &format!("auditing {}", plan.profile.name), args.quiet);
            let limits = NetLimits {
                max_sockets: args.max_sockets,
                deadline,
            };
            let entry = crate::audit::run(plan, &extras, limits);
            progress.finish();
            vec![entry]
        }
    };

    // Colour is decided per stream: the terminal may get it, a report file never does.
    let stdout_style = Style {
        color: use_color(args.color),
    };
    let file_style = Style { color: false };
    let written = (|| -> Result<(), String> {
        for file in &report_files {
            output::write_file(
                &file.path,
                &output::render(file.format, &entries, fail_on, file_style),
            )?;
        }
        match &args.output {
            Some(path) => {
                output::write_file(path, &output::render(format, &entries, fail_on, file_style))
                    .map_err(|e| format!("--output {}: {e}", path.display()))?;
                if format != Format::Text {
                    write_stdout(&output::render(
                        Format::Text,
                        &entries,
                        fail_on,
                        stdout_style,
                    ))?;
                }
            }
            None => write_stdout(&output::render(format, &entries, fail_on, stdout_style))?,
        }
        Ok(())
    })();
    written.map_err(|e| report::redact(&entries, &e))?;
    Ok(if report::gated(&entries, fail_on) > 0 {
        EXIT_GATED
    } else {
        EXIT_OK
    })
}

/// Profile, target and selection from arguments; any problem is an argument error.
fn plan(args: &AuditArgs, name: Option<String>) -> Result<Plan, String> {
    let profile = load_profile(args)?;
    let target = build_target(args, &profile)?;
    let selection = build_selection(args, &profile)?;
    Ok(Plan {
        name,
        profile,
        target,
        selection,
    })
}

fn completions(shell: clap_complete::Shell) -> Result<u8, String> {
    let mut out = Vec::new();
    let mut command = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut command, "rampart", &mut out);
    write_stdout(&String::from_utf8_lossy(&out))?;
    Ok(EXIT_OK)
}

fn man_page() -> Result<u8, String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
        .render(&mut out)
        .map_err(|e| format!("cannot render the man page: {e}"))?;
    write_stdout(&String::from_utf8_lossy(&out))?;
    Ok(EXIT_OK)
}

/// Writes to stdout; a reader that went away (`| head -1`) ends the output quietly.
fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

fn use_color(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn load_profile(args: &AuditArgs) -> Result<Profile, String> {
    let loaded = match (&args.profile, &args.profile_file) {
        (Some(name), _) => profile::load_builtin(name),
        (None, Some(path)) => profile::load_file(path),
        (None, None) => return Err("give --profile NAME or --profile-file PATH".into()),
    };
    loaded.map_err(|e| e.to_string())
}

/// The whole audit's time limit: `--deadline`, or enough for every probe family to use its
/// `--timeout` a few times over.
fn deadline(args: &AuditArgs) -> Result<Duration, String> {
    let seconds = match args.deadline {
        Some(d) if d > 0.0 && d <= MAX_DEADLINE_SECS => d,
        Some(d) => {
            return Err(format!(
                "--deadline {d}: expected seconds above 0, at most {MAX_DEADLINE_SECS}"
            ))
        }
        None => (args.timeout * DEADLINE_TIMEOUTS).min(MAX_DEADLINE_SECS),
    };
    Ok(Duration::from_secs_f64(seconds))
}

fn build_target(args: &AuditArgs, profile: &Profile) -> Result<Target, String> {
    let root = args.root.clone();
    if !root.is_dir() {
        return Err(format!("--root {}: not a directory", root.display()));
    }
    let url = args.url.as_deref().map(TargetUrl::parse).transpose()?;
    let resolve = args
        .resolve
        .iter()
        .map(|r| ResolveOverride::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    // The URL's own port, and 80 for the plain-HTTP redirect check.
    if let Some(stray) = resolve.iter().find(|r| {
        url.as_ref()
            .is_none_or(|u| u.host != r.host || (u.port != r.port && r.port != 80))
    }) {
        let target = url
            .as_ref()
            .map(|u| format!("--url names {}", u.host_port()))
            .unwrap_or_else(|| "there is no --url".into());
        return Err(format!(
            "--resolve {}:{}:{}: matches no audited host and port ({target})",
            stray.host, stray.port, stray.addr
        ));
    }
    let ca_certs = match &args.ca_file {
        Some(path) => crate::net::rustls_probe::roots::read_ca_file(path)?,
        None => Vec::new(),
    };
    if !(args.timeout > 0.0 && args.timeout <= MAX_TIMEOUT_SECS) {
        return Err(format!(
            "--timeout {}: expected seconds above 0, at most {MAX_TIMEOUT_SECS}",
            args.timeout
        ));
    }
    Ok(Target {
        env_files: env_file_specs(&root, profile, &args.env_file)?,
        compose_files: compose_file_specs(&root, profile, &args.compose_file),
        compose_explicit: !args.compose_file.is_empty(),
        root,
        url,
        resolve,
        ca_certs,
        timeout: Duration::from_secs_f64(args.timeout),
        host: args.host.as_deref().map(parse_host).transpose()?,
        extra_ports: match &args.ports {
            Some(list) => PortList::parse(list).map_err(|e| e.to_string())?,
            None => PortList::default(),
        },
        host_root: host_root(&args.host_root)?,
        dns_server: args
            .dns_server
            .as_deref()
            .map(parse_dns_server)
            .transpose()?,
    })
}

/// `--host`: an IP address (brackets allowed around IPv6), not a name: the scan must hit
/// exactly the address the operator means.
fn parse_host(text: &str) -> Result<IpAddr, String> {
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse()
        .map_err(|_| format!("--host {text:?}: expected an IPv4 or IPv6 address"))
}

fn parse_dns_server(text: &str) -> Result<SocketAddr, String> {
    text.parse().map_err(|_| {
        format!("--dns-server {text:?}: expected ADDR:PORT, e.g. 127.0.0.1:53 or [::1]:53")
    })
}

fn host_root(dir: &Path) -> Result<HostRoot, String> {
    if !dir.is_dir() {
        return Err(format!("--host-root {}: not a directory", dir.display()));
    }
    Ok(HostRoot::new(dir))
}

/// The profile's env files under `--root`, with `--env-file` overrides: `ROLE=PATH` replaces
/// that role's file; a plain PATH takes the next role in declaration order. Files named on the
/// command line are required.
fn env_file_specs(
    root: &Path,
    profile: &Profile,
    overrides: &[String],
) -> Result<Vec<EnvFileSpec>, String> {
    let mut specs: Vec<EnvFileSpec> = profile
        .env_file
        .iter()
        .map(|d| EnvFileSpec {
            role: d.role.clone(),
            path: root.join(&d.path),
            required: d.required,
            dialect: d.dialect,
        })
        .collect();
    if specs.is_empty() && !overrides.is_empty() {
        specs.push(EnvFileSpec {
            role: "main".into(),
            path: PathBuf::new(),
            required: true,
            dialect: Default::default(),
        });
    }
    let roles: Vec<String> = specs.iter().map(|s| s.role.clone()).collect();
    let mut next_plain = 0;
    for value in overrides {
        let (index, path) = match value.split_once('=') {
            Some((role, path)) if roles.iter().any(|r| r == role) => {
                (roles.iter().position(|r| r == role).unwrap_or(0), path)
            }
            // A mistyped role must not silently become a path named `agnet=/srv/.env`;
            // a path that really contains `=` can be written `./a=b`.
            Some((role, _)) if looks_like_role(role) => {
                return Err(format!(
                    "--env-file {value}: profile {} has no env file role {role:?} (roles: {})",
                    profile.name,
                    if roles.is_empty() {
                        "none".to_string()
                    } else {
                        roles.join(", ")
                    }
                ));
            }
            _ => {
                let index = next_plain;
                next_plain += 1;
                (index, value.as_str())
            }
        };
        let spec = specs.get_mut(index).ok_or_else(|| {
            format!(
                "--env-file {value}: profile {} reads {} env file(s) (roles: {}); \
                 name the role as ROLE=PATH",
                profile.name,
                roles.len(),
                roles.join(", ")
            )
        })?;
        spec.path = PathBuf::from(path);
        spec.required = true;
    }
    Ok(specs)
}

fn looks_like_role(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn compose_file_specs(
    root: &Path,
    profile: &Profile,
    overrides: &[PathBuf],
) -> Vec<ComposeFileSpec> {
    if overrides.is_empty() {
        profile
            .compose_file
            .iter()
            .map(|d| ComposeFileSpec {
                path: root.join(&d.path),
                required: d.required,
            })
            .collect()
    } else {
        overrides
            .iter()
            .map(|p| ComposeFileSpec {
                path: p.clone(),
                required: true,
            })
            .collect()
    }
}

fn build_selection(args: &AuditArgs, profile: &Profile) -> Result<Selection, String> {
    let only = args
        .only
        .iter()
        .map(|name| {
            Category::parse(name).ok_or_else(|| {
                let all: Vec<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "--only {name}: unknown category (one of: {})",
                    all.join(", ")
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // A selection that leaves nothing to run would print "PASSED" for an audit that examined
    // nothing: refuse it, and say what the profile does have.
    let mut present: Vec<Category> = profile.check.iter().map(|c| c.category()).collect();
    present.sort();
    present.dedup();
    let names = |cats: &[Category]| {
        cats.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let selected = profile
        .check
        .iter()
        .filter(|c| only.is_empty() || only.contains(&c.category()))
        .filter(|c| !args.skip.contains(&c.id))
        .count();
    if selected == 0 {
        let asked = if only.is_empty() {
            "--skip".to_string()
        } else {
            format!("--only {}", names(&only))
        };
        return Err(format!(
            "{asked} leaves no check of profile {} to run (its categories: {})",
            profile.name,
            names(&present)
        ));
    }
    for id in &args.skip {
        if !profile.check.iter().any(|c| &c.id == id) {
            return Err(format!(
                "--skip {id}: profile {} has no such check (see `rampart profiles show {}`)",
                profile.name, profile.name
            ));
        }
    }
    Ok(Selection {
        only,
        skip: args.skip.clone(),
    })
}

fn profiles(action: Option<ProfilesAction>) -> Result<u8, String> {
    match action {
        None => {
            let mut out = String::new();
            for embedded in builtin::PROFILES {
                let p = profile::load_builtin(embedded.name).map_err(|e| e.to_string())?;
                out.push_str(&format!(
                    "{:<12} {:>3} checks  {}\n",
                    p.name,
                    p.check.len(),
                    p.title
                ));
            }
            write_stdout(&out)?;
        }
        Some(ProfilesAction::Show { name }) => {
            let p = if name.ends_with(".toml") {
                profile::load_file(Path::new(&name))
            } else {
                profile::load_builtin(&name)
            }
            .map_err(|e| e.to_string())?;
            write_stdout(&show_profile(&p)?)?;
        }
    }
    Ok(EXIT_OK)
}

/// The resolved profile as a standalone TOML profile (no `extends`), so it can be copied and
/// edited.
fn show_profile(p: &Profile) -> Result<String, String> {
    #[derive(serde::Serialize)]
    struct Shown<'a> {
        name: &'a str,
        title: &'a str,
        description: &'a str,
        env_file: &'a [profile::schema::EnvFileDecl],
        compose_file: &'a [profile::schema::ComposeFileDecl],
        check: &'a [profile::schema::CheckDef],
        #[serde(skip_serializing_if = "Vec::is_empty")]
        waiver: Vec<waiver::WaiverDecl>,
    }
    let body = toml::to_string(&Shown {
        name: &p.name,
        title: &p.title,
        description: &p.description,
        env_file: &p.env_file,
        compose_file: &p.compose_file,
        check: &p.check,
        waiver: p.waiver.iter().map(waiver::Waiver::declaration).collect(),
    })
    .map_err(|e| format!("cannot render profile {}: {e}", p.name))?;
    Ok(format!(
        "# Profile {} resolved from: {}\n\n{body}",
        p.name,
        p.lineage.join(" -> ")
    ))
}

fn explain(id: &str) -> Result<u8, String> {
    let mut found = None;
    let mut used_by = Vec::new();
    for embedded in builtin::PROFILES {
        let p = profile::load_builtin(embedded.name).map_err(|e| e.to_string())?;
        if let Some(check) = p.check.iter().find(|c| c.id == id) {
            used_by.push(p.name.clone());
            found.get_or_insert_with(|| check.clone());
        }
    }
    let check = found.ok_or_else(|| {
        format!(
            "explain {id}: no built-in profile has this check (see `rampart profiles show NAME`)"
        )
    })?;
    let mut out = format!(
        "{id}: {}\n\nkind:      {}\ncategory:  {}\nseverity:  {}\nprofiles:  {}\n",
        check.title,
        check.kind.tag(),
        check.category(),
        check.severity,
        used_by.join(", ")
    );
    if !check.rationale.is_empty() {
        out.push_str(&format!(
            "\nWhy it matters:\n{}\n",
            indented(&check.rationale)
        ));
    }
    out.push_str(&format!(
        "\nHow to fix a failure:\n{}\n",
        indented(&check.remediation)
    ));
    write_stdout(&out)?;
    Ok(EXIT_OK)
}

/// Profile texts are wrapped by hand in TOML; keep every line under its heading.
fn indented(text: &str) -> String {
    text.trim()
        .lines()
        .map(|line| format!("  {}", line.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}
