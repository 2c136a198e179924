//! Findings rendered a batch at a time and written in order, each batch rendered while the
//! one before it is written: a reader that takes a report through a pipe (a CI job, `jq`,
//! `less`) reads one batch while the next is made, where the two waited on each other in
//! turn; and a report of many findings is never held whole.

use std::io;

/// Items `0..count` rendered a batch at a time by `render` and handed in order to `write`:
/// each batch rendered (on another thread) while the one before it is written, at most one
/// waiting between them. The first error, of either, stops both and is returned.
pub(super) fn in_batches<R: Send>(
    count: usize,
    per_batch: usize,
    render: impl Fn(std::ops::Range<usize>) -> io::Result<R> + Sync,
    mut write: impl FnMut(&R) -> io::Result<()>,
) -> io::Result<()> {
    let mut batches = (0..count)
        .step_by(per_batch.max(1))
        .map(|start| start..(start + per_batch).min(count));
    if count <= per_batch {
        return batches.try_for_each(|batch| write(&render(batch)?));
    }
    let (rendered, to_write) = std::sync::mpsc::sync_channel(1);
    std::thread::scope(|scope| {
        let render = &render;
        scope.spawn(move || {
            for batch in batches {
                let batch = render(batch);
                let failed = batch.is_err();
                // The writer has stopped (at an error) where nothing takes the batch.
                if rendered.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        to_write.into_iter().try_for_each(|batch| write(&batch?))
    })
}

#[cfg(test)]
mod tests {
    use super::in_batches;
    use std::io;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn items(range: std::ops::Range<usize>) -> io::Result<Vec<usize>> {
        Ok(range.collect())
    }

    /// Rendered on another thread or not, every item reaches the writer once, in order.
    #[test]
    fn batches_are_written_whole_and_in_order() {
        for (count, per_batch) in [(0, 4), (3, 4), (4, 4), (5, 4), (1000, 7)] {
            let mut written = Vec::new();
            in_batches(count, per_batch, items, |batch: &Vec<usize>| {
                written.extend_from_slice(batch);
                Ok(())
            })
            .unwrap();
            assert_eq!(
                written,
                (0..count).collect::<Vec<_>>(),
                "{count} by {per_batch}"
            );
        }
    }

    /// A writer that fails (a reader gone from the pipe) stops the rendering: a few batches
    /// are made ahead of it, not all.
    #[test]
    fn a_failed_write_stops_the_rendering() {
        let rendered = AtomicUsize::new(0);
        let render = |range| {
            rendered.fetch_add(1, Ordering::Relaxed);
            items(range)
        };
        let mut writes = 0;
        let outcome = in_batches(1000, 10, render, |_: &Vec<usize>| {
            writes += 1;
            if writes == 3 {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"));
            }
            Ok(())
        });
        assert_eq!(outcome.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(writes, 3);
        assert!(rendered.load(Ordering::Relaxed) <= 5);
    }

    /// A batch that cannot be rendered is the error, and nothing after it is written.
    #[test]
    fn a_failed_rendering_is_returned_and_ends_the_list() {
        let render = |range: std::ops::Range<usize>| {
            if range.start == 20 {
                return Err(io::Error::other("unrenderable"));
            }
            items(range)
        };
        let mut written = Vec::new();
        let outcome = in_batches(100, 10, render, |batch: &Vec<usize>| {
            written.extend_from_slice(batch);
            Ok(())
        });
        assert_eq!(outcome.unwrap_err().to_string(), "unrenderable");
        assert_eq!(written, (0..20).collect::<Vec<_>>());
    }
}
