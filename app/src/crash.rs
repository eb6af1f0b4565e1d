//! Crash reports waiting to go up with the next sync (decision 20). The page writes them
//! (`crash.js`, which also shows the recovery screen) into `localStorage` as one JSON object a
//! line; here they are only lines, so the wasm carries no JSON code for them.

/// Where `crash.js` keeps the reports, newest last.
const CRASHES_KEY: &str = "pingan.crashes";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The reports not yet answered by the server, for the next sync request: the kept text
/// whole, one entry holding every line (the server splits them).
pub fn pending_reports() -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(CRASHES_KEY).ok().flatten())
        .into_iter()
        .filter(|text| !text.is_empty())
        .collect()
}

/// Drops the reports a sync answer acknowledged. `crash.js` appends, so reports written
/// since the request follow what was sent and stay; if it dropped its oldest meanwhile, all
/// are kept and sent again (the server stores each once).
pub fn forget_sent(sent: &[String]) {
    let (Some(storage), [sent]) = (storage(), sent) else {
        return;
    };
    let now = storage
        .get_item(CRASHES_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    // Failing to drop them only means the server gets them again, and keeps them once.
    let _ = match now.strip_prefix(sent.as_str()).map(str::trim_start) {
        Some("") => storage.remove_item(CRASHES_KEY),
        Some(later) => storage.set_item(CRASHES_KEY, later),
        None => Ok(()),
    };
}

/// Stops the module the way a panic does in the shipped app (decision 18), for the browser
/// test of the recovery screen and the crash report (feature `test-trap`, never shipped).
/// Its own function, named in the symbol map: the volatile write keeps it from being merged
/// into its caller.
#[cfg(feature = "test-trap")]
#[inline(never)]
pub fn trap_for_test() {
    static TRAPS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    // SAFETY: a valid, aligned pointer to a static; nothing else writes it.
    unsafe { std::ptr::write_volatile(TRAPS.as_ptr(), 1) };
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    std::process::abort();
}
