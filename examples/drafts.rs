//! The draft-edit harness in full on the bundled book: every figure of the text that takes part
//! in a check and a sample of the table cells that do (every `STRIDE`-th), each edited with
//! every slip of `crossfoot::drafts::Slip`, one at a time. Prints the counts as a Markdown table
//! and lists every edit not flagged on the edited figure.
//!
//! `cargo run --release --example drafts [STRIDE] [TEXT_STRIDE]` (defaults 10 and 1: every
//! figure of the text).

fn main() {
    let argument = |n: usize, default: usize| {
        std::env::args()
            .nth(n)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let (stride, text_stride) = (argument(1, 10), argument(2, 1));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (data, rules) = (root.join("data/2022"), root.join("rules"));
    let mut loaded = crossfoot::run::load_with(&data, &rules, &Default::default());
    loaded.leave_out_contradictions();
    let book = loaded.check(true, &|_| {});
    let targets = crossfoot::drafts::targets(&book, &data, text_stride, stride);
    let edits = crossfoot::drafts::run(&data, &rules, &targets, &crossfoot::drafts::Slip::ALL);
    print!("{}", crossfoot::drafts::summarize(&edits));
}
