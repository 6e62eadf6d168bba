use crate::common::*;
use feltkart_model::{DayPart, TimeSlot};
use feltkart_model::{LonLat, SignCode};
use feltkart_store::{
    Action, Actor, CellSlotWalk, NewRevisit, ObjectKind, Outcome, RevisitMode, Role, StoreError,
    TeamId, WalkLog, Window,
};
use h3o::{LatLng, Resolution};

#[test]
fn a_batch_with_one_unknown_sign_code_writes_nothing() {
    let mut f = fixture();
    let c = cells(10);
    let mut batch: Vec<_> = (0..50)
        .map(|i| obs(c[i % 10], i, t(2026, 11, 2, 19, 0)))
        .collect();
    batch[37].sign = SignCode::new("unknown_sign").unwrap();
    let e = f
        .store
        .insert_observations(Actor::System, f.team, &batch)
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::UnknownSignCode { index: 37, code } if code == "unknown_sign"),
        "{e}"
    );
    assert!(e.to_string().contains("unknown_sign"));
    assert_eq!(count(&f.path, "SELECT count(*) FROM observations"), 0);
    assert_eq!(
        count(&f.path, "SELECT count(*) FROM observation_batches"),
        0
    );
    // Nothing was audited for the failed write either.
    let created = f
        .store
        .audit_log(100)
        .unwrap()
        .into_iter()
        .filter(|a| a.object_kind == ObjectKind::ObservationBatch)
        .count();
    assert_eq!(created, 0);

    // A bad cell in the middle: same.
    batch[37].sign = sign(0);
    batch[12].cell = 12345;
    let e = f
        .store
        .insert_observations(Actor::System, f.team, &batch)
        .unwrap_err();
    assert!(e.to_string().contains("0x3039"), "{e}");
    assert_eq!(count(&f.path, "SELECT count(*) FROM observations"), 0);

    // A time from a clock far off.
    batch[12].cell = c[0];
    batch[20].at = t(1970, 1, 1, 0, 0);
    let e = f
        .store
        .insert_observations(Actor::System, f.team, &batch)
        .unwrap_err();
    assert!(e.to_string().contains("1970-01-01 00:00:00 (#20)"), "{e}");
    assert_eq!(count(&f.path, "SELECT count(*) FROM observations"), 0);
    batch[20].at = t(2026, 11, 2, 19, 0);

    // Unknown team, empty batch.
    batch[12].cell = c[0];
    assert!(matches!(
        f.store
            .insert_observations(Actor::System, TeamId(99), &batch),
        Err(StoreError::NotFound {
            kind: "team",
            id: 99
        })
    ));
    assert!(
        f.store
            .insert_observations(Actor::System, f.team, &[])
            .is_err()
    );

    // And the valid batch goes in whole, with its slot.
    let id = f
        .store
        .insert_observations(Actor::System, f.team, &batch)
        .unwrap();
    assert_eq!(
        count(
            &f.path,
            &format!(
                "SELECT count(*) FROM observations WHERE batch_id = {} AND slot = 'weekday_evening'",
                id.0
            )
        ),
        50
    );
}

#[test]
fn sign_codes_in_use_cannot_be_removed() {
    let mut f = fixture();
    let c = cells(1);
    f.store
        .insert_observations(Actor::System, f.team, &[obs(c[0], 2, t(2026, 11, 2, 9, 0))])
        .unwrap();
    let without_litter: Vec<_> = signs()
        .into_iter()
        .filter(|s| s.as_str() != "litter")
        .collect();
    assert!(
        f.store
            .set_sign_codes(Actor::System, &without_litter)
            .is_err()
    );
    assert_eq!(count(&f.path, "SELECT count(*) FROM sign_codes"), 5);
    let mut more = signs();
    more.push(SignCode::new("syringe").unwrap());
    f.store.set_sign_codes(Actor::System, &more).unwrap();
    assert_eq!(count(&f.path, "SELECT count(*) FROM sign_codes"), 6);
}

