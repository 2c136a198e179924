//! How large a table file crossfoot reads.
//!
//! A table is read whole into memory: its text (kept, so a report can quote any cell), 8 bytes
//! per figure and a label per row. Measured on a 99 MB file of 1 000 000 rows × 11 figures
//! (`examples/synth --large-rows`), a run peaks at 3.0 times the file size (27 bytes per
//! figure), and at 4.7 times when a rule names one of its million rows by label (the label
//! index). The default limit of 1 GiB keeps a run within about 3–5 GiB; a larger file is
//! refused before it is read, with a message naming `--max-table-size`.

/// The most a file may hold: spans are 32-bit byte offsets.
pub const ADDRESSABLE: u64 = u32::MAX as u64;

/// The largest `--max-table-size` accepted: `4G`, which reads as [`ADDRESSABLE`] (one byte
/// less), the most a span can address.
const LARGEST_LIMIT: u64 = 4 << 30;

/// The default limit on one table file, in bytes (1 GiB).
pub const DEFAULT_MAX_TABLE_BYTES: u64 = 1 << 30;

/// A size as given on the command line: bytes, or with a suffix `K`, `M`, `G` (powers of
/// 1024; `KiB`, `MB`… are read alike): `512M`, `2G`, `1500000`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as `512M` or `2G`"))?;
    let shift = match suffix
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches(['B', 'I'])
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        _ => return Err(format!("`{text}`: the unit is K, M or G")),
    };
    let bytes = number
        .checked_mul(1 << shift)
        .filter(|&bytes| bytes <= LARGEST_LIMIT)
        .ok_or_else(|| format!("`{text}` is more than the 4G crossfoot can address"))?;
    Ok(bytes.min(ADDRESSABLE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_or_without_a_unit() {
        assert_eq!(parse_size("1500000"), Ok(1_500_000));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("4G"), Ok(ADDRESSABLE));
        assert_eq!(parse_size("4096M"), Ok(ADDRESSABLE));
        assert!(parse_size("4294967297").is_err());
        assert!(parse_size("5G").is_err());
        assert!(parse_size("12T").is_err());
        assert!(parse_size("M").is_err());
    }
}
