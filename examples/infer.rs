//! `crossfoot infer` measured against reviewed rules: how much of what the reviewed rules cover
//! the inferred rules cover, how many inferred checks agree with a reviewed check, are new, or
//! are wrong, and which of the reviewed rules' table findings appear among the candidate
//! findings (see `crossfoot::infer::measure`).
//!
//! `cargo run --release --example infer` measures the bundled book with `rules/` set aside;
//! `cargo run --release --example infer -- DATA RULES` another data set, such as an office of
//! the example corpus (`data/examples/bls/data data/examples/bls/rules`).

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args_os().skip(1);
    let (data, rules) = match (args.next(), args.next()) {
        (Some(data), Some(rules)) => (data.into(), rules.into()),
        _ => (root.join("data/2022"), root.join("rules")),
    };
    let scratch = tempfile::tempdir()?;
    let measured = crossfoot::infer::measure::compare(&data, &rules, scratch.path())?;
    print!("{}", crossfoot::infer::measure::summarize(&measured));
    Ok(())
}
