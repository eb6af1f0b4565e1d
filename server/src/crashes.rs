//! Crash reports from the field app (decision 20): read from a sync request, kept, and listed
//! with each wasm frame named through the symbol map of the build that crashed.
//!
//! A report says where the app stopped — build, screen, kind of error, wasm frames as
//! (function index, byte offset) — and never what the worker had typed: the page that writes
//! it (`app/crash.js`) leaves error messages out, and this module accepts only short,
//! plain-character fields, so a report cannot smuggle record text in either.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::store::{Author, Store, StoreError};

/// Reports read from one sync request; a device keeps at most 10, so more is not our app.
pub const MAX_REPORTS_PER_SYNC: usize = 10;
/// One report's JSON; 64 frames come to about 1.5 KB.
pub const MAX_REPORT_BYTES: usize = 8 * 1024;
/// Frames kept per report, innermost first: where it stopped matters, not how `main` began.
pub const MAX_FRAMES: usize = 64;
/// Where `cargo xtask dist` writes the symbol maps, relative to the workspace.
pub const DEFAULT_SYMBOLS_DIR: &str = "target/dist-symbols";

/// One crash, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrashReport {
    /// The build id stamped into `index.html` (`<meta name="pingan-build">`).
    pub build: String,
    /// When the app stopped, by the phone's clock.
    pub crashed_at_ms: i64,
    /// The open tab's element id (`tab-households`), `login`, or `start`.
    pub screen: String,
    /// `wasm-trap` for a WebAssembly trap, else the JS error's name (`TypeError`).
    pub kind: String,
    /// For a trap, the engine's words for it (`unreachable`); empty otherwise.
    pub detail: String,
    pub frames: Vec<Frame>,
}

/// One wasm frame: a function index of the shipped module and a byte offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub function: u32,
    pub offset: u32,
}

/// A report as stored, with who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCrash {
    pub username: String,
    pub device_id: String,
    pub received_at_ms: i64,
    pub report: CrashReport,
}

/// Why a report was dropped.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Malformed {
    #[error("report is {0} bytes, over the {MAX_REPORT_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("report is not the JSON object the app writes: {0}")]
    NotAReport(String),
    #[error("report field `{0}` is empty, too long or holds characters it may not")]
    BadField(&'static str),
}

#[derive(Deserialize)]
struct Wire {
    build: String,
    at_ms: i64,
    screen: String,
    kind: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    frames: Vec<(u32, u32)>,
}

/// Reads one report as `app/crash.js` writes it:
/// `{"build":"…","at_ms":…,"screen":"…","kind":"…","detail":"…","frames":[[index,offset],…]}`.
pub fn parse(text: &str) -> Result<CrashReport, Malformed> {
    if text.len() > MAX_REPORT_BYTES {
        return Err(Malformed::TooLarge(text.len()));
    }
    let wire: Wire =
        serde_json::from_str(text).map_err(|e| Malformed::NotAReport(e.to_string()))?;
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let field = |name: &'static str, value: String, max: usize, ok: &dyn Fn(char) -> bool| {
        if value.is_empty() || value.len() > max || !value.chars().all(ok) {
            Err(Malformed::BadField(name))
        } else {
            Ok(value)
        }
    };
    // The build names a file in the symbols directory: letters and digits only.
    let build = field("build", wire.build, 32, &|c| c.is_ascii_alphanumeric())?;
    let screen = field("screen", wire.screen, 64, &word)?;
    let kind = field("kind", wire.kind, 64, &word)?;
    let detail = if wire.detail.is_empty() {
        wire.detail
    } else {
        // A trap's reason is the engine's English ("memory access out of bounds").
        field("detail", wire.detail, 100, &|c| {
            c.is_ascii_alphanumeric() || " -_().,:".contains(c)
        })?
    };
    Ok(CrashReport {
        build,
        crashed_at_ms: wire.at_ms,
        screen,
        kind,
        detail,
        frames: wire
            .frames
            .into_iter()
            .take(MAX_FRAMES)
            .map(|(function, offset)| Frame { function, offset })
            .collect(),
    })
}

