//! `feltkart plan rota`: which priority area each shift of a team walks over a cycle of weeks
//! (normally 4), spread over the day-parts, seeded, with the planner's overrides. Writes
//! `rota.csv` and `rota.ics`; prints the coverage per area and any override warnings.

use super::cells::write;
use super::day::parse_date;
use anyhow::{Context, anyhow};
use chrono::{NaiveDate, NaiveTime, Weekday};
use feltkart_model::TeamId;
use feltkart_plan::day::rota::{Override, Rota, RotaRequest, Team, WeeklyShift, plan_rota};
use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `feltkart plan rota`.
#[derive(clap::Args)]
pub struct RotaArgs {
    /// The team's number.
    #[arg(long, default_value_t = 1)]
    pub team: u32,
    /// Pairs in the team.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub pairs: u32,
    /// A weekly shift, as WEEKDAY,HH:MM-HH:MM[,PAIR] (pair 1-based, default 1), e.g.
    /// `tue,13:00-17:00,2`. Repeat for each shift of the week.
    #[arg(long = "shift", value_parser = parse_shift, required = true)]
    pub shifts: Vec<WeeklyShift>,
    /// A priority area (a district's name or the team's code for it). Repeat for each.
    #[arg(long = "area", required = true)]
    pub areas: Vec<String>,
    /// The Monday the cycle starts, e.g. 2026-12-07.
    #[arg(long, value_parser = parse_date)]
    pub first_monday: NaiveDate,
    /// Weeks in the cycle.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=12))]
    pub weeks: u32,
    /// Seed of the randomisation (keep it within the team: the rota is not predictable
    /// without it).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The planner's fixed choices, a JSON file:
    /// `{"overrides": [{"week": 1, "shift": 2, "area": "Kallio"}]}` (shift: 1-based, in the
    /// order of `--shift`).
    #[arg(long)]
    pub overrides: Option<PathBuf>,
    /// Where to write rota.csv and rota.ics.
    #[arg(short, long, default_value = ".")]
    pub out: PathBuf,
}

pub(super) fn parse_shift(s: &str) -> Result<WeeklyShift, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let (day, hours, pair) = match parts.as_slice() {
        [d, h] => (*d, *h, "1"),
        [d, h, p] => (*d, *h, *p),
        _ => return Err(format!("`{s}` is not WEEKDAY,HH:MM-HH:MM[,PAIR]")),
    };
    let weekday: Weekday = day
        .parse()
        .map_err(|_| format!("`{s}`: `{day}` is not a weekday (mon, tue, ...)"))?;
    let (a, b) = hours
        .split_once('-')
        .ok_or_else(|| format!("`{s}`: `{hours}` is not HH:MM-HH:MM"))?;
    let time = |t: &str| {
        NaiveTime::parse_from_str(t, "%H:%M")
            .map_err(|_| format!("`{s}`: `{t}` is not a time like 13:00"))
    };
    let (start, end) = (time(a)?, time(b)?);
    if start == end {
        return Err(format!("`{s}`: the shift starts and ends at {a}"));
    }
    let pair: u32 = pair
        .parse()
        .ok()
        .filter(|&p| p >= 1)
        .ok_or_else(|| format!("`{s}`: pair `{pair}` is not a number from 1"))?;
    Ok(WeeklyShift {
        weekday,
        start,
        end,
        pair: pair - 1,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    overrides: Vec<OverrideDto>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideDto {
    week: u32,
    shift: usize,
    area: String,
}

fn read_overrides(path: &Path) -> anyhow::Result<Vec<Override>> {
    let file = path.display();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{file}: cannot read the overrides file"))?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    let f: OverrideFile = serde_path_to_error::deserialize(de)
        .map_err(|e| anyhow!("{file}: {}: {}", e.path(), e.inner()))?;
    f.overrides
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let shift = o.shift.checked_sub(1).ok_or_else(|| {
                anyhow!("{file}: overrides[{i}].shift: shifts are numbered from 1")
            })?;
            Ok(Override {
                week: o.week,
                shift,
                area: o.area,
            })
        })
        .collect()
}

/// Plan the rota and write rota.csv and rota.ics; returns the rota and the two paths.
pub fn plan(a: &RotaArgs) -> anyhow::Result<(Rota, PathBuf, PathBuf)> {
    let overrides = match &a.overrides {
        Some(p) => read_overrides(p)?,
        None => Vec::new(),
    };
    let req = RotaRequest {
        team: Team {
            id: TeamId(a.team),
            pairs: a.pairs,
            shifts: a.shifts.clone(),
        },
        areas: a.areas.clone(),
        first_monday: a.first_monday,
        weeks: a.weeks,
        seed: a.seed,
        overrides,
    };
    let rota = plan_rota(&req).map_err(|e| match (&a.overrides, &e) {
        (Some(p), feltkart_plan::day::rota::RotaError::BadOverride { .. }) => {
            anyhow!("{}: {e}", p.display())
        }
        _ => anyhow!(e),
    })?;
    let csv = write(&a.out, "rota.csv", &rota.to_csv())?;
    let ics = write(&a.out, "rota.ics", &rota.to_ics())?;
    Ok((rota, csv, ics))
}

/// Run `feltkart plan rota`.
pub fn run(a: &RotaArgs) -> anyhow::Result<()> {
    let (rota, csv, ics) = plan(a)?;
    let mut err = std::io::stderr().lock();
    for w in &rota.warnings {
        writeln!(err, "warning: {w}")?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "rota for {}: {} shifts over {} weeks, {} areas; day-parts with a shift for every area: {}",
        rota.team,
        rota.assignments.len(),
        a.weeks,
        a.areas.len(),
        rota.day_parts_available
    )?;
    for c in &rota.coverage {
        let parts: Vec<String> = c.day_parts.iter().map(|d| d.as_str().to_owned()).collect();
        writeln!(
            out,
            "  {}: {} shifts in {} day-parts ({}), {} distinct slots",
            c.area,
            c.shifts,
            c.day_parts.len(),
            parts.join(", "),
            c.slots.len()
        )?;
    }
    writeln!(out, "  wrote {} and {}", csv.display(), ics.display())?;
    Ok(())
}
