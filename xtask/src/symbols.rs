//! The symbol map of a shipped wasm module: function index → function name, read from the
//! module's `name` custom section, which is then cut from what phones download.
//!
//! A crash report from the field names its wasm frames by function index only (the shipped
//! module has no names: they would cost every phone bytes). wasm-opt renumbers functions, so
//! the names are kept through it and read from the final module, then stripped; the map is
//! written outside the served files, one per build, for `pingan-server crashes`.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};

const MAGIC: &[u8] = b"\0asm";
const CUSTOM_SECTION: u8 = 0;
const NAME_SECTION: &str = "name";
/// The `name` section's subsection listing function names.
const FUNCTION_NAMES: u8 = 1;

/// One section of a module: its id, where it starts (the id byte) and ends, and its payload.
pub(crate) struct Section<'a> {
    pub id: u8,
    pub start: usize,
    pub end: usize,
    pub payload: &'a [u8],
}

/// Function names by function index (imports count), as browsers number wasm frames.
pub type Names = Vec<(u32, String)>;

/// The names in `wasm`'s `name` section, by function index, and the module without its
/// custom sections (`name`, and the toolchain's `target_features` and the like, which browsers
/// ignore); every other byte unchanged.
pub fn take_names(wasm: &[u8]) -> Result<(Names, Vec<u8>)> {
    let mut names = Vec::new();
    let mut stripped = Vec::with_capacity(wasm.len());
    stripped.extend_from_slice(&wasm[..8]);
    for section in sections(wasm)? {
        let mut payload = Reader::new(section.payload);
        if section.id == CUSTOM_SECTION {
            if payload.name()? == NAME_SECTION {
                names = function_names(payload)?;
            }
        } else {
            stripped.extend_from_slice(&wasm[section.start..section.end]);
        }
    }
    names.sort_by_key(|(index, _)| *index);
    Ok((names, stripped))
}

/// The map as written to disk: one `index<TAB>name` line per function, Rust names demangled
/// without hashes, so an operator reads `pingan_app::sync::sync_now`.
pub fn map_text(names: &[(u32, String)]) -> String {
    let mut text = String::new();
    for (index, name) in names {
        let demangled = format!("{:#}", rustc_demangle::demangle(name));
        // Writing to a String cannot fail.
        let _ = writeln!(text, "{index}\t{}", without_crate_hashes(&demangled));
    }
    text
}

