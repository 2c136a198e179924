//! The one place an input file is opened: every table (CSV or workbook), `tables.toml`, the
//! book's text (`.txt` or `.docx`), every rules file and the baseline are read through [`read`].
//!
//! A file's length in its metadata is not a bound on what reading it gives: a device
//! (`/dev/zero`) or a FIFO reports 0 and never ends, or never starts (opening a FIFO blocks
//! until a writer comes), and a file under `/proc` or one being written reports less than it
//! holds. So only regular files are read — the path is examined before it is opened, and the
//! opened file again — and every read goes through `take(limit + 1)`: one byte past the limit
//! is an error, whatever the metadata said.
//!
//! [`inside`] is the other half of "read only what was meant": a path that `tables.toml` names
//! (or a symlink in the data directory) must resolve to a file inside the data directory, so a
//! manifest cannot make a run print `/proc/self/environ` in a CI log.

use crate::pages::Pages;
use rayon::prelude::*;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Component, Path, PathBuf};

/// Why an input file is not read.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The path is not there, or cannot be opened or read (no permission).
    #[error("{0}")]
    Io(#[from] std::io::Error),

    /// The path names a directory, a FIFO, a socket or a device (`/dev/zero`): something that
    /// is not a regular file, which may never end or block the run for ever.
    #[error("it is {kind}, not a regular file")]
    NotAFile { kind: &'static str },

    /// More than `limit` bytes: `size` as the metadata says, or `None` when the file held more
    /// than its metadata said (it grew while read, or is a file under `/proc`).
    #[error("{}", too_large(*.size, *.limit))]
    TooLarge { size: Option<u64>, limit: u64 },

    /// The path resolves (through `..` or a symlink) to a file outside `folder`.
    #[error("it is outside {} (it resolves to {})", .folder.display(), .resolved.display())]
    Outside { folder: PathBuf, resolved: PathBuf },
}

/// `114 bytes, and the limit is 64 bytes`; for a file that held more than its metadata said,
/// `more than the limit of 64 bytes`.
pub fn too_large(size: Option<u64>, limit: u64) -> String {
    match size {
        Some(size) => format!("{size} bytes, and the limit is {limit} bytes"),
        None => format!("more than the limit of {limit} bytes"),
    }
}

/// What a path names when it is not a regular file, in words (`a FIFO (named pipe)`).
pub fn kind(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_char_device() {
            return Some("a character device");
        }
        if file_type.is_block_device() {
            return Some("a block device");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// `Ok` for a regular file (a symlink is followed) that is not past `limit`.
fn admit(metadata: &std::fs::Metadata, limit: u64) -> Result<u64, Refusal> {
    if let Some(kind) = kind(metadata.file_type()) {
        return Err(Refusal::NotAFile { kind });
    }
    let size = metadata.len();
    if size > limit {
        return Err(Refusal::TooLarge {
            size: Some(size),
            limit,
        });
    }
    Ok(size)
}

/// Whether `path` (a symlink followed) is a regular file: for a refusal with the place the path
/// was named, before reading.
pub fn regular(path: &Path) -> Result<(), Refusal> {
    match kind(std::fs::metadata(path)?.file_type()) {
        Some(kind) => Err(Refusal::NotAFile { kind }),
        None => Ok(()),
    }
}

/// Whether `path`, with every `..` and symlink resolved, lies inside `folder` (resolved too).
/// A path that cannot be resolved (it is not there) is an [`Refusal::Io`].
pub fn inside(path: &Path, folder: &Path) -> Result<(), Refusal> {
    let folder = folder.canonicalize()?;
    let resolved = path.canonicalize()?;
    if resolved.starts_with(&folder) {
        Ok(())
    } else {
        Err(Refusal::Outside { folder, resolved })
    }
}

/// A folder resolved once (`..` and symlinks), for [`inside`] of the many files in it: a
/// path resolves with a `readlink` per component, and a book's folders hold about a hundred
/// files.
pub struct Folder<'a> {
    given: &'a Path,
    resolved: Option<PathBuf>,
}

impl<'a> Folder<'a> {
    pub fn new(given: &'a Path) -> Self {
        Folder {
            given,
            resolved: given.canonicalize().ok(),
        }
    }

    /// The folder as it was named.
    pub fn path(&self) -> &'a Path {
        self.given
    }

    /// [`inside`]`(path, folder)`.
    pub fn holds(&self, path: &Path) -> Result<(), Refusal> {
        let Some(folder) = &self.resolved else {
            return inside(path, self.given);
        };
        let resolved = self.resolve(path)?;
        if resolved.starts_with(folder) {
            Ok(())
        } else {
            Err(Refusal::Outside {
                folder: folder.clone(),
                resolved,
            })
        }
    }

    /// What `path` is, where it is named directly in the folder and is no symlink: then it
    /// is inside the folder, and one `lstat` tells that it is there and what kind it is. `None`
    /// for any other path, and for one that is not there.
    pub fn entry(&self, path: &Path) -> Option<std::fs::Metadata> {
        self.plain_entry(path).map(|(_, metadata)| metadata)
    }

    /// [`Folder::entry`], with the path it names in the resolved folder.
    fn plain_entry(&self, path: &Path) -> Option<(PathBuf, std::fs::Metadata)> {
        let folder = self.resolved.as_deref()?;
        let mut parts = path.strip_prefix(self.given).ok()?.components();
        let (Some(Component::Normal(name)), None) = (parts.next(), parts.next()) else {
            return None;
        };
        let resolved = folder.join(name);
        let metadata = std::fs::symlink_metadata(&resolved).ok()?;
        (!metadata.file_type().is_symlink()).then_some((resolved, metadata))
    }

    /// `path` resolved. A file named directly in the folder that is no symlink is the
    /// resolved folder and its name: one `lstat` instead of resolving the path again (and a
    /// path that is not there fails to resolve either way).
    fn resolve(&self, path: &Path) -> std::io::Result<PathBuf> {
        match self.plain_entry(path) {
            Some((resolved, _)) => Ok(resolved),
            None => path.canonicalize(),
        }
    }
}

/// Bytes per part when a large file is read by several threads at once.
const READ_PART: usize = 4 << 20;

/// Read a whole regular file of at most `limit` bytes. Files are only ever opened for reading.
///
/// The path is examined before it is opened, since opening a FIFO blocks; the opened file is
/// examined again, and read through `take(limit + 1)`, so a file that holds more than its
/// metadata says is refused too. (A path swapped for a FIFO between the two looks would still
/// block the open: without `O_NONBLOCK`, which std cannot name portably, that is the window.)
pub fn read(path: &Path, limit: u64) -> Result<Pages<u8>, Refusal> {
    admit(&std::fs::metadata(path)?, limit)?;
    let mut file = std::fs::File::open(path)?;
    let size = admit(&file.metadata()?, limit)?;
    if let Some(bytes) = read_in_parts(&mut file, size)? {
        return Ok(bytes);
    }
    file.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    // What the metadata did not announce: at most one byte past the limit, to tell it is past.
    (&mut file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge { size: None, limit });
    }
    Ok(bytes.into())
}

