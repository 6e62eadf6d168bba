use super::*;

fn tax() -> Taxonomy {
    Taxonomy::builtin().unwrap()
}

const BASE: &str = BUILTIN_PROFILES[0].1;

#[test]
fn builtin_profiles_parse_and_differ() {
    let ps = Profile::builtin(&tax()).unwrap();
    let ids: Vec<&str> = ps.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["isolated-own-home", "marginalised-adults", "young-people"]
    );
    for p in &ps {
        assert_eq!(p.housing.len(), HousingGroup::ALL.len(), "{}", p.id);
        assert_eq!(p.dayparts.len(), 5, "{}", p.id);
        assert!(!p.places.is_empty() && !p.signs.is_empty(), "{}", p.id);
    }
    assert_ne!(ps[0].places, ps[2].places);
}

#[test]
fn bad_profiles_are_refused_naming_file_line_and_key() {
    let t = tax();
    // (replace, with, expected fragments of the message)
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "apartment_blocks = 1.0",
            "apartment_blocks = 1.5",
            &[
                "p.toml:",
                "housing.groups.apartment_blocks",
                "1.5 is out of range",
            ],
        ),
        (
            "weight = 1.0\nradius_m = 800.0",
            "weight = -0.1\nradius_m = 800.0",
            &["places.library.weight", "out of range"],
        ),
        (
            "radius_m = 800.0",
            "radius_m = 9000.0",
            &["places.library.radius_m"],
        ),
        (
            "[places.library]",
            "[places.libary]",
            &["places.libary", "not a place kind"],
        ),
        (
            "covered_windows = 1.0",
            "curtains = 1.0",
            &["signs.curtains", "unknown sign code"],
        ),
        (
            "housing = 50.0 ",
            "housing = 40.0 ",
            &["points", "sum to 90"],
        ),
        (
            "night = 0.1",
            "night = 0.1\nsunrise = 0.2",
            &["unknown variant `sunrise`", "line 101"],
        ),
        (
            "decay = \"linear\"",
            "decay = \"cubic\"",
            &["unknown variant `cubic`"],
        ),
        (
            "[partners]",
            "[partners]\ncolour = 1",
            &["unknown field `colour`"],
        ),
        ("version = 1", "version = 2", &["version", "unsupported"]),
        (
            "dwelling_density = 0.5",
            "dwelling_density = { weight = 0.5 }",
            &[
                "p.toml:37: `indicators.dwelling_density`",
                "takes a plain weight",
            ],
        ),
        (
            "street_access = 0.2",
            "street_access = 0.2\nIncome = 0.3",
            &[
                "`indicators.Income`",
                "neither a built-in indicator",
                "slug",
            ],
        ),
        (
            "street_access = 0.2",
            "street_access = 0.2\nincome = { weight = 0.3, normalize = \"minmax\" }",
            &["p.toml:40: `indicators.income.normalize`", "unknown key"],
        ),
        (
            "street_access = 0.2",
            "street_access = 0.2\nincome = { weight = 1.3 }",
            &["`indicators.income.weight`", "1.3 is out of range (0 to 1)"],
        ),
        (
            "street_access = 0.2",
            "street_access = 0.2\nincome = { weight = 0.3, normalise = \"zscore\" }",
            &[
                "`indicators.income.normalise`",
                "\"percentile\" or \"minmax\"",
            ],
        ),
        (
            "street_access = 0.2",
            "street_access = 0.2\nincome = { invert = true }",
            &["`indicators.income.weight`", "missing"],
        ),
        (
            "street_access = 0.2",
            "street_access = 0.2\nincome = \"high\"",
            &["`indicators.income`", "must be a number, not string"],
        ),
        (
            "id = \"isolated-own-home\"",
            "id = \"Isolated Home\"",
            &["`id`", "slug"],
        ),
    ];
    for (from, to, want) in cases {
        assert!(BASE.contains(from), "fixture text `{from}`");
        let text = BASE.replacen(from, to, 1);
        let e = Profile::parse(&text, "p.toml", &t).unwrap_err().to_string();
        for w in *want {
            assert!(e.contains(w), "{from} -> {to}: `{e}` lacks `{w}`");
        }
    }
}

#[test]
fn imported_layers_are_weighted_by_name_in_the_indicators_table() {
    let text = BASE.replacen(
        "street_access = 0.2",
        "street_access = 0.2\nunemployment_rate = 0.4\nincome = { weight = 0.3, normalise = \"minmax\", invert = true }",
        1,
    );
    let p = Profile::parse(&text, "p.toml", &tax()).unwrap();
    assert_eq!(p.indicators.len(), 3);
    assert_eq!(p.file, "p.toml");
    assert_eq!(
        p.layers["unemployment_rate"],
        LayerWeight {
            weight: 0.4,
            normalise: Normalise::Percentile,
            invert: false,
            line: 40
        }
    );
    assert_eq!(
        p.layers["income"],
        LayerWeight {
            weight: 0.3,
            normalise: Normalise::Minmax,
            invert: true,
            line: 41
        }
    );
    // The shipped profiles weight no imported layer.
    assert!(
        Profile::builtin(&tax())
            .unwrap()
            .iter()
            .all(|p| p.layers.is_empty())
    );
}

#[test]
fn invalid_errors_give_the_line_of_the_value() {
    let text = BASE.replacen("terraced = 0.6", "terraced = 2.0", 1);
    let line = text
        .lines()
        .position(|l| l.starts_with("terraced = 2.0"))
        .unwrap()
        + 1;
    let e = Profile::parse(&text, "p.toml", &tax()).unwrap_err();
    assert_eq!(
        e,
        DataError::Invalid {
            path: "p.toml".into(),
            line,
            key: "housing.groups.terraced".into(),
            problem: "2 is out of range (0 to 1)".into()
        }
    );
}

#[test]
fn decay_table() {
    for (decay, d, r, want) in [
        (Decay::Linear, 0.0, 400.0, 1.0),
        (Decay::Linear, 100.0, 400.0, 0.75),
        (Decay::Linear, 400.0, 400.0, 0.0),
        (Decay::Linear, 401.0, 400.0, 0.0),
        (Decay::Step, 399.0, 400.0, 1.0),
        (Decay::Step, f64::INFINITY, 400.0, 0.0),
        (Decay::Exponential, 0.0, 300.0, 1.0),
        (Decay::Exponential, 100.0, 300.0, (-1.0f64).exp()),
    ] {
        assert!(
            (decay.value(d, r) - want).abs() < 1e-12,
            "{decay:?} {d} {r}"
        );
    }
}