/// Drops the crate disambiguators v0 names carry (`core[1b80778acbf7b3a4]::fmt`): a bracket
/// of hex digits right after a name. `[u8]` or `[f32; 4]` follow no name and stay.
fn without_crate_hashes(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let after_name = rest[..open]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let hash_len = rest[open + 1..]
            .find(']')
            .filter(|len| *len > 0)
            .filter(|len| {
                rest[open + 1..open + 1 + len]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit())
            });
        match hash_len {
            Some(len) if after_name => {
                out.push_str(&rest[..open]);
                rest = &rest[open + len + 2..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The lowest address an active data segment of `wasm` starts at (`None` without any): what
/// `wasm-opt --low-memory-unused` takes on trust, that the first 1 KiB is never the module's.
pub fn lowest_data_address(wasm: &[u8]) -> Result<Option<u32>> {
    const DATA_SECTION: u8 = 11;
    const I32_CONST: u8 = 0x41;
    let mut lowest = None;
    for section in sections(wasm)?.iter().filter(|s| s.id == DATA_SECTION) {
        let mut reader = Reader::new(section.payload);
        for _ in 0..reader.leb()? {
            let flags = reader.leb()?;
            if flags == 1 {
                // Passive: copied where the code says, never placed at load.
                let len = reader.leb()? as usize;
                reader.take(len)?;
                continue;
            }
            if flags == 2 {
                reader.leb()?;
            }
            if reader.byte()? != I32_CONST {
                bail!("a data segment's address is not a constant");
            }
            let address = reader.sleb()?;
            if reader.byte()? != 0x0b {
                bail!("a data segment's address is not a lone constant");
            }
            let len = reader.leb()? as usize;
            reader.take(len)?;
            let address = u32::try_from(address).context("a data segment below address 0")?;
            lowest = Some(lowest.map_or(address, |l: u32| l.min(address)));
        }
    }
    Ok(lowest)
}

pub(crate) fn sections(wasm: &[u8]) -> Result<Vec<Section<'_>>> {
    if wasm.len() < 8 || &wasm[..4] != MAGIC {
        bail!("not a WebAssembly module");
    }
    let mut reader = Reader::new(wasm);
    reader.at = 8;
    let mut found = Vec::new();
    while reader.at < wasm.len() {
        let start = reader.at;
        let id = reader.byte()?;
        let len = reader.leb()? as usize;
        let payload = reader.take(len)?;
        found.push(Section {
            id,
            start,
            end: reader.at,
            payload,
        });
    }
    Ok(found)
}

/// The function-names subsection of a `name` section's payload (after the section's name).
fn function_names(mut reader: Reader<'_>) -> Result<Names> {
    while !reader.done() {
        let id = reader.byte()?;
        let len = reader.leb()? as usize;
        let mut sub = Reader::new(reader.take(len)?);
        if id != FUNCTION_NAMES {
            continue;
        }
        let count = sub.leb()?;
        let mut names = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let index = sub.leb()?;
            names.push((index, sub.name()?.to_owned()));
        }
        return Ok(names);
    }
    Ok(Vec::new())
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    pub fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .with_context(|| format!("wasm module cut short at byte {}", self.at))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    /// An unsigned LEB128 number of at most 32 bits.
    pub fn leb(&mut self) -> Result<u32> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            value |= u32::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        bail!("malformed number at byte {} of a wasm module", self.at)
    }

    /// A signed LEB128 number of at most 32 bits (an `i32.const`).
    pub fn sleb(&mut self) -> Result<i32> {
        let mut value = 0i64;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            value |= i64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if byte & 0x40 != 0 {
                    value -= 1 << (shift + 7);
                }
                return i32::try_from(value).context("an i32 constant out of range");
            }
        }
        bail!("malformed number at byte {} of a wasm module", self.at)
    }

    pub fn name(&mut self) -> Result<&'a str> {
        let len = self.leb()? as usize;
        std::str::from_utf8(self.take(len)?).context("a wasm name is not UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glue::{leb, name};

    fn section(id: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![id];
        out.extend(leb(payload.len() as u32));
        out.extend_from_slice(payload);
        out
    }

    fn custom(section_name: &str, content: &[u8]) -> Vec<u8> {
        let mut payload = name(section_name);
        payload.extend_from_slice(content);
        section(CUSTOM_SECTION, &payload)
    }

    /// `(func $start) (func $…trap_for_test unreachable)` and an import before them, so
    /// indices count the import, as browsers' `wasm-function[N]` does.
    fn module(names: Option<&[(u32, &str)]>, features: bool) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend(section(1, &[0x01, 0x60, 0x00, 0x00])); // type 0: () -> ()
        let mut import = vec![0x01];
        import.extend(name("env"));
        import.extend(name("log"));
        import.extend([0x00, 0x00]); // a function of type 0
        wasm.extend(section(2, &import));
        wasm.extend(section(3, &[0x02, 0x00, 0x00])); // two functions of type 0
        // Bodies: `end`; `unreachable end`.
        wasm.extend(section(
            10,
            &[0x02, 0x02, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x0b],
        ));
        if features {
            wasm.extend(custom("target_features", &[0x00]));
        }
        if let Some(names) = names {
            let mut map = leb(names.len() as u32);
            for (index, text) in names {
                map.extend(leb(*index));
                map.extend(name(text));
            }
            let mut content = section(0, &name("module")); // module name subsection
            content.extend(section(FUNCTION_NAMES, &map));
            wasm.extend(custom(NAME_SECTION, &content));
        }
        wasm
    }

    #[test]
    fn names_are_read_by_function_index_and_cut_from_the_module() {
        let trap = "_ZN10pingan_app5crash13trap_for_test17h0123456789abcdefE";
        let named = module(Some(&[(0, "log"), (2, trap), (1, "start")]), true);
        let (names, stripped) = take_names(&named).unwrap();
        assert_eq!(
            names,
            vec![
                (0, "log".to_owned()),
                (1, "start".to_owned()),
                (2, trap.to_owned())
            ]
        );
        assert_eq!(
            stripped,
            module(None, false),
            "the custom sections go; the code stays"
        );
        assert_eq!(
            map_text(&names),
            "0\tlog\n1\tstart\n2\tpingan_app::crash::trap_for_test\n"
        );
    }

    #[test]
    fn v0_names_lose_their_crate_hashes_but_not_their_slices() {
        assert_eq!(
            without_crate_hashes(
                "<core[1b80778acbf7b3a4]::str::iter::Lines as alloc[8f19ec1fd5810053]::Foo<[u8]>>::next"
            ),
            "<core::str::iter::Lines as alloc::Foo<[u8]>>::next"
        );
        assert_eq!(
            without_crate_hashes("pingan_app[deb171da326b5678]::crash::trap_for_test"),
            "pingan_app::crash::trap_for_test"
        );
        assert_eq!(without_crate_hashes("f<[f32; 4]>"), "f<[f32; 4]>");
    }

    #[test]
    fn a_module_without_names_loses_only_its_custom_sections() {
        let (names, stripped) = take_names(&module(None, true)).unwrap();
        assert!(names.is_empty());
        assert_eq!(stripped, module(None, false));
    }

    #[test]
    fn a_truncated_module_is_an_error_not_a_panic() {
        let named = module(Some(&[(1, "start")]), true);
        assert!(take_names(&named[..named.len() - 3]).is_err());
        assert!(take_names(b"not wasm").is_err());
    }

    /// A module with active data segments at `addresses` (`i32.const`, 1 byte each) and one
    /// passive segment, which has no address.
    fn with_data(addresses: &[i32]) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let mut data = leb(addresses.len() as u32 + 1);
        for address in addresses {
            data.extend([0x00, 0x41]);
            data.extend(sleb(*address));
            data.extend([0x0b, 0x01, 0xff]);
        }
        data.extend([0x01, 0x01, 0xff]);
        wasm.extend(section(11, &data));
        wasm
    }

    fn sleb(mut value: i32) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0);
            out.push(if done { byte } else { byte | 0x80 });
            if done {
                return out;
            }
        }
    }

    #[test]
    fn the_lowest_data_address_is_found_among_the_active_segments() {
        assert_eq!(
            lowest_data_address(&with_data(&[1_056_660, 1_048_580])).unwrap(),
            Some(1_048_580)
        );
        assert_eq!(lowest_data_address(&with_data(&[8])).unwrap(), Some(8));
        assert_eq!(lowest_data_address(&with_data(&[])).unwrap(), None);
        assert!(lowest_data_address(&with_data(&[-4])).is_err());
    }
}
