//! `crossfoot infer` measured on the bundled book with its reviewed rules set aside: how much
//! of what `rules/` covers the inferred rules cover, how many inferred checks agree with a
//! reviewed check, are new, or are wrong, and which of the book's table findings appear among
//! the candidate findings (see `crossfoot::infer::measure`).
//!
//! `cargo run --release --example infer`

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempfile::tempdir()?;
    let measured = crossfoot::infer::measure::compare(
        &root.join("data/2022"),
        &root.join("rules"),
        scratch.path(),
    )?;
    print!("{}", crossfoot::infer::measure::summarize(&measured));
    Ok(())
}