/// Keeps the reports a sync request brought. Never fails the sync: a malformed report, or
/// reports past the first [`MAX_REPORTS_PER_SYNC`], are logged and dropped, and so is a
/// failure to store them (the device, answered 200, forgets them: a report is worth less than
/// the sync that carries records). A report sent twice (its answer lost) is stored once.
pub async fn receive(store: &Store, author: &Author<'_>, entries: &[String]) {
    // An entry holds one report, or several a line each (the field app sends what it kept
    // as one text).
    let reports: Vec<&str> = entries
        .iter()
        .flat_map(|entry| entry.lines())
        .filter(|line| !line.trim().is_empty())
        .collect();
    if reports.len() > MAX_REPORTS_PER_SYNC {
        tracing::warn!(
            user = author.username,
            device = author.device_id,
            sent = reports.len(),
            "crash reports past the first {MAX_REPORTS_PER_SYNC} dropped"
        );
    }
    let mut valid = Vec::new();
    for text in reports.into_iter().take(MAX_REPORTS_PER_SYNC) {
        match parse(text) {
            Ok(report) => valid.push(report),
            Err(error) => tracing::warn!(
                user = author.username,
                device = author.device_id,
                %error,
                "crash report dropped"
            ),
        }
    }
    if valid.is_empty() {
        return;
    }
    match store.add_crash_reports(&valid, author).await {
        Ok(()) => tracing::info!(
            user = author.username,
            device = author.device_id,
            reports = valid.len(),
            "crash reports received"
        ),
        Err(error) => tracing::error!(%error, "crash reports not stored"),
    }
}

/// Function names by index for one build, as `cargo xtask dist` wrote them: one
/// `index<TAB>name` line per function.
pub type SymbolMap = HashMap<u32, String>;

pub fn parse_symbol_map(text: &str) -> SymbolMap {
    text.lines()
        .filter_map(|line| {
            let (index, name) = line.split_once('\t')?;
            Some((index.parse().ok()?, name.to_owned()))
        })
        .collect()
}

/// The symbol maps in `dir`, read once per build as reports need them.
pub struct Symbols {
    dir: PathBuf,
    maps: HashMap<String, Option<SymbolMap>>,
}

impl Symbols {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            maps: HashMap::new(),
        }
    }

    /// `build`'s map, or `None` when the directory has none for it.
    pub fn of(&mut self, build: &str) -> Option<&SymbolMap> {
        let dir = &self.dir;
        self.maps
            .entry(build.to_owned())
            .or_insert_with(|| {
                std::fs::read_to_string(dir.join(format!("{build}.txt")))
                    .ok()
                    .map(|text| parse_symbol_map(&text))
            })
            .as_ref()
    }
}

/// A report for an operator's terminal: who, when, where, then each frame by name when
/// `symbols` has its build's map, by index otherwise.
pub fn describe(crash: &StoredCrash, symbols: Option<&SymbolMap>) -> String {
    let report = &crash.report;
    let mut text = format!(
        "{}  {} on device {}  build {}  screen {}  {}",
        china_time(report.crashed_at_ms),
        crash.username,
        crash.device_id,
        report.build,
        report.screen,
        report.kind,
    );
    if !report.detail.is_empty() {
        let _ = write!(text, " ({})", report.detail);
    }
    let _ = write!(text, "  received {}", china_time(crash.received_at_ms));
    if symbols.is_none() {
        let _ = write!(text, "\n    (no symbol map for build {})", report.build);
    }
    for (depth, frame) in report.frames.iter().enumerate() {
        let name = symbols.and_then(|map| map.get(&frame.function));
        let _ = match name {
            Some(name) => write!(
                text,
                "\n    #{depth:<2} {name}  (function {}, 0x{:x})",
                frame.function, frame.offset
            ),
            None => write!(
                text,
                "\n    #{depth:<2} function {}  (0x{:x})",
                frame.function, frame.offset
            ),
        };
    }
    text
}

