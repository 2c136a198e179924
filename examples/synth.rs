//! Synthetic data for crossfoot: a large yearbook of small tables, or one very long table, with
//! rules that hold for every figure (unless asked to plant errors).
//!
//! ```sh
//! # 1000 tables × 100 rows (+ 合计) × 10 value columns, and their rules
//! cargo run --release --example synth -- --tables 1000 --rows 100 --cols 10 --out /tmp/yb
//! # one table of 1 000 000 rows × 11 numeric columns, and 5 row-wise rules
//! cargo run --release --example synth -- --large-rows 1000000 --out /tmp/big
//! # a record file of 1 000 000 rows: id, x1…x8, t1 = x1+…+x4, t2 = x5+…+x8; 1 000 rows wrong
//! cargo run --release --example synth -- --records 1000000 --out /tmp/rec
//! crossfoot check --data /tmp/yb/data --rules /tmp/yb/rules --format json
//! ```
//!
//! Figures are derived from exact hidden values (thousandths) and each printed figure is rounded
//! to one decimal, half away from zero, so totals, shares and growth rates agree within rounding.
//! Generation is deterministic for a given `--seed`.
//!
//! The benchmark (`benches/check.rs`) includes this file as a module to write the same data.

// A generator of synthetic test data: it indexes its own arrays, never user input.
#![allow(clippy::indexing_slicing)]

