//! Where a report (`check --output`) or a baseline (`baseline --output`) may be written: never
//! onto a file the run reads.
//!
//! A mistyped `--output data/2022/A2.csv` or `--output rules/A.rules` would replace a table or a
//! rules file with the report, silently. The output is refused (an input error, exit 2) when it
//! is the same file as an input — the same path once symlinks and `..` are resolved, or on Unix
//! the same device and inode (a hard link) — or when it lies inside the data directory or a
//! rules directory: those are read whole (every `*.csv` without a manifest, every `*.rules`),
//! so a report written there would become an input of the next run, and `check --watch` would
//! see its own report change the data and run again for ever. The output file may not exist
//! yet: its directory is resolved instead.

use miette::Diagnostic;
use std::path::{Path, PathBuf};

/// A report or baseline that would be written onto an input.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum OutputError {
    /// `check --output data/2022/A2.csv`, or a hard link to a rules file.
    #[error("refusing to write {} onto {what} {}", output.display(), input.display())]
    #[diagnostic(
        code(crossfoot::output::onto_input),
        help("name an --output file that is not one of the files crossfoot reads")
    )]
    OntoInput {
        output: PathBuf,
        input: PathBuf,
        what: &'static str,
    },

    /// `check --output data/2022/report.json`: inside a directory the run reads whole.
    #[error("refusing to write {} inside {what} {}", output.display(), dir.display())]
    #[diagnostic(
        code(crossfoot::output::onto_input),
        help(
            "a file there would be read as input by the next run; write the report outside the data and rules directories"
        )
    )]
    InsideInputDirectory {
        output: PathBuf,
        dir: PathBuf,
        what: &'static str,
    },

    /// `check --cache data/2022/.cache`: the cache's file would be written into a directory
    /// the run reads, and `check --watch` would see it change the data.
    #[error("refusing to keep the cache {} inside {what} {}", cache.display(), dir.display())]
    #[diagnostic(
        code(crossfoot::output::onto_input),
        help("name a --cache directory outside the data and rules directories")
    )]
    CacheInsideInputDirectory {
        cache: PathBuf,
        dir: PathBuf,
        what: &'static str,
    },
}

