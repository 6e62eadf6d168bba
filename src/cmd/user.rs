//! `feltkart user add`: a worker's login with a role, a team and an argon2-hashed password.

use anyhow::{Context, bail};
use feltkart_server::auth::{ApiRole, hash_password};
use feltkart_store::{Actor, Store, StoreConfig};
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// `feltkart user ...`
#[derive(clap::Subcommand)]
pub enum Command {
    /// Add a user (or reset an existing user's role, team and password).
    Add(AddArgs),
}

/// A role on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    /// Field pair: own team's route, revisits, walks and observations.
    Field,
    /// Profiles, scores, districts, plans and rota.
    Planner,
    /// Thresholded coverage aggregates and team figures.
    Leader,
    /// Users and teams.
    Admin,
}

/// Arguments of `feltkart user add`.
#[derive(clap::Args)]
pub struct AddArgs {
    /// The store.
    #[arg(long, default_value = "feltkart.db")]
    pub db: PathBuf,
    /// The worker's login (letters, digits, `-` and `_`; not a citizen's name).
    #[arg(long)]
    pub login: String,
    /// The role.
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// The team's code (created, with --hours, if missing).
    #[arg(long)]
    pub team: Option<String>,
    /// Contracted hours per week of a team created here.
    #[arg(long, default_value_t = 74.0)]
    pub hours: f64,
    /// Read the password from the first line of standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Run `feltkart user ...`.
pub fn run(c: &Command) -> anyhow::Result<()> {
    match c {
        Command::Add(a) => add(a),
    }
}

fn add(a: &AddArgs) -> anyhow::Result<()> {
    let role = match a.role {
        RoleArg::Field => ApiRole::Field,
        RoleArg::Planner => ApiRole::Planner,
        RoleArg::Leader => ApiRole::Leader,
        RoleArg::Admin => ApiRole::Admin,
    };
    if role == ApiRole::Field && a.team.is_none() {
        bail!("a field user needs --team");
    }
    let (password, generated) = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let p = line.trim_end_matches(['\r', '\n']).to_owned();
        if p.chars().count() < 10 {
            bail!("the password must have at least 10 characters");
        }
        (p, false)
    } else {
        (feltkart_server::demo::random_password(), true)
    };
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let mut store = Store::open(&a.db, StoreConfig::default())?;
    let team = match &a.team {
        Some(code) => Some(match store.team_by_code(code)? {
            Some(t) => t,
            None => store.create_team(Actor::System, code, a.hours)?,
        }),
        None => None,
    };
    store.upsert_user(Actor::System, &a.login, role.into(), team, &hash)?;
    let mut out = std::io::stdout().lock();
    write!(out, "user {} ({})", a.login, role.as_str())?;
    if let Some(code) = &a.team {
        write!(out, " in team {code}")?;
    }
    writeln!(out, " saved in {}", a.db.display())?;
    if generated {
        writeln!(out, "password: {password}")?;
    }
    Ok(())
}
