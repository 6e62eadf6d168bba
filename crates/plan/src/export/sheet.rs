//! The plain-text walk sheet: a turn list by street name with times, and the stops.

use super::{ATTRIBUTION, TimedRoute};
use std::fmt::Write;

/// The walk sheet as text (one line per leg and stop, in order).
#[must_use]
pub fn walk_sheet(route: &TimedRoute) -> String {
    let mut t = String::new();
    let total_min = match (route.points.first(), route.points.last()) {
        (Some(a), Some(b)) => (b.time - a.time).num_minutes(),
        _ => 0,
    };
    let _ = writeln!(t, "{}", route.title);
    let _ = writeln!(
        t,
        "{:.1} km, {total_min} min, {} stops",
        route.metres() / 1000.0,
        route.stops.len()
    );
    if route.unlit_m() > 0.0 {
        let _ = writeln!(t, "{:.0} m on unlit streets", route.unlit_m());
    }
    let _ = writeln!(t);
    let stop_line = |s: &super::RouteStop| {
        format!(
            "{}-{}  stop: {} ({})\n",
            s.arrive.format("%H:%M"),
            s.depart.format("%H:%M"),
            s.name,
            s.kind
        )
    };
    let mut stops = route.stops.iter().peekable();
    for l in &route.legs {
        while let Some(s) = stops.next_if(|s| s.arrive <= l.depart) {
            t.push_str(&stop_line(s));
        }
        let street = l.street.as_deref().unwrap_or("(unnamed path)");
        let dark = if l.unlit_m > 0.0 { "  [unlit]" } else { "" };
        let _ = writeln!(
            t,
            "{}  {:>3}. {street}, {:.0} m{dark}",
            l.depart.format("%H:%M"),
            l.sequence,
            l.metres
        );
    }
    for s in stops {
        t.push_str(&stop_line(s));
    }
    if let Some(last) = route.points.last() {
        let _ = writeln!(t, "{}  end", last.time.format("%H:%M"));
    }
    let _ = writeln!(t, "\nMap data {ATTRIBUTION}");
    t
}