/// Everything a run reads: directories read whole, and single files.
#[derive(Debug, Default)]
pub struct Inputs {
    directories: Vec<(PathBuf, &'static str)>,
    files: Vec<(PathBuf, &'static str)>,
}

impl Inputs {
    /// The inputs of a run on `data` and `rules` (a directory or one file).
    pub fn new(data: &Path, rules: &Path) -> Self {
        let mut inputs = Self::default();
        inputs.directory(data, "the data directory");
        if rules.is_dir() {
            inputs.directory(rules, "the rules directory");
        } else {
            inputs.file(rules, "the rules file");
        }
        inputs
    }

    /// A directory the run reads whole (every file under it is an input).
    pub fn directory(&mut self, path: &Path, what: &'static str) -> &mut Self {
        self.directories.push((path.to_path_buf(), what));
        self
    }

    /// One file the run reads (a table named by the manifest outside the data directory, the
    /// baseline).
    pub fn file(&mut self, path: &Path, what: &'static str) -> &mut Self {
        self.files.push((path.to_path_buf(), what));
        self
    }

    /// Every file the loaded tables and rules were read from (a table or text the manifest
    /// names outside the data directory included).
    pub fn read_by(
        &mut self,
        dataset: &crate::table::manifest::Dataset,
        program: &crate::engine::program::Program,
    ) -> &mut Self {
        for table in &dataset.tables {
            self.file(table.source().path(), "the input");
        }
        for file in &program.files {
            self.file(file.path(), "the rules file");
        }
        self
    }

    /// `Err` if the directory `cache` is, or lies inside, an input directory.
    pub fn check_cache(&self, cache: &Path) -> Result<(), OutputError> {
        let Some(resolved) = resolve_ancestor(cache) else {
            return Ok(());
        };
        for (dir, what) in &self.directories {
            if dir
                .canonicalize()
                .is_ok_and(|dir_resolved| resolved.starts_with(dir_resolved))
            {
                return Err(OutputError::CacheInsideInputDirectory {
                    cache: cache.to_path_buf(),
                    dir: dir.clone(),
                    what,
                });
            }
        }
        Ok(())
    }

    /// `Err` if writing `output` would write onto one of the inputs or into an input directory.
    pub fn check(&self, output: &Path) -> Result<(), OutputError> {
        let Some(resolved) = resolve(output) else {
            // Its directory is not there: writing fails on its own, and overwrites nothing.
            return Ok(());
        };
        let identity = Identity::of(output);
        let onto = |input: &Path, what: &'static str| OutputError::OntoInput {
            output: output.to_path_buf(),
            input: input.to_path_buf(),
            what,
        };
        for (file, what) in &self.files {
            if file.canonicalize().is_ok_and(|f| f == resolved)
                || identity.is_some_and(|id| Identity::of(file) == Some(id))
            {
                return Err(onto(file, what));
            }
        }
        for (dir, what) in &self.directories {
            let Ok(dir_resolved) = dir.canonicalize() else {
                continue;
            };
            if resolved.starts_with(&dir_resolved) {
                return Err(OutputError::InsideInputDirectory {
                    output: output.to_path_buf(),
                    dir: dir.clone(),
                    what,
                });
            }
        }
        // A hard link elsewhere to a file under an input directory: the same inode.
        if let Some(id) = identity {
            for (dir, _) in &self.directories {
                if let Some(file) = find_file(dir, id) {
                    return Err(onto(&file, "the input"));
                }
            }
        }
        Ok(())
    }
}

/// `path` with symlinks and `..` resolved; for a file not there yet, its directory resolved and
/// its name appended. `None` when its directory is not there either.
fn resolve(path: &Path) -> Option<PathBuf> {
    if let Ok(resolved) = path.canonicalize() {
        return Some(resolved);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    parent.canonicalize().ok().map(|dir| dir.join(name))
}

/// `path` with its nearest ancestor that is there resolved and the rest appended: where
/// `create_dir_all` would make a directory that is not there yet, several levels of it.
fn resolve_ancestor(path: &Path) -> Option<PathBuf> {
    path.ancestors().find_map(|ancestor| {
        let there = if ancestor.as_os_str().is_empty() {
            Path::new(".")
        } else {
            ancestor
        };
        let rest = path.strip_prefix(ancestor).ok()?;
        there
            .canonicalize()
            .ok()
            .map(|resolved| resolved.join(rest))
    })
}

/// A file's identity beyond its path: device and inode on Unix (hard links share it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    device: u64,
    inode: u64,
}

impl Identity {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let metadata = std::fs::metadata(path).ok()?;
        Some(Self {
            device: metadata.dev(),
            inode: metadata.ino(),
        })
    }

    /// Elsewhere, paths resolved are all there is to compare.
    #[cfg(not(unix))]
    fn of(_path: &Path) -> Option<Self> {
        None
    }
}

/// The first file under `dir` (at any depth) with this identity.
fn find_file(dir: &Path, id: Identity) -> Option<PathBuf> {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            // Follows symlinks to files (an input read through a link); does not descend
            // into linked directories, which could loop.
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(_) if Identity::of(&path) == Some(id) => return Some(path),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_onto_an_input_or_inside_an_input_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("T.csv"), "a,b\n").unwrap();
        let rules = dir.path().join("t.rules");
        std::fs::write(&rules, "").unwrap();
        let inputs = Inputs::new(&data, &rules);
        let refused = |path: &Path| inputs.check(path).is_err();
        assert!(refused(&data.join("T.csv")));
        assert!(refused(&data.join("new.json")));
        assert!(refused(&data.join("../data/T.csv")));
        assert!(refused(&rules));
        assert!(!refused(&dir.path().join("report.json")));
        assert!(!refused(&dir.path().join("no/such/dir/report.json")));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::fs::hard_link(data.join("T.csv"), &link).unwrap();
            assert!(refused(&link));
            let rules_link = dir.path().join("rules-link");
            std::fs::hard_link(&rules, &rules_link).unwrap();
            assert!(refused(&rules_link));
            let symlink = dir.path().join("sym.csv");
            std::os::unix::fs::symlink(data.join("T.csv"), &symlink).unwrap();
            assert!(refused(&symlink));
        }
    }
}