use clap::Parser;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(about = "Write synthetic tables and rules for crossfoot")]
struct Args {
    /// Number of tables of the yearbook.
    #[arg(long, default_value_t = 1000)]
    tables: usize,
    /// Rows per table, not counting the 合计 row.
    #[arg(long, default_value_t = 100)]
    rows: usize,
    /// Value columns per table (at least 4): amounts a1…, then 上年 (a1 a year before), 增长 %
    /// and 占比 %.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(4..))]
    cols: u16,
    /// Write instead one table `BIG` of this many rows × 11 numeric columns, with 5 row-wise
    /// `a + b = total` rules.
    #[arg(long, conflicts_with = "records")]
    large_rows: Option<usize>,
    /// Write instead a plain record file `REC.csv` of this many rows, `id,x1,…,x8,t1,t2` with
    /// one decimal, exact columns and two row-wise rules `t1 = x1+…+x4`, `t2 = x5+…+x8`; one
    /// row in every 1 000 has a wrong total (the file peers read in `benches/peers/`).
    #[arg(long)]
    records: Option<usize>,
    /// Corrupt this many 增长/占比 cells by one unit in the last digit, away from the exact
    /// value, so that each makes exactly one check fail (listed on stderr).
    #[arg(long, default_value_t = 0, conflicts_with_all = ["large_rows", "records"])]
    plant: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory: `data/` and `rules/` are written in it.
    #[arg(long)]
    out: PathBuf,
    /// Replace the CSV, tables.toml and .rules files of an existing `data/` and `rules/`.
    #[arg(long)]
    force: bool,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let result =
        prepare(&args.out, args.force).and_then(|()| match (args.large_rows, args.records) {
            (Some(rows), _) => write_large(&args.out, rows, args.seed),
            (None, Some(rows)) => write_records(&args.out, rows, args.seed),
            (None, None) => write_yearbook(
                &args.out,
                &Yearbook {
                    tables: args.tables,
                    rows: args.rows,
                    cols: usize::from(args.cols),
                    seed: args.seed,
                    plant: args.plant,
                },
            ),
        });
    match result {
        Ok(written) => {
            for planted in &written.planted {
                eprintln!("planted: {planted}");
            }
            println!("{}", written.summary(&args.out));
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Refuse to mix with existing files unless `force`; with it, remove only what we write.
fn prepare(out: &Path, force: bool) -> io::Result<()> {
    for (dir, extensions) in [("data", &["csv", "toml"][..]), ("rules", &["rules"][..])] {
        let dir = out.join(dir);
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if !force {
                return Err(io::Error::other(format!(
                    "{} is not empty (use --force to replace its .csv/.toml/.rules files)",
                    dir.display()
                )));
            }
            if path.is_file()
                && path
                    .extension()
                    .is_some_and(|x| extensions.iter().any(|e| x == *e))
            {
                fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}

/// The shape of a synthetic yearbook.
#[derive(Debug, Clone)]
pub struct Yearbook {
    pub tables: usize,
    /// Rows per table besides 合计.
    pub rows: usize,
    /// Value columns: `cols - 3` amounts, 上年, 增长, 占比.
    pub cols: usize,
    pub seed: u64,
    /// Cells to corrupt (增长 or 占比), each making one check fail.
    pub plant: usize,
}

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    pub tables: usize,
    pub rows_per_table: usize,
    pub columns_per_table: usize,
    pub rules: usize,
    pub rule_files: usize,
    pub bytes: u64,
    /// How many checks the rules expand to.
    pub checks: usize,
    /// The planted errors, described.
    pub planted: Vec<String>,
}

impl Written {
    pub fn summary(&self, out: &Path) -> String {
        format!(
            "wrote {} table(s) of {} rows × {} value columns ({:.1} MB of CSV) and {} rules in {} file(s) to {} (data/, rules/): {} checks expected, {} planted error(s)",
            self.tables,
            self.rows_per_table,
            self.columns_per_table,
            self.bytes as f64 / 1e6,
            self.rules,
            self.rule_files,
            out.display(),
            self.checks,
            self.planted.len(),
        )
    }
}

/// xorshift64*: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // Mix the seed so that 0 and small seeds give a good state (splitmix64).
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Self((z ^ (z >> 31)) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `low..high` (high > low).
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low) as u64;
        low + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as i64
    }

    /// An amount in thousandths between 1 000.000 and 999 999.999, spread over the three
    /// magnitudes (so some rows are small, some large).
    fn amount(&mut self) -> i64 {
        let low = 10_i64.pow(6 + self.range(0, 3) as u32);
        self.range(low, low * 10)
    }
}

/// `num / den` rounded half away from zero; `den > 0`.
pub fn round_div(num: i128, den: i128) -> i64 {
    let q = (2 * num.abs() + den) / (2 * den);
    (if num < 0 { -q } else { q }) as i64
}

/// Print tenths with one decimal and a space between groups of three digits: `-1 234.5`.
pub fn push_tenths(out: &mut String, tenths: i64) {
    if tenths < 0 {
        out.push('-');
    }
    let t = tenths.unsigned_abs();
    push_grouped(out, t / 10);
    out.push('.');
    out.push(char::from(b'0' + (t % 10) as u8));
}

fn push_grouped(out: &mut String, mut n: u64) {
    let mut digits = [0_u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        out.push(char::from(digits[i]));
        if i > 0 && i % 3 == 0 {
            out.push(' ');
        }
    }
}

/// Thousandths → printed tenths.
fn tenths(thousandths: i64) -> i64 {
    round_div(i128::from(thousandths), 100)
}

fn row_label(width: usize, row: usize) -> String {
    format!("r{:0width$}", row + 1)
}

fn table_id(tables: usize, index: usize) -> String {
    let width = tables.to_string().len().max(4);
    format!("S{:0width$}", index + 1)
}

/// Write a yearbook: `out/data/S0001.csv …`, `out/data/tables.toml`, `out/rules/*.rules`.
pub fn write_yearbook(out: &Path, spec: &Yearbook) -> io::Result<Written> {
    if spec.cols < 4 || spec.rows == 0 || spec.tables == 0 {
        return Err(io::Error::other(
            "need at least 1 table, 1 row and 4 value columns",
        ));
    }
    let data = out.join("data");
    let rules = out.join("rules");
    fs::create_dir_all(&data)?;
    fs::create_dir_all(&rules)?;
    let amounts = spec.cols - 3;
    let width = spec.rows.to_string().len().max(3);
    let labels: Vec<String> = (0..spec.rows).map(|r| row_label(width, r)).collect();
    let mut rng = Rng::new(spec.seed);

    // Which 增长/占比 cells to corrupt: (table, row incl. 合计, 0 = 增长 / 1 = 占比).
    let candidates = spec.tables * (spec.rows + 1) * 2;
    if spec.plant > candidates {
        return Err(io::Error::other(format!(
            "cannot plant {} errors in {candidates} cells",
            spec.plant
        )));
    }
    let mut planted_cells = HashSet::new();
    let mut plant_rng = Rng::new(spec.seed ^ 0x5EED);
    while planted_cells.len() < spec.plant {
        let i = plant_rng.range(0, candidates as i64) as usize;
        planted_cells.insert((i / ((spec.rows + 1) * 2), i / 2 % (spec.rows + 1), i % 2));
    }
    let mut written = Written {
        tables: spec.tables,
        rows_per_table: spec.rows + 1,
        columns_per_table: spec.cols,
        ..Written::default()
    };

    let mut manifest = String::from(
        "# Synthetic yearbook written by examples/synth.rs.\nedition = 2022\nyear = 2021\n",
    );
    let mut header = String::from("项目");
    for a in 1..=amounts {
        let _ = write!(header, ",a{a}");
    }
    header.push_str(",上年,增长/%,占比/%\n");

    let mut csv = String::new();
    // Hidden values of one table: amounts[row][column], prior[row].
    let mut values = vec![vec![0_i64; amounts]; spec.rows + 1];
    let mut prior = vec![0_i64; spec.rows + 1];
    for t in 0..spec.tables {
        let id = table_id(spec.tables, t);
        let _ = write!(
            manifest,
            "\n[[table]]\nid = \"{id}\"\nprinted = \"表 {id}\"\ncaption = \"合成表 {id}\"\nfile = \"{id}.csv\"\nheader_rows = 1\nlabel_columns = 1\nunit = \"万元\"\n"
        );
        let (parts, total) = values.split_at_mut(spec.rows);
        let total = &mut total[0];
        total.fill(0);
        for (row, prior) in parts.iter_mut().zip(prior.iter_mut()) {
            for (value, sum) in row.iter_mut().zip(total.iter_mut()) {
                *value = rng.amount();
                *sum += *value;
            }
            // Last year's a1: this year's × 0.625 … 1.6, so 增长 is within −37.5 % … +60 %.
            *prior = row[0] * rng.range(625, 1600) / 1000;
        }
        prior[spec.rows] = prior[..spec.rows].iter().sum();

        csv.clear();
        csv.push_str(&header);
        for r in 0..=spec.rows {
            csv.push_str(if r == spec.rows { "合计" } else { &labels[r] });
            for &value in &values[r] {
                csv.push(',');
                push_tenths(&mut csv, tenths(value));
            }
            csv.push(',');
            push_tenths(&mut csv, tenths(prior[r]));
            // 增长 = (a1 / 上年 − 1) × 100 and 占比 = a1 / 合计 a1 × 100, in tenths.
            let ratios = [
                (
                    i128::from(values[r][0] - prior[r]) * 1000,
                    i128::from(prior[r]),
                ),
                (
                    i128::from(values[r][0]) * 1000,
                    i128::from(values[spec.rows][0]),
                ),
            ];
            for (which, (num, den)) in ratios.into_iter().enumerate() {
                let mut printed = round_div(num, den);
                if planted_cells.contains(&(t, r, which)) {
                    // Away from the exact value: the printed interval then misses it by ≥ 0.05,
                    // far more than the derived interval's half-width.
                    let was = printed;
                    printed += if num >= i128::from(printed) * den {
                        -1
                    } else {
                        1
                    };
                    let mut note = format!(
                        "{id}.csv {} {} ",
                        if r == spec.rows { "合计" } else { &labels[r] },
                        ["增长", "占比"][which]
                    );
                    push_tenths(&mut note, was);
                    note.push_str(" → ");
                    push_tenths(&mut note, printed);
                    written.planted.push(note);
                }
                csv.push(',');
                push_tenths(&mut csv, printed);
            }
            csv.push('\n');
        }
        fs::write(data.join(format!("{id}.csv")), &csv)?;
        written.bytes += csv.len() as u64;
    }
    fs::write(data.join("tables.toml"), manifest)?;

    // Rules: shared groups, then one file per 100 tables.
    let mut groups = String::from(
        "# Synthetic yearbook written by examples/synth.rs: groups used by every table's rules.\n\n",
    );
    let _ = writeln!(groups, "group parts = [{}]", labels.join(", "));
    let amount_labels: Vec<String> = (1..=amounts).map(|a| format!("a{a}")).collect();
    let _ = writeln!(
        groups,
        "group amounts = [{}, 上年]",
        amount_labels.join(", ")
    );
    fs::write(rules.join("00-groups.rules"), groups)?;
    written.rule_files = 1;
    for chunk in (0..spec.tables).collect::<Vec<_>>().chunks(100) {
        let first = table_id(spec.tables, chunk[0]);
        let last = table_id(spec.tables, chunk[chunk.len() - 1]);
        let mut text = format!("# Rules of tables {first}–{last} (examples/synth.rs).\n");
        for &t in chunk {
            let id = table_id(spec.tables, t);
            let _ = write!(
                text,
                "\nsum {id}.total \"合计 is the sum of the rows, in every amount column\"\n  for c in amounts\n  {id}[合计, c] = sum({id}[parts, c])\n\
                 \nshare {id}.share \"占比 is the row's share of the 合计 amount\"\n  for r in rows({id})\n  {id}[r, 占比] = share({id}[r, a1], {id}[合计, a1])\n\
                 \ngrowth {id}.growth \"增长 follows from this year's and last year's amount\"\n  for r in rows({id})\n  {id}[r, 增长] = growth({id}[r, a1], {id}[r, 上年])\n"
            );
        }
        fs::write(rules.join(format!("{first}-{last}.rules")), text)?;
        written.rule_files += 1;
    }
    written.rules = 3 * spec.tables;
    written.checks = spec.tables * ((amounts + 1) + 2 * (spec.rows + 1));
    Ok(written)
}

/// Write one table `BIG` of `rows` rows × 11 numeric columns (c1…c6 and their totals t1…t5)
/// and 5 rules checking every row.
pub fn write_large(out: &Path, rows: usize, seed: u64) -> io::Result<Written> {
    if rows == 0 {
        return Err(io::Error::other("need at least 1 row"));
    }
    let data = out.join("data");
    let rules = out.join("rules");
    fs::create_dir_all(&data)?;
    fs::create_dir_all(&rules)?;
    // t1 = c1 + c2, t2 = c3 + c4, t3 = c5 + c6, t4 = t1 + t2, t5 = t3 + t4.
    const TOTALS: [(&str, &str, &str); 5] = [
        ("t1", "c1", "c2"),
        ("t2", "c3", "c4"),
        ("t3", "c5", "c6"),
        ("t4", "t1", "t2"),
        ("t5", "t3", "t4"),
    ];
    let width = rows.to_string().len();
    let mut rng = Rng::new(seed);
    let mut file = BufWriter::with_capacity(1 << 20, fs::File::create(data.join("BIG.csv"))?);
    let mut line = String::from("项目,c1,c2,c3,c4,c5,c6,t1,t2,t3,t4,t5\n");
    let mut bytes = 0_u64;
    for r in 0..rows {
        let _ = write!(line, "r{:0width$}", r + 1);
        // Hidden values in thousandths: parts 100.000 … 9 999.999.
        let mut v = [0_i64; 11];
        for part in v.iter_mut().take(6) {
            *part = rng.range(100_000, 10_000_000);
        }
        v[6] = v[0] + v[1];
        v[7] = v[2] + v[3];
        v[8] = v[4] + v[5];
        v[9] = v[6] + v[7];
        v[10] = v[8] + v[9];
        for x in v {
            line.push(',');
            push_tenths(&mut line, tenths(x));
        }
        line.push('\n');
        file.write_all(line.as_bytes())?;
        bytes += line.len() as u64;
        line.clear();
    }
    file.flush()?;
    fs::write(
        data.join("tables.toml"),
        "# One long synthetic table written by examples/synth.rs.\nyear = 2021\n\n[[table]]\nid = \"BIG\"\nprinted = \"表 BIG\"\ncaption = \"合成长表\"\nfile = \"BIG.csv\"\nheader_rows = 1\nlabel_columns = 1\nunit = \"万元\"\n",
    )?;
    let mut text = String::from("# Row-wise totals of BIG (examples/synth.rs).\n");
    for (total, a, b) in TOTALS {
        let _ = write!(
            text,
            "\nsum BIG.{total} \"{total} = {a} + {b} in every row\"\n  for r in rows(BIG)\n  BIG[r, {total}] = BIG[r, {a}] + BIG[r, {b}]\n"
        );
    }
    fs::write(rules.join("BIG.rules"), text)?;
    Ok(Written {
        tables: 1,
        rows_per_table: rows,
        columns_per_table: 11,
        rules: TOTALS.len(),
        rule_files: 1,
        bytes,
        checks: TOTALS.len() * rows,
        planted: Vec::new(),
    })
}

/// One row in this many of the record file has a wrong total.
pub const RECORDS_PER_WRONG: usize = 1000;

/// Write the record file `out/data/REC.csv` (`id,x1,…,x8,t1,t2`, plain numbers with one
/// decimal), its `tables.toml` (every figure an exact decimal) and `out/rules/REC.rules` (two
/// row-wise sums). In each block of [`RECORDS_PER_WRONG`] rows one row, at a random place, has
/// `t1` or `t2` off by 0.1 to 9.9, so `rows / 1000` rows are wrong (each listed in `planted`).
pub fn write_records(out: &Path, rows: usize, seed: u64) -> io::Result<Written> {
    if rows == 0 {
        return Err(io::Error::other("need at least 1 row"));
    }
    let data = out.join("data");
    let rules = out.join("rules");
    fs::create_dir_all(&data)?;
    fs::create_dir_all(&rules)?;
    let mut rng = Rng::new(seed);
    let mut file = BufWriter::with_capacity(1 << 20, fs::File::create(data.join("REC.csv"))?);
    let mut line = String::from("id,x1,x2,x3,x4,x5,x6,x7,x8,t1,t2\n");
    let mut bytes = 0_u64;
    let mut planted = Vec::new();
    let mut wrong_in_block = 0_usize;
    for r in 0..rows {
        if r % RECORDS_PER_WRONG == 0 {
            wrong_in_block = r + rng.range(0, RECORDS_PER_WRONG as i64) as usize;
        }
        let _ = write!(line, "{}", r + 1);
        // Figures in tenths: 0.0 … 999.9.
        let mut x = [0_i64; 8];
        for v in &mut x {
            *v = rng.range(0, 10_000);
        }
        let mut totals = [x[..4].iter().sum::<i64>(), x[4..].iter().sum::<i64>()];
        // Only whole blocks plant an error, so the count is exactly rows / 1000.
        if r == wrong_in_block
            && rows - r / RECORDS_PER_WRONG * RECORDS_PER_WRONG >= RECORDS_PER_WRONG
        {
            let which = rng.range(0, 2) as usize;
            let by = rng.range(1, 100) * if rng.range(0, 2) == 0 { -1 } else { 1 };
            totals[which] = (totals[which] + by).abs();
            let parts = x[which * 4..which * 4 + 4].iter().sum::<i64>();
            if totals[which] == parts {
                totals[which] += 1;
            }
            planted.push(format!(
                "REC row {}: t{} printed {}.{}, its parts give {}.{}",
                r + 1,
                which + 1,
                totals[which] / 10,
                totals[which] % 10,
                parts / 10,
                parts % 10
            ));
        }
        for v in x.iter().chain(&totals) {
            let _ = write!(line, ",{}.{}", v / 10, v % 10);
        }
        line.push('\n');
        file.write_all(line.as_bytes())?;
        bytes += line.len() as u64;
        line.clear();
    }
    file.flush()?;
    let mut manifest = String::from(
        "# A record file written by examples/synth.rs (--records): one row per unit, every\n\
         # figure an exact decimal, as DuckDB's DECIMAL and Polars' Decimal read it.\n\
         year = 2021\n\n[[table]]\nid = \"REC\"\nprinted = \"REC\"\ncaption = \"Synthetic records\"\n\
         file = \"REC.csv\"\nheader_rows = 1\nlabel_columns = 1\ncolumns = { ",
    );
    let columns = ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "t1", "t2"];
    for (i, column) in columns.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(manifest, "{sep}\"{column}\" = {{ exact = true }}");
    }
    manifest.push_str(" }\n");
    fs::write(data.join("tables.toml"), manifest)?;
    fs::write(
        rules.join("REC.rules"),
        "# Row-wise totals of the record file REC (examples/synth.rs --records).\n\n\
         sum REC.t1 \"t1 = x1 + x2 + x3 + x4 in every record\"\n  for r in rows(REC)\n  \
         REC[r, t1] = REC[r, x1] + REC[r, x2] + REC[r, x3] + REC[r, x4]\n\n\
         sum REC.t2 \"t2 = x5 + x6 + x7 + x8 in every record\"\n  for r in rows(REC)\n  \
         REC[r, t2] = REC[r, x5] + REC[r, x6] + REC[r, x7] + REC[r, x8]\n",
    )?;
    Ok(Written {
        tables: 1,
        rows_per_table: rows,
        columns_per_table: 10,
        rules: 2,
        rule_files: 1,
        bytes,
        checks: 2 * rows,
        planted,
    })
}
