//! The command line: `bisman serve | tenant | sysadmin | migrate | check | audit`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::app::{self, Core, StartError};
use crate::audit::Actor;
use crate::config::{FlagOverrides, Settings};
use crate::control::tenants::TenantStatus;
use crate::db::embedded::{CONTROL_MIGRATIONS, TENANT_MIGRATIONS};
use crate::modules::system::{model::CreateTenant, service as system};

#[derive(Parser, Debug)]
#[command(
    name = "bisman",
    version,
    about = "BISMAN ERP appliance: a multi-tenant ERP in one binary"
)]
pub struct Cli {
    /// TOML configuration file (default: $BISMAN_CONFIG, else /etc/bisman/bisman.toml if present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory (overrides BISMAN_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage system administrators.
    #[command(subcommand)]
    Sysadmin(SysadminCommand),
    /// Apply pending migrations to the control DB and every tenant file.
    Migrate {
        /// List pending migrations and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Validate configuration and environment; print every problem; exit 1 if any.
    Check,
    /// Audit trail tools.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Replication status and restore drills.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Tenant data keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Database statistics.
    #[command(subcommand)]
    Db(DbCommand),
    /// Point-in-time restore of one tenant from its replica into a new file, then verify it.
    Restore {
        #[arg(long)]
        tenant: String,
        /// RFC 3339 instant to restore to (default: the latest replicated state).
        #[arg(long)]
        timestamp: Option<String>,
        /// Output file (must not exist).
        #[arg(long)]
        output: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Rows and bytes per table and index, planner statistics, and the slowest statements
    /// the running server has seen. Read-only.
    Stats {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// Replication position and lag of the control DB and every tenant.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Restore drill now: restore each tenant (or one) from its replica into a scratch
    /// file, check integrity, the audit chain and row counts against the live file.
    Verify {
        /// Only this tenant (default: every tenant).
        #[arg(long)]
        tenant: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// New data-key version for every tenant; re-encrypts every encrypted field and file
    /// online (the server keeps serving). Rerun after an interruption to continue.
    Rotate {
        /// Testing aid: stop after this many committed batches, as a crash would.
        #[arg(long, hide = true)]
        stop_after_batches: Option<u64>,
        /// Testing aid: seconds between a new version and retiring the old ones
        /// (default: the servers' key cache lifetime plus a minute).
        #[arg(long, hide = true)]
        retire_after_secs: Option<u64>,
    },
    /// Write the master key sealed under a passphrase (argon2id + AES-256-GCM) to a
    /// recovery file, to keep off this machine. The passphrase is read from
    /// --passphrase-file, else as one line of standard input.
    ExportRecovery {
        /// The recovery file to create (never overwritten).
        #[arg(long)]
        output: PathBuf,
        /// A file whose first line is the passphrase (at least 16 characters).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Check that a recovery file opens with its passphrase and unwraps every tenant's
    /// keys in the control DB; does not need the master key file. With --write-key,
    /// write the recovered master key there (mode 0600): the way back after losing it.
    VerifyRecovery {
        file: PathBuf,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// Where to write the recovered master key (never overwritten).
        #[arg(long)]
        write_key: Option<PathBuf>,
    },
    /// Re-wrap every tenant key under the configured master key, reading those not yet
    /// re-wrapped with BISMAN_MASTER_KEY_PREVIOUS_FILE; one transaction, online. With
    /// --generate PATH, only write a fresh master key to PATH (step 1 of the runbook).
    RotateMaster {
        #[arg(long, value_name = "PATH")]
        generate: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (overrides BISMAN_BIND).
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<String>,
    /// Create (once) a demo tenant with sample data and print how to sign in.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Create a tenant with its owner.
    Create {
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        owner_email: String,
        /// Without it a password is generated and printed once.
        #[arg(long)]
        owner_password: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List tenants.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Suspend a tenant (its users get 403 tenant_suspended).
    Suspend { slug: String },
    /// Resume a suspended tenant.
    Resume { slug: String },
}

#[derive(Subcommand, Debug)]
pub enum SysadminCommand {
    /// Create a system administrator.
    Create {
        #[arg(long)]
        email: String,
        /// Without it a password is generated and printed once.
        #[arg(long)]
        password: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Verify a tenant's audit hash chain; exit 1 with the first bad sequence number if broken.
    Verify {
        #[arg(long)]
        tenant: String,
    },
}

/// A failed command: one line on stderr.
pub struct Failure(pub String);

impl From<StartError> for Failure {
    fn from(e: StartError) -> Self {
        Failure(e.to_string())
    }
}

impl From<crate::error::AppError> for Failure {
    fn from(e: crate::error::AppError) -> Self {
        match e {
            crate::error::AppError::Validation(v) => Failure(
                v.iter()
                    .map(|p| format!("{}: {}", p.field, p.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => Failure(match other.problem("cli").detail.as_str() {
                d if matches!(
                    other,
                    crate::error::AppError::Internal(_)
                        | crate::error::AppError::TenantUnavailable(_)
                ) =>
                {
                    format!("{d} ({other})")
                }
                d => d.to_string(),
            }),
        }
    }
}

pub fn run() -> ExitCode {
    // Before anything can panic: a panic message may quote input (issue #15, 2).
    crate::telemetry::install_panic_hook();
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(Failure(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn settings(cli: &Cli, bind: Option<String>) -> Result<Settings, Failure> {
    let file = crate::config::config_file(cli.config.as_deref());
    let flags = FlagOverrides {
        data_dir: cli.data_dir.clone(),
        bind,
    };
    Settings::load(file.as_deref(), &flags).map_err(|p| Failure(StartError::Config(p).to_string()))
}

fn dispatch(cli: Cli) -> Result<ExitCode, Failure> {
    match &cli.command {
        Command::Serve(args) => {
            let s = settings(&cli, args.bind.clone())?;
            // What a restart in place (SIGHUP) would start with: read again, checked first.
            let file = crate::config::config_file(cli.config.as_deref());
            let flags = FlagOverrides {
                data_dir: cli.data_dir.clone(),
                bind: args.bind.clone(),
            };
            let recheck = move || -> Result<(), String> {
                let s = Settings::load(file.as_deref(), &flags)
                    .map_err(|p| StartError::Config(p).to_string())?;
                match &s.tls {
                    Some(tls) => crate::tls::check_files(tls),
                    None => Ok(()),
                }
            };
            serve(s, args.demo, recheck)
        }
        Command::Check => check(settings(&cli, None)),
        Command::Migrate { dry_run } => migrate(&settings(&cli, None)?, *dry_run),
        Command::Tenant(cmd) => tenant(cmd, settings(&cli, None)?),
        Command::Sysadmin(SysadminCommand::Create { email, password }) => {
            let core = quiet_core(settings(&cli, None)?)?;
            let (pw, generated) = match password {
                Some(p) => (p.clone(), false),
                None => (crate::auth::password::generate(), true),
            };
            system::create_sysadmin(&core.control, email, &pw)?;
            println!("created system administrator {email}");
            if generated {
                println!("password (shown once): {pw}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup(BackupCommand::Status { json }) => {
            backup_status(settings(&cli, None)?, *json)
        }
        Command::Backup(BackupCommand::Verify { tenant }) => {
            backup_verify(settings(&cli, None)?, tenant.as_deref())
        }
        Command::Keys(KeysCommand::Rotate {
            stop_after_batches,
            retire_after_secs,
        }) => keys_rotate(
            settings(&cli, None)?,
            *stop_after_batches,
            *retire_after_secs,
        ),
        Command::Keys(KeysCommand::ExportRecovery {
            output,
            passphrase_file,
        }) => keys_export_recovery(settings(&cli, None)?, output, passphrase_file.as_deref()),
        Command::Keys(KeysCommand::VerifyRecovery {
            file,
            passphrase_file,
            write_key,
        }) => keys_verify_recovery(
            settings(&cli, None)?,
            file,
            passphrase_file.as_deref(),
            write_key.as_deref(),
        ),
        Command::Keys(KeysCommand::RotateMaster { generate }) => {
            keys_rotate_master(settings(&cli, None)?, generate.as_deref())
        }
        Command::Restore {
            tenant,
            timestamp,
            output,
        } => restore(settings(&cli, None)?, tenant, timestamp.as_deref(), output),
        Command::Db(DbCommand::Stats { tenant, json }) => {
            let s = settings(&cli, None)?;
            let db = s.tenants_dir().join(tenant).join("tenant.db");
            if crate::domain::TenantSlug::parse(tenant).is_err() || !db.is_file() {
                return Err(Failure(format!(
                    "no tenant {tenant:?} in {}",
                    s.data_dir.display()
                )));
            }
            let stats = crate::db::stats::collect(&db, &s.data_dir)
                .map_err(|e| Failure(format!("tenant {tenant}: {e}")))?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&stats).unwrap_or_default()
                );
            } else {
                print!("{}", crate::db::stats::render(tenant, &stats));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify { tenant }) => {
            let core = quiet_core(settings(&cli, None)?)?;
            let handle = core
                .tenants
                .open_blocking(tenant)
                .map_err(|e| Failure(format!("tenant {tenant}: {e}")))?;
            let v = handle.db.read_blocking(crate::audit::verify)?;
            if v.ok {
                println!("ok: {} events, head {}", v.events, v.head_hash);
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("audit chain broken at seq {}", v.first_bad_seq.unwrap_or(0));
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

/// Exit code of a rotation stopped by `--stop-after-batches` (distinct from failure).
const EXIT_STOPPED: u8 = 3;

fn keys_rotate(
    s: Settings,
    stop_after_batches: Option<u64>,
    retire_after_secs: Option<u64>,
) -> Result<ExitCode, Failure> {
    use crate::keys::rotate::{self, Batches, Options};
    use indicatif::{ProgressBar, ProgressStyle};
    let core = quiet_core(s)?;
    let mut opts = Options {
        stop_after_batches,
        ..Options::default()
    };
    if let Some(secs) = retire_after_secs {
        opts.retire_after = std::time::Duration::from_secs(secs);
    }
    let style = ProgressStyle::with_template("{prefix:>20} [{bar:40}] {pos}/{len} rows {msg}")
        .map_err(|e| Failure(format!("progress bar: {e}")))?
        .progress_chars("=> ");
    // Drawn on stderr only when it is a terminal; hidden under systemd or in scripts.
    let bar_for = |slug: &str| {
        ProgressBar::new(0)
            .with_style(style.clone())
            .with_prefix(slug.to_string())
    };
    let mut batches = Batches::default();
    let mut failed = false;
    // Phase 1, every tenant: new version, everything rewritten under it.
    let mut done = Vec::new();
    for t in core.tenants.list_blocking()? {
        let bar = bar_for(&t.slug);
        // Handles are not kept across the wait: with many tenants they would pin as many
        // open files (the registry closes the least recently used ones).
        let result = core.tenants.open_blocking(&t.slug).and_then(|h| {
            rotate::reencrypt(
                &core.control,
                core.keys.master(),
                &h.db,
                &t.slug,
                &opts,
                &mut batches,
                &bar,
            )
        });
        bar.finish_and_clear();
        match result {
            Ok(r) if r.outcome.stopped => {
                println!(
                    "tenant {}: stopped after {} batches; rerun to continue with version {}",
                    r.outcome.tenant, batches.committed, r.outcome.version
                );
                return Ok(ExitCode::from(EXIT_STOPPED));
            }
            Ok(r) => done.push(r),
            Err(e) => {
                failed = true;
                eprintln!("tenant {}: rotation failed: {}", t.slug, Failure::from(e).0);
            }
        }
    }
    // One wait for all tenants: running servers drop rings cached before the rotation.
    let wait = done
        .iter()
        .map(|r| rotate::wait_before_retiring(r, &opts))
        .max()
        .unwrap_or_default();
    if !wait.is_zero() {
        println!(
            "every value is re-encrypted; waiting {}s before retiring old key versions, so running servers stop using them (interrupting is safe: rerun)",
            wait.as_secs()
        );
        std::thread::sleep(wait);
    }
    // Phase 2: recount, catch up, retire.
    for r in done {
        let slug = r.outcome.tenant.clone();
        let bar = bar_for(&slug);
        let result = core.tenants.open_blocking(&slug).and_then(|h| {
            rotate::retire_unused(&core.control, &h.db, r, &opts, &mut batches, &bar)
        });
        bar.finish_and_clear();
        match result {
            Ok(o) if o.stopped => {
                println!("tenant {slug}: stopped; rerun to continue");
                return Ok(ExitCode::from(EXIT_STOPPED));
            }
            Ok(o) => println!(
                "tenant {}: key version {} ({}), re-encrypted {} fields and {} file chunks, retired {:?}",
                o.tenant,
                o.version,
                if o.created { "new" } else { "resumed" },
                o.fields,
                o.chunks,
                o.retired
            ),
            Err(e) => {
                failed = true;
                eprintln!("tenant {slug}: rotation failed: {}", Failure::from(e).0);
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The passphrase: the first line of `file`, else one line of standard input.
fn read_passphrase(file: Option<&Path>) -> Result<zeroize::Zeroizing<String>, Failure> {
    let text = match file {
        Some(p) => zeroize::Zeroizing::new(
            std::fs::read_to_string(p)
                .map_err(|e| Failure(format!("--passphrase-file {}: {e}", p.display())))?,
        ),
        None => {
            eprintln!("passphrase (one line on standard input):");
            let mut line = zeroize::Zeroizing::new(String::new());
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| Failure(format!("reading the passphrase: {e}")))?;
            line
        }
    };
    let first = text.lines().next().unwrap_or_default();
    Ok(zeroize::Zeroizing::new(first.to_string()))
}

/// Creates `path` with `text`, mode 0600; never overwrites.
fn write_private_file(path: &Path, text: &str) -> Result<(), Failure> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| Failure(format!("{}: {e}", path.display())))
}

fn open_control_read_only(s: &Settings) -> Result<Option<rusqlite::Connection>, Failure> {
    let path = s.control_db_path();
    if !path.exists() {
        return Ok(None);
    }
    rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map(Some)
        .map_err(|e| Failure(format!("{}: {e}", path.display())))
}

fn keys_export_recovery(
    s: Settings,
    output: &Path,
    passphrase_file: Option<&Path>,
) -> Result<ExitCode, Failure> {
    use crate::keys::recovery;
    let core = quiet_core(s)?;
    let master = core.keys.master();
    let (tenants, failing) = core
        .control
        .read_blocking(|c| recovery::check_opens_all(c, master))?;
    if failing > 0 && core.keys.previous_master().is_none() {
        return Err(Failure(format!(
            "the configured master key does not open {failing} tenant key(s): refusing to export a key that would not recover them"
        )));
    }
    let passphrase = read_passphrase(passphrase_file)?;
    let file = recovery::seal(master, &passphrase).map_err(Failure)?;
    write_private_file(output, &file)?;
    println!(
        "wrote {} (master key {}, opens the keys of {tenants} tenants). Keep it off this machine, and the passphrase apart from it.",
        output.display(),
        recovery::fingerprint(master)
    );
    if failing > 0 {
        println!("note: {failing} tenant key(s) are still wrapped under the previous master key: finish `bisman keys rotate-master`, then export again");
    }
    Ok(ExitCode::SUCCESS)
}

fn keys_verify_recovery(
    s: Settings,
    file: &Path,
    passphrase_file: Option<&Path>,
    write_key: Option<&Path>,
) -> Result<ExitCode, Failure> {
    use crate::keys::recovery;
    let text =
        std::fs::read_to_string(file).map_err(|e| Failure(format!("{}: {e}", file.display())))?;
    let passphrase = read_passphrase(passphrase_file)?;
    let master = recovery::open(&text, &passphrase).map_err(Failure)?;
    let fp = recovery::fingerprint(&master);
    // Straight from the control DB: this must work when the master key file is lost.
    let failing = match open_control_read_only(&s)? {
        Some(c) => {
            let (tenants, failing) = recovery::check_opens_all(&c, &master)?;
            println!(
                "recovery file ok: master key {fp}; it opens {} of the wrapped keys of {tenants} tenants",
                if failing == 0 { "all" } else { "not all" }
            );
            failing
        }
        None => {
            println!("recovery file ok: master key {fp} (no control DB here to check it against)");
            0
        }
    };
    if failing > 0 {
        println!("{failing} wrapped key(s) do not open with this key: it is not (or no longer) this appliance's master key");
        return Ok(ExitCode::FAILURE);
    }
    if let Some(path) = write_key {
        let text = master.to_file_text();
        write_private_file(path, &format!("{}\n", text.as_str()))?;
        println!("wrote the master key to {} (mode 0600)", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn keys_rotate_master(s: Settings, generate: Option<&Path>) -> Result<ExitCode, Failure> {
    use crate::keys::recovery;
    if let Some(path) = generate {
        let key = crate::crypto::MasterKey::generate();
        write_private_file(path, &format!("{}\n", key.to_file_text().as_str()))?;
        println!(
            "wrote a new master key {} to {}. Next: make it the master key and the current one the previous key (BISMAN_MASTER_KEY_PREVIOUS_FILE), restart, then run `bisman keys rotate-master` (docs/runbooks/rotate-master-key.md)",
            recovery::fingerprint(&key),
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let core = quiet_core(s)?;
    let new = core.keys.master();
    let old: Vec<&crate::crypto::MasterKey> = core.keys.previous_master().into_iter().collect();
    let done = recovery::rewrap_all(&core.control, new, &old)?;
    let (tenants, failing) = core
        .control
        .read_blocking(|c| recovery::check_opens_all(c, new))?;
    if failing > 0 {
        return Err(Failure(format!(
            "{failing} wrapped key(s) still do not open with the master key"
        )));
    }
    println!(
        "re-wrapped {} tenant key(s) under master key {} ({} already were); every key of {tenants} tenants opens with it. Remove BISMAN_MASTER_KEY_PREVIOUS_FILE at the next restart and export a new recovery file: the old one no longer opens anything.",
        done.rewrapped,
        recovery::fingerprint(new),
        done.already
    );
    Ok(ExitCode::SUCCESS)
}

fn quiet_core(s: Settings) -> Result<Core, Failure> {
    Ok(app::open_core(s)?)
}

fn check(settings: Result<Settings, Failure>) -> Result<ExitCode, Failure> {
    let s = match settings {
        Ok(s) => s,
        Err(Failure(msg)) => {
            eprintln!("{msg}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut problems: Vec<String> = Vec::new();
    if let Err(p) = crate::secrets::check_data_dir(&s.data_dir) {
        problems.push(p.to_string());
    } else if let Err(ps) = crate::secrets::load(&s) {
        problems.extend(ps.iter().map(|p| p.to_string()));
    }
    let disk = crate::http::ops::disk_check(&s.data_dir);
    if disk != "ok" {
        problems.push(format!("BISMAN_DATA_DIR: {disk}"));
    }
    if let Some(tls) = &s.tls {
        if let Err(p) = crate::tls::check_files(tls) {
            problems.push(p);
        }
    }
    if crate::backup::backups_missing(&s) {
        // A warning, not a problem: the appliance runs, but nothing protects its data.
        eprintln!("warning: {}", crate::backup::NO_BACKUPS_WARNING);
    }
    if problems.is_empty() {
        println!(
            "configuration ok ({} mode, data dir {})",
            if s.is_production() {
                "production"
            } else {
                "development"
            },
            s.data_dir.display()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &problems {
            eprintln!("{p}");
        }
        Ok(ExitCode::FAILURE)
    }
}

fn tenant_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path().join("tenant.db");
            if path.exists() {
                out.push((e.file_name().to_string_lossy().into_owned(), path));
            }
        }
    }
    out.sort();
    out
}

fn migrate(s: &Settings, dry_run: bool) -> Result<ExitCode, Failure> {
    let mut targets = vec![(
        "control".to_string(),
        s.control_db_path(),
        &CONTROL_MIGRATIONS,
    )];
    targets.extend(
        tenant_files(&s.tenants_dir())
            .into_iter()
            .map(|(slug, p)| (format!("tenant {slug}"), p, &TENANT_MIGRATIONS)),
    );
    let mut failed = false;
    for (label, path, migrator) in targets {
        if dry_run {
            if !path.exists() {
                println!("{label}: file does not exist yet (every migration pending)");
                continue;
            }
            let conn =
                crate::db::open_reader(&path).map_err(|e| Failure(format!("{label}: {e}")))?;
            match migrator.plan(&conn) {
                Ok(plan) if plan.pending.is_empty() => println!("{label}: up to date"),
                Ok(plan) => {
                    for (v, name) in plan.pending {
                        println!("{label}: pending {v:04}_{name}");
                    }
                }
                Err(e) => {
                    failed = true;
                    eprintln!("{label}: {e}");
                }
            }
        } else {
            let result = crate::db::open_writer(&path)
                .map_err(|e| e.to_string())
                .and_then(|mut c| {
                    let plan = migrator.plan(&c).map_err(|e| e.to_string())?;
                    if let (false, Some((v, _))) = (plan.pending.is_empty(), plan.applied.last()) {
                        let snap = crate::db::database::snapshot_before_migrate(&c, &path, *v)
                            .map_err(|e| format!("snapshot failed: {e}"))?;
                        println!("{label}: snapshot {}", snap.display());
                    }
                    migrator.apply(&mut c).map_err(|e| e.to_string())
                });
            match result {
                Ok(plan) if plan.pending.is_empty() => println!("{label}: up to date"),
                Ok(plan) => println!(
                    "{label}: applied {}",
                    plan.pending
                        .iter()
                        .map(|(v, n)| format!("{v:04}_{n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Err(e) => {
                    failed = true;
                    eprintln!("{label}: {e}");
                }
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn tenant(cmd: &TenantCommand, s: Settings) -> Result<ExitCode, Failure> {
    let core = quiet_core(s)?;
    match cmd {
        TenantCommand::Create {
            slug,
            name,
            owner_email,
            owner_password,
            json,
        } => {
            let req = CreateTenant {
                slug: slug.clone(),
                name: name.clone(),
                owner_email: owner_email.clone(),
                owner_password: owner_password.clone(),
            };
            let p =
                system::provision_tenant(&core.tenants, &core.keys, &req, &Actor::system(None))?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&p.created).unwrap_or_default()
                );
            } else {
                println!(
                    "created tenant {} ({}) with owner {}",
                    p.created.tenant.slug, p.created.tenant.name, p.created.owner_email
                );
                if let Some(pw) = &p.created.generated_owner_password {
                    println!("owner password (shown once): {pw}");
                }
            }
            if let Some(r) = &core.replication {
                register_created_tenant(r, &p.created.tenant.slug, *json)?;
            }
        }
        TenantCommand::List { json } => {
            return tenant_list(&core, *json);
        }
        TenantCommand::Suspend { slug } => {
            core.tenants
                .set_status_blocking(slug, TenantStatus::Suspended)?;
            println!("suspended {slug}");
        }
        TenantCommand::Resume { slug } => {
            core.tenants
                .set_status_blocking(slug, TenantStatus::Active)?;
            println!("resumed {slug}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// After `tenant create`: hands the new tenant to a running Litestream at once. Best
/// effort: when no Litestream answers (the server is stopped, or runs elsewhere) the
/// running server's reconcile registers it within seconds, and a start includes it.
fn register_created_tenant(
    r: &crate::backup::Replication,
    slug: &str,
    json: bool,
) -> Result<(), Failure> {
    if std::os::unix::net::UnixStream::connect(&r.socket_path).is_err() {
        return Ok(());
    }
    let outcome = small_runtime()?.block_on(r.register_tenant(slug));
    // With --json, stdout is the document only.
    match outcome {
        Ok(()) if !json => println!("registered {slug} with the running litestream"),
        Ok(()) => {}
        Err(e) => eprintln!(
            "warning: could not register {slug} with the running litestream ({e}); the server registers it within seconds"
        ),
    }
    Ok(())
}

/// Lifts the soft open-file limit to the hard one: every client connection costs a
/// descriptor, and the common default of 1,024 would cap the server near that many.
fn raise_open_file_limit() {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current == limit.maximum {
        return;
    }
    let from = limit.current;
    limit.current = limit.maximum;
    match setrlimit(Resource::Nofile, limit) {
        Ok(()) => tracing::debug!(?from, to = ?limit.maximum, "raised the open-file limit"),
        Err(e) => tracing::warn!(error = %e, "could not raise the open-file limit"),
    }
}

fn tenant_list(core: &Core, json: bool) -> Result<ExitCode, Failure> {
    let list = core.tenants.list_blocking()?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    } else {
        for t in list {
            println!("{}\t{}\t{}", t.slug, t.status.as_str(), t.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn small_runtime() -> Result<rocket::tokio::runtime::Runtime, Failure> {
    rocket::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the runtime: {e}")))
}

fn backup_status(s: Settings, json: bool) -> Result<ExitCode, Failure> {
    let Some(repl) = crate::backup::Replication::from_settings(&s).map_err(Failure)? else {
        println!("replication is disabled (BISMAN_REPLICA_URL is not set)");
        return Ok(ExitCode::SUCCESS);
    };
    let rows = small_runtime()?
        .block_on(repl.status_now())
        .map_err(Failure)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<40} {:>12} {:>12} {:>10}  status",
        "database", "local txid", "replica txid", "lag (s)"
    );
    let mut unhealthy = false;
    for r in &rows {
        let lag = r
            .lag_seconds
            .map(|l| format!("{l:.1}"))
            .unwrap_or_else(|| "-".into());
        let state = match (&r.error, r.lag_seconds) {
            (Some(e), _) => {
                unhealthy = true;
                e.clone()
            }
            (None, Some(l)) if l > crate::backup::MAX_HEALTHY_LAG_SECS => {
                unhealthy = true;
                "lagging".into()
            }
            _ => "ok".into(),
        };
        let opt = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
        println!(
            "{:<40} {:>12} {:>12} {:>10}  {state}",
            r.name,
            opt(r.local_txid),
            opt(r.replica_txid),
            lag
        );
    }
    Ok(if unhealthy {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Restores a tenant, then checks the result: SQLite integrity and the audit chain.
fn restore(
    s: Settings,
    tenant: &str,
    timestamp: Option<&str>,
    output: &Path,
) -> Result<ExitCode, Failure> {
    let slug = crate::domain::TenantSlug::parse(tenant)
        .map_err(|e| Failure(format!("--tenant: {}", e.message)))?;
    let repl = crate::backup::Replication::from_settings(&s)
        .map_err(Failure)?
        .ok_or_else(|| {
            Failure("BISMAN_REPLICA_URL is not set: there is no replica to restore from".into())
        })?;
    let ts = timestamp
        .map(crate::replication::parse_timestamp)
        .transpose()
        .map_err(|e| Failure(format!("--timestamp: {e}")))?;
    let name = format!("tenants/{slug}");
    let summary = small_runtime()?
        .block_on(crate::replication::restore(
            &repl.bin,
            &repl.target,
            &name,
            ts,
            output,
        ))
        .map_err(|e| Failure(format!("restore failed: {e}")))?;
    let report = verify_restored(output)?;
    println!(
        "restored tenant {slug} to {} in {:.2}s: integrity ok, audit chain ok ({} events, head {})",
        output.display(),
        summary.duration.as_secs_f64(),
        report.events,
        report.head_hash
    );
    Ok(ExitCode::SUCCESS)
}

pub fn verify_restored(path: &Path) -> Result<crate::audit::Verification, Failure> {
    crate::drill::check_restored(path)
        .map(|(_, v)| v)
        .map_err(Failure)
}

/// `bisman backup verify`: a restore drill of every tenant (or one) now.
fn backup_verify(s: Settings, only: Option<&str>) -> Result<ExitCode, Failure> {
    let core = quiet_core(s)?;
    let repl = core.replication.clone().ok_or_else(|| {
        Failure("BISMAN_REPLICA_URL is not set: there is no replica to verify".into())
    })?;
    let slugs: Vec<String> = match only {
        Some(t) => {
            let slug = crate::domain::TenantSlug::parse(t)
                .map_err(|e| Failure(format!("--tenant: {}", e.message)))?;
            if core.tenants.record_blocking(slug.as_str())?.is_none() {
                return Err(Failure(format!("no tenant {slug}")));
            }
            vec![slug.to_string()]
        }
        None => core
            .tenants
            .list_blocking()?
            .into_iter()
            .map(|t| t.slug)
            .collect(),
    };
    let rt = small_runtime()?;
    let mut failed = false;
    for slug in slugs {
        let r = rt.block_on(crate::drill::run(&repl, &core.tenants, &core.keys, &slug));
        if r.ok {
            let counts = r
                .counts
                .iter()
                .map(|c| format!("{} {}/{}", c.table, c.restored, c.live))
                .collect::<Vec<_>>()
                .join(", ");
            println!(
                "tenant {slug}: ok in {:.2}s: integrity ok, audit chain ok ({} events, a prefix of the live chain), rows restored/live: {counts}; with control.db restored too, {} encrypted fields and {} document chunk(s) decrypt",
                r.seconds, r.audit_events, r.decrypted_fields, r.decrypted_chunks
            );
        } else {
            failed = true;
            println!(
                "tenant {slug}: FAILED: {}",
                r.error.as_deref().unwrap_or("unknown")
            );
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn serve(
    s: Settings,
    demo: bool,
    recheck: impl Fn() -> Result<(), String> + Send + 'static,
) -> Result<ExitCode, Failure> {
    crate::telemetry::init(&s);
    if let Some(tls) = &s.tls {
        crate::tls::check_files(tls).map_err(Failure)?;
    }
    if crate::backup::backups_missing(&s) {
        tracing::warn!("{}", crate::backup::NO_BACKUPS_WARNING);
    }
    raise_open_file_limit();
    let core = app::open_core(s)?;
    let runtime = rocket::tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(64)
        .thread_name("bisman")
        .build()
        .map_err(|e| Failure(format!("cannot start the runtime: {e}")))?;
    if demo {
        crate::demo::ensure(&core)?;
    }
    let rocket = app::build(&core);
    let restart = Arc::new(AtomicBool::new(false));
    let restart_flag = Arc::clone(&restart);
    let result = runtime.block_on(async move {
        use rocket::tokio::signal::unix::{signal, SignalKind};
        // Registered before the listener opens: from here on SIGHUP never kills us.
        let hup = signal(SignalKind::hangup())
            .map_err(|e| Failure(format!("cannot handle SIGHUP: {e}")))?;
        let ignited = rocket
            .ignite()
            .await
            .map_err(|e| Failure(format!("cannot start: {e}")))?;
        rocket::tokio::spawn(restart_on_sighup(
            hup,
            ignited.shutdown(),
            restart_flag,
            recheck,
        ));
        ignited
            .launch()
            .await
            .map_err(|e| Failure(format!("server error: {e}")))?;
        Ok::<_, Failure>(())
    });
    let restarting = restart.load(Ordering::SeqCst);
    if restarting {
        crate::service::notify_reloading();
    } else {
        crate::service::notify_stopping();
    }
    result?;
    let n = core.tenants.checkpoint_all();
    if restarting {
        tracing::info!(checkpointed = n, "drained; restarting in place");
        // No runtime shutdown: exec replaces every thread at once.
        return Err(restart_in_place());
    }
    tracing::info!(checkpointed = n, "stopped cleanly");
    Ok(ExitCode::SUCCESS)
}

/// SIGHUP: check the configuration and TLS files as a fresh start would read them; if
/// they are fine, drain like SIGTERM and flag a restart in place, else keep serving.
async fn restart_on_sighup(
    mut hup: rocket::tokio::signal::unix::Signal,
    shutdown: rocket::Shutdown,
    restart: Arc<AtomicBool>,
    recheck: impl Fn() -> Result<(), String>,
) {
    while hup.recv().await.is_some() {
        match recheck() {
            Ok(()) => {
                tracing::warn!(
                    "SIGHUP: configuration and TLS files check out; draining requests and restarting in place"
                );
                restart.store(true, Ordering::SeqCst);
                shutdown.notify();
                return;
            }
            Err(e) => tracing::error!(
                "SIGHUP ignored, still serving with the current configuration and certificate: {e}"
            ),
        }
    }
}

/// Replaces this process with a fresh `bisman` (same binary, arguments, environment and
/// PID). Returns only if that failed.
fn restart_in_place() -> Failure {
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os();
    let arg0 = args.next().unwrap_or_else(|| "bisman".into());
    // /proc/self/exe: this very binary, even if a package upgrade replaced the file.
    let err = std::process::Command::new("/proc/self/exe")
        .arg0(arg0)
        .args(args)
        .exec();
    Failure(format!("could not restart in place: {err}"))
}
