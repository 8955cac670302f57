//! What the app will not open from a chat: a received file is opened by the system's
//! default program, so a file that would run as a program (or hides its real type behind
//! bidirectional-text controls, "invoice\u{202E}fdp.exe" showing as "invoiceexe.pdf") is
//! refused; the user can still save it through their file manager.

/// Why a file is not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    /// Its type runs code when opened (a program, script, installer or launcher).
    Runs,
    /// Its name holds controls that reorder or hide how it reads.
    DisguisedName,
}

/// Extensions that run code when opened, on any of the desktops we ship for.
const RUNS: &[&str] = &[
    // Windows
    "exe",
    "com",
    "scr",
    "pif",
    "bat",
    "cmd",
    "msi",
    "msp",
    "cpl",
    "hta",
    "jse",
    "vbs",
    "vbe",
    "wsf",
    "wsh",
    "ps1",
    "psm1",
    "lnk",
    "reg",
    "inf",
    "application",
    "gadget",
    "appx",
    "msix",
    "appref-ms",
    // macOS
    "app",
    "command",
    "tool",
    "pkg",
    "mpkg",
    "dmg",
    "terminal",
    "workflow",
    "scpt",
    // Linux and everywhere
    "sh",
    "bash",
    "zsh",
    "csh",
    "ksh",
    "fish",
    "run",
    "bin",
    "desktop",
    "appimage",
    "deb",
    "rpm",
    "flatpakref",
    "snap",
    "jar",
    "py",
    "pyw",
    "pl",
    "rb",
    "php",
    "js",
    "mjs",
    "elf",
    "out",
    "so",
    "dll",
];

/// Characters that change how a name reads without showing: bidi embeddings, overrides
/// and isolates, directional marks, and zero-width joiners or spaces.
fn hides(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        | '\u{061C}' | '\u{FEFF}')
}

/// The risk of opening a file by this name, if any.
pub fn risk(name: &str) -> Option<Risk> {
    if name.chars().any(hides) {
        return Some(Risk::DisguisedName);
    }
    // Trailing dots and spaces are dropped by Windows: "a.exe." opens as "a.exe".
    let name = name.trim_end_matches(['.', ' ']);
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    RUNS.contains(&ext.as_str()).then_some(Risk::Runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_open_programs_and_disguised_names_do_not() {
        for ok in [
            "report.pdf",
            "照片.JPG",
            "notes",
            "archive.tar.gz",
            "歌.mp3",
            ".hidden",
        ] {
            assert_eq!(risk(ok), None, "{ok}");
        }
        for runs in [
            "setup.exe",
            "SETUP.EXE",
            "run.sh",
            "x.desktop",
            "a.AppImage",
            "tool.exe.",
            "tool.exe ",
            "script.ps1",
            "x.jar",
        ] {
            assert_eq!(risk(runs), Some(Risk::Runs), "{runs}");
        }
        for hidden in [
            "invoice\u{202E}fdp.exe",
            "a\u{2067}b.pdf",
            "zero\u{200B}width.txt",
        ] {
            assert_eq!(risk(hidden), Some(Risk::DisguisedName), "{hidden:?}");
        }
    }
}