/// `2026-12-02 16:31:09` in China's time, where the phones are.
fn china_time(unix_ms: i64) -> String {
    const CHINA_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;
    let second_of_day = (unix_ms + CHINA_OFFSET_MS).rem_euclid(86_400_000) / 1000;
    format!(
        "{} {:02}:{:02}:{:02}",
        pingan_shared::statistics::china_date(unix_ms),
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// Frames as stored: `[[index,offset],…]`.
pub(crate) fn frames_json(frames: &[Frame]) -> String {
    let pairs: Vec<(u32, u32)> = frames.iter().map(|f| (f.function, f.offset)).collect();
    serde_json::to_string(&pairs).expect("integer pairs always serialize")
}

pub(crate) fn frames_from_json(text: &str) -> Result<Vec<Frame>, StoreError> {
    let pairs: Vec<(u32, u32)> = serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("crash report frames {text:?}: {e}")))?;
    Ok(pairs
        .into_iter()
        .map(|(function, offset)| Frame { function, offset })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRAP: &str = r#"{"build":"0123456789ab","at_ms":1764664269000,"screen":"tab-households","kind":"wasm-trap","detail":"unreachable","frames":[[812,74565],[90,1234]]}"#;

    fn report() -> CrashReport {
        parse(TRAP).unwrap()
    }

    #[test]
    fn a_trap_report_is_read_with_its_frames_innermost_first() {
        assert_eq!(
            report(),
            CrashReport {
                build: "0123456789ab".into(),
                crashed_at_ms: 1_764_664_269_000,
                screen: "tab-households".into(),
                kind: "wasm-trap".into(),
                detail: "unreachable".into(),
                frames: vec![
                    Frame {
                        function: 812,
                        offset: 74565
                    },
                    Frame {
                        function: 90,
                        offset: 1234
                    },
                ],
            }
        );
    }

    #[test]
    fn a_report_that_could_carry_record_text_is_dropped() {
        let named = TRAP.replace("tab-households", "张建国");
        assert_eq!(parse(&named), Err(Malformed::BadField("screen")));
        let message = TRAP.replace("unreachable", "幸福村3组12号 is not valid");
        assert_eq!(parse(&message), Err(Malformed::BadField("detail")));
    }

    #[test]
    fn a_build_id_cannot_name_a_file_outside_the_symbols_directory() {
        let escaping = TRAP.replace("0123456789ab", "../../etc/passwd");
        assert_eq!(parse(&escaping), Err(Malformed::BadField("build")));
    }

    #[test]
    fn oversized_or_foreign_reports_are_refused_and_long_stacks_cut() {
        let padded = format!("{TRAP:<9000}");
        assert_eq!(parse(&padded), Err(Malformed::TooLarge(9000)));
        assert!(matches!(parse("[1,2]"), Err(Malformed::NotAReport(_))));
        assert!(matches!(
            parse(r#"{"build":"ab"}"#),
            Err(Malformed::NotAReport(_))
        ));
        let frames: Vec<String> = (0..100).map(|i| format!("[{i},{i}]")).collect();
        let deep = TRAP.replace(
            r#"[[812,74565],[90,1234]]"#,
            &format!("[{}]", frames.join(",")),
        );
        let deep = parse(&deep).unwrap();
        assert_eq!(deep.frames.len(), MAX_FRAMES);
        assert_eq!(deep.frames[0].function, 0);
    }

    #[test]
    fn frames_are_named_through_the_build_s_symbol_map_or_left_as_indices() {
        let crash = StoredCrash {
            username: "worker01".into(),
            device_id: "phone-1".into(),
            received_at_ms: 1_764_664_329_000,
            report: report(),
        };
        let map =
            parse_symbol_map("90\tpingan_app::start\n812\tpingan_app::crash::trap_for_test\n");
        assert_eq!(
            describe(&crash, Some(&map)),
            "2025-12-02 16:31:09  worker01 on device phone-1  build 0123456789ab  \
             screen tab-households  wasm-trap (unreachable)  received 2025-12-02 16:32:09\n    \
             #0  pingan_app::crash::trap_for_test  (function 812, 0x12345)\n    \
             #1  pingan_app::start  (function 90, 0x4d2)"
        );
        let unmapped = describe(&crash, None);
        assert!(unmapped.contains("(no symbol map for build 0123456789ab)"));
        assert!(unmapped.contains("#0  function 812  (0x12345)"));
    }

    #[test]
    fn stored_frames_read_back_as_written() {
        let frames = report().frames;
        assert_eq!(frames_from_json(&frames_json(&frames)).unwrap(), frames);
    }
}
