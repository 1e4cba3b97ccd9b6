//! LibreOffice for tests: the real spreadsheet engine that opens what hyoka
//! writes and writes what a city uploads. `scripts/test` installs it
//! (Debian package libreoffice-calc) when absent.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `soffice` on PATH; panics with what to install when there is none.
pub fn soffice() -> PathBuf {
    for name in ["soffice", "libreoffice"] {
        if let Some(dir) =
            std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).find(|d| d.join(name).is_file()))
        {
            return dir.join(name);
        }
    }
    panic!(
        "LibreOffice is not installed (no `soffice` or `libreoffice` on PATH). \
         Run scripts/test, which installs it (Debian package libreoffice-calc), \
         or: apt-get install --no-install-recommends libreoffice-calc"
    );
}

/// A fresh directory under the system's temporary directory, named after
/// `what`, the process and the time, for a test's files.
pub fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hyoka-{what}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `soffice --convert-to TO --outdir OUT FILE` with a profile of its own
/// (`profile`), so that runs in parallel do not share one. The converted
/// file keeps `file`'s stem in `out`.
pub fn convert(profile: &Path, to: &str, out: &Path, file: &Path) {
    let output = Command::new(soffice())
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(out)
        .arg(file)
        .output()
        .expect("run soffice");
    assert!(
        output.status.success(),
        "soffice failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
