//! Tallies of work done on this thread, kept in test builds only: tests read them to hold a
//! search that a report or a lint repeats per cell to work in proportion to its input, where
//! a timed test could not tell linear from quadratic on a busy machine.

/// What is tallied.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Work {
    /// Bytes of records read to find fields' spans (`table::read::field_spans`).
    RecordBytes,
    /// Bytes of lines counted to place an offset in its line (`SourceFile::line_column`).
    LineBytes,
    /// Terms taken in to add linear forms (the contradiction lint's `Linear`).
    TermsMerged,
    /// Label paths spelled out for a search to compare (`table::index::spell`).
    PathsSpelled,
    /// Moves written out for blame's shifts, kept or not (`blame::shift`).
    ShiftMoves,
    /// Terms of aggregates worked out (`engine::evaluate`).
    AggregateTerms,
    /// Cells placed for a report, line and column (`report::Report::cell`).
    CellsPlaced,
    /// Axes of cell templates resolved for a check (`Evaluator::indices`).
    AxesResolved,
    /// Label paths kept as strings in an axis's exact index (`table::index`).
    PathsKeyed,
    /// Cells whose unit of money the unit-mismatch lint looked up (`lint::unit_mismatch`).
    CellUnitsSought,
    /// Cell references compiled, their table and both paths resolved (`engine::compile`).
    CellsCompiled,
    /// Invariant aggregates scaled or shifted by a number, worked out (`engine::evaluate`).
    InvariantsScaled,
}

#[cfg(test)]
thread_local! {
    static TALLIES: std::cell::Cell<[usize; 12]> = const { std::cell::Cell::new([0; 12]) };
}

/// Count `amount` more of `work` on this thread (nothing outside tests).
#[cfg(test)]
pub(crate) fn add(work: Work, amount: usize) {
    TALLIES.with(|tallies| {
        let mut counts = tallies.get();
        if let Some(count) = counts.get_mut(work as usize) {
            *count += amount;
        }
        tallies.set(counts);
    });
}

/// Count `amount` more of `work` on this thread (nothing outside tests).
#[cfg(not(test))]
pub(crate) fn add(_: Work, _: usize) {}

/// The tally of `work` on this thread so far, set back to zero.
#[cfg(test)]
pub(crate) fn take(work: Work) -> usize {
    TALLIES.with(|tallies| {
        let mut counts = tallies.get();
        let count = counts.get_mut(work as usize).map_or(0, std::mem::take);
        tallies.set(counts);
        count
    })
}