#[test]
fn codes_and_logins_cannot_carry_free_text() {
    let mut f = fixture();
    assert!(
        f.store
            .create_team(Actor::System, "Hans Jensen", 10.0)
            .is_err()
    );
    assert!(f.store.create_team(Actor::System, "t2", f64::NAN).is_err());
    assert!(
        f.store
            .create_user(Actor::System, "Mette F.", Role::Worker, None, None)
            .is_err()
    );
    assert!(
        f.store
            .create_user(Actor::System, "mf", Role::Worker, None, Some("hunter2"))
            .is_err()
    );
    let u = f
        .store
        .create_user(
            Actor::System,
            "mf",
            Role::Leader,
            Some(f.team),
            Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
        )
        .unwrap();
    let user = f.store.user_by_login("mf").unwrap().unwrap();
    assert_eq!(
        (user.id, user.role, user.team),
        (u, Role::Leader, Some(f.team))
    );
    f.store.set_user_disabled(Actor::User(u), u, true).unwrap();
    assert!(f.store.user_by_login("mf").unwrap().unwrap().disabled);
    // The schema enforces the same even past the API.
    let c = rusqlite::Connection::open(&f.path).unwrap();
    assert!(
        c.execute(
            "INSERT INTO users(login, role, created_utc) VALUES ('ok', 'superuser', 'x')",
            []
        )
        .is_err()
    );
    assert!(c
        .execute(
            "INSERT INTO teams(code, contracted_hours_per_week, created_utc) VALUES ('a b', 1, 'x')",
            []
        )
        .is_err());
}

fn appointment(start: chrono::NaiveDateTime, end: chrono::NaiveDateTime) -> RevisitMode {
    RevisitMode::Appointment {
        window: Window { start, end },
    }
}

fn revisit_at(team: TeamId, lat: f64, lon: f64) -> NewRevisit {
    let cell = LatLng::new(lat, lon).unwrap().to_cell(Resolution::Ten);
    NewRevisit {
        team,
        place: LonLat { lon, lat },
        cell: u64::from(cell),
        mode: appointment(t(2026, 12, 1, 13, 0), t(2026, 12, 1, 14, 0)),
        priority: 3,
    }
}

#[test]
fn revisits_crud_and_attempts() {
    let mut f = fixture();
    let r = revisit_at(f.team, 55.3101, 10.7902);
    let id = f.store.create_revisit(Actor::System, &r).unwrap();
    let row = f.store.revisit(id).unwrap().unwrap();
    assert_eq!(row.revisit, r);
    assert_eq!(row.closed_at, None);

    // Bad inputs are refused with the input named.
    let mut bad = r;
    bad.cell = u64::from(LatLng::new(55.0, 10.0).unwrap().to_cell(Resolution::Ten));
    assert!(
        f.store
            .create_revisit(Actor::System, &bad)
            .unwrap_err()
            .to_string()
            .contains("does not contain")
    );
    let mut bad = r;
    bad.mode = appointment(t(2026, 12, 1, 13, 0), t(2026, 12, 1, 13, 0));
    assert!(f.store.create_revisit(Actor::System, &bad).is_err());
    let mut bad = r;
    bad.priority = 0;
    let e = f.store.create_revisit(Actor::System, &bad).unwrap_err();
    assert!(e.to_string().contains("priority"), "{e}");

    // Reschedule: no answer, try again at another time of day.
    f.store
        .record_attempt(Actor::System, id, t(2026, 12, 1, 13, 10), Outcome::NoAnswer)
        .unwrap();
    let mut again = r;
    again.mode = RevisitMode::Search {
        due: day(2026, 12, 8),
    };
    f.store.update_revisit(Actor::System, id, &again).unwrap();
    let open = f.store.open_revisits(f.team).unwrap();
    assert_eq!(open[0].revisit, again);
    // The planners' type, with the attempts so far.
    let model = open[0].to_model(&f.store.attempts(id).unwrap());
    assert_eq!(model.id, id);
    assert_eq!(model.failed_tries(), 1);
    model.validate(t(2026, 12, 2, 9, 0)).unwrap();

    // A closing outcome closes it.
    f.store
        .record_attempt(Actor::System, id, t(2026, 12, 3, 18, 30), Outcome::Contact)
        .unwrap();
    let attempts = f.store.attempts(id).unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(
        attempts[1].attempt.slot,
        TimeSlot {
            day_part: DayPart::Evening,
            weekend: false
        }
    );
    assert_eq!(
        f.store.revisit(id).unwrap().unwrap().closed_at,
        Some(t(2026, 12, 3, 18, 30))
    );
    assert!(f.store.open_revisits(f.team).unwrap().is_empty());
    assert!(
        f.store
            .record_attempt(Actor::System, id, t(2026, 12, 4, 9, 0), Outcome::NoAnswer)
            .is_err()
    );

    // Delete removes the attempts too.
    let id2 = f.store.create_revisit(Actor::System, &r).unwrap();
    f.store
        .record_attempt(Actor::System, id2, t(2026, 12, 1, 13, 5), Outcome::NoteLeft)
        .unwrap();
    f.store
        .close_revisit(Actor::System, id2, t(2026, 12, 2, 9, 0))
        .unwrap();
    f.store.delete_revisit(Actor::System, id2).unwrap();
    assert!(f.store.revisit(id2).unwrap().is_none());
    assert_eq!(count(&f.path, "SELECT count(*) FROM attempts"), 2);
    assert!(f.store.delete_revisit(Actor::System, id2).is_err());
}