/// A large file, read in parts by all threads into a buffer of its own ([`Pages`]): the copy,
/// and the first touch of every page of memory, are shared out instead of done by one thread.
/// `None` for a small file, or one that holds more than its metadata said: those are read
/// from the start in one piece.
fn read_in_parts(file: &mut std::fs::File, size: u64) -> std::io::Result<Option<Pages<u8>>> {
    let length = usize::try_from(size).unwrap_or(usize::MAX);
    #[cfg(unix)]
    if length > READ_PART {
        use std::os::unix::fs::FileExt;
        let mut bytes = Pages::zeroed(length);
        bytes
            .par_chunks_mut(READ_PART)
            .enumerate()
            .try_for_each(|(index, part)| file.read_exact_at(part, (index * READ_PART) as u64))?;
        let past_the_end = file.read_at(&mut [0], size)?;
        return Ok((past_the_end == 0).then_some(bytes));
    }
    let _ = (file, length);
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One look answers for a file named directly in the folder that is no symlink; every
    /// other path is left to the slower looks, which follow links and `..`.
    #[cfg(unix)]
    #[test]
    fn a_folder_entry_is_a_file_named_in_it_that_is_no_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("inner")).unwrap();
        std::fs::write(data.join("t.csv"), "a\n").unwrap();
        std::fs::write(data.join("inner/u.csv"), "a\n").unwrap();
        std::os::unix::fs::symlink("t.csv", data.join("link.csv")).unwrap();
        let folder = Folder::new(&data);
        let entry = |name: &str| folder.entry(&data.join(name));
        assert!(entry("t.csv").is_some_and(|m| m.is_file()));
        assert!(entry("inner").is_some_and(|m| m.is_dir()));
        for other in ["link.csv", "inner/u.csv", "../data/t.csv", "gone.csv"] {
            assert!(entry(other).is_none(), "{other}");
        }
        assert!(
            Folder::new(&dir.path().join("gone"))
                .entry(&data.join("t.csv"))
                .is_none()
        );
    }

    #[test]
    fn a_regular_file_is_read_whole_up_to_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b\n").unwrap();
        assert_eq!(&read(&path, 4).unwrap()[..], b"a,b\n");
        assert!(matches!(
            read(&path, 3),
            Err(Refusal::TooLarge {
                size: Some(4),
                limit: 3
            })
        ));
        assert!(matches!(
            read(dir.path(), 10),
            Err(Refusal::NotAFile {
                kind: "a directory"
            })
        ));
        assert!(matches!(
            read(&dir.path().join("none"), 10),
            Err(Refusal::Io(_))
        ));
    }

    /// Past [`READ_PART`] a file is read in parts by several threads: the parts join up.
    #[test]
    fn a_large_file_is_read_in_parts_whole_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.csv");
        let bytes: Vec<u8> = (0..READ_PART * 2 + 3).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let read_back = read(&path, bytes.len() as u64).unwrap();
        assert_eq!(&read_back[..], &bytes[..]);
        assert!(read_back.is_mapped());
        assert!(matches!(
            read(&path, bytes.len() as u64 - 1),
            Err(Refusal::TooLarge { size: Some(_), .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_before_it_is_read() {
        assert!(matches!(
            read(Path::new("/dev/zero"), 10),
            Err(Refusal::NotAFile {
                kind: "a character device"
            })
        ));
    }

    /// `/proc` files say they are empty and are not: the limit holds all the same.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_holds_more_than_its_metadata_says_is_bounded() {
        let path = Path::new("/proc/self/status");
        assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
        assert!(matches!(
            read(path, 8),
            Err(Refusal::TooLarge {
                size: None,
                limit: 8
            })
        ));
        assert!(read(path, 1 << 20).unwrap().len() > 8);
    }

    #[test]
    fn inside_resolves_dot_dot_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("sub")).unwrap();
        std::fs::write(data.join("T.csv"), "").unwrap();
        std::fs::write(data.join("sub/U.csv"), "").unwrap();
        std::fs::write(dir.path().join("x.csv"), "").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(dir.path().join("x.csv"), data.join("out.csv")).unwrap();
            symlink(data.join("T.csv"), data.join("in.csv")).unwrap();
            symlink(&data, dir.path().join("linked")).unwrap();
        }
        // The folder resolved once answers as `inside` does, for the folder named directly
        // and through a symlink to it.
        let linked = dir.path().join("linked");
        for folder in [&data, &linked] {
            let resolved = Folder::new(folder);
            let both = |name: &str| {
                let path = folder.join(name);
                let (once, again) = (resolved.holds(&path), inside(&path, folder));
                let verdict = |r: &Result<(), Refusal>| match r {
                    Ok(()) => "inside",
                    Err(Refusal::Outside { .. }) => "outside",
                    Err(_) => "error",
                };
                assert_eq!(verdict(&once), verdict(&again), "{}", path.display());
                verdict(&once)
            };
            assert_eq!(both("T.csv"), "inside");
            assert_eq!(both("sub/U.csv"), "inside");
            assert_eq!(both("../data/T.csv"), "inside");
            assert_eq!(both("../x.csv"), "outside");
            assert_eq!(both("missing.csv"), "error");
            #[cfg(unix)]
            {
                assert_eq!(both("out.csv"), "outside");
                assert_eq!(both("in.csv"), "inside");
            }
        }
    }
}
