//! Which labs are solved: kept in memory, and written to a file under the data directory only
//! when the user asks (`jwb lab --save` or the lab view's save key). One lab name a line.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::catalog::LABS;

/// The progress file's name.
const FILE: &str = "labs-solved.txt";

/// The largest progress file read (it holds a few names).
const MAX_BYTES: u64 = 4096;

/// The solved labs, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    solved: BTreeSet<&'static str>,
}

impl Progress {
    /// Marks a lab solved; true when it was not yet.
    pub fn solve(&mut self, name: &str) -> bool {
        match LABS.iter().find(|l| l.name == name) {
            Some(lab) => self.solved.insert(lab.name),
            None => false,
        }
    }

    /// Whether a lab is solved.
    pub fn is_solved(&self, name: &str) -> bool {
        self.solved.contains(name)
    }

    /// How many are solved.
    pub fn count(&self) -> usize {
        self.solved.len()
    }

    /// The file's text: the solved names, one a line.
    pub fn to_text(&self) -> String {
        self.solved.iter().flat_map(|n| [*n, "\n"]).collect()
    }

    /// Reads the file's text; unknown names are ignored.
    pub fn from_text(text: &str) -> Self {
        let mut p = Progress::default();
        for line in text.lines() {
            p.solve(line.trim());
        }
        p
    }
}

/// Where the file lives: `$JWB_DATA_DIR`, else the platform's data directory
/// (`~/.local/share/jwt-workbench/` on Linux).
pub fn path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("JWB_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join(FILE));
    }
    directories::ProjectDirs::from("", "", "jwt-workbench").map(|d| d.data_dir().join(FILE))
}

/// Reads the saved progress; none when there is no file (or it cannot be read).
pub fn load() -> Progress {
    use std::io::Read as _;
    let Some(path) = path() else {
        return Progress::default();
    };
    let Ok(file) = std::fs::File::open(path) else {
        return Progress::default();
    };
    let mut text = String::new();
    if file.take(MAX_BYTES).read_to_string(&mut text).is_err() {
        return Progress::default();
    }
    Progress::from_text(&text)
}

/// Writes the progress file; returns where.
pub fn save(progress: &Progress) -> Result<PathBuf, String> {
    let path = path().ok_or("no data directory (set JWB_DATA_DIR)")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, progress.to_text()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_names_only() {
        let mut p = Progress::default();
        assert!(p.solve("none"));
        assert!(!p.solve("none"));
        assert!(!p.solve("no-such-lab"));
        p.solve("jku");
        let text = p.to_text();
        assert_eq!(text, "jku\nnone\n");
        assert_eq!(Progress::from_text(&format!("{text}bogus\n")), p);
        assert_eq!(p.count(), 2);
    }
}