#[test]
fn walks_plans_and_the_audit_log() {
    let mut f = fixture();
    let c = cells(3);
    let slot = TimeSlot {
        day_part: DayPart::Evening,
        weekend: false,
    };
    let u = f
        .store
        .create_user(Actor::System, "w1", Role::Worker, Some(f.team), None)
        .unwrap();
    let walk = WalkLog {
        team: f.team,
        date: day(2026, 11, 2),
        walkers: 2,
        cells: vec![
            CellSlotWalk {
                cell: c[0],
                slot,
                minutes: 10.0,
                metres: 500.0,
            },
            CellSlotWalk {
                cell: c[0],
                slot,
                minutes: 5.0,
                metres: 100.0,
            },
            CellSlotWalk {
                cell: c[1],
                slot,
                minutes: 20.0,
                metres: 900.0,
            },
        ],
    };
    let w = f.store.log_walk(Actor::User(u), &walk).unwrap();
    assert_eq!(count(&f.path, "SELECT count(*) FROM walk_cells"), 2);
    assert_eq!(
        count(
            &f.path,
            &format!(
                "SELECT CAST(sum(minutes) AS INTEGER) FROM walk_cells WHERE walk_id = {}",
                w.0
            )
        ),
        35
    );
    let mut bad = walk.clone();
    bad.cells[2].minutes = -1.0;
    assert!(f.store.log_walk(Actor::User(u), &bad).is_err());
    bad.cells[2].minutes = 1000.0;
    bad.cells.push(CellSlotWalk {
        cell: c[1],
        slot,
        minutes: 1000.0,
        metres: 0.0,
    });
    assert!(
        f.store
            .log_walk(Actor::User(u), &bad)
            .unwrap_err()
            .to_string()
            .contains("more than a day")
    );
    assert_eq!(count(&f.path, "SELECT count(*) FROM walks"), 1);

    let p = f
        .store
        .save_plan(
            Actor::User(u),
            &serde_json::json!({"budget_min": 90, "seed": 7}),
            "00ff00ff12",
        )
        .unwrap();
    assert!(
        f.store
            .save_plan(Actor::User(u), &serde_json::json!("free text"), "00ff00ff")
            .is_err()
    );
    assert!(
        f.store
            .save_plan(Actor::User(u), &serde_json::json!({}), "not-hex!")
            .is_err()
    );

    let log = f.store.audit_log(10).unwrap();
    assert_eq!(log[0].object_kind, ObjectKind::Plan);
    assert_eq!(log[0].object_id, Some(p.0));
    assert_eq!(log[0].actor, Actor::User(u));
    assert_eq!(log[1].object_kind, ObjectKind::Walk);
    assert_eq!(log[1].action, Action::Create);
    f.store
        .log_access(Actor::User(u), Action::Read, ObjectKind::Coverage, None)
        .unwrap();
    assert_eq!(f.store.audit_log(1).unwrap()[0].action, Action::Read);
}
