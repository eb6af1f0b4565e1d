//! Short names for what the wasm module and its JS glue call each other by.
//!
//! wasm-bindgen names every import after the JS it wraps plus a 16-hex-digit hash
//! (`__wbg_getItem_49556a3e59cfb688`), puts the module name `./pingan_app_bg.js` before each,
//! and exports closure shims under names hundreds of characters long. Each name stands once in
//! the module and once in the glue, and the hashes do not compress: about 3 KB of what every
//! phone downloads, for names nobody reads. Here they become `a`, `b`, … in both files.
//!
//! A name is only renamed where the glue uses it in the one way wasm-bindgen writes it — an
//! import as a single key of the imports object, an export only ever as `wasm.NAME` — so
//! anything unexpected keeps its long name and still works.

use anyhow::{Result, bail};

use crate::symbols::{Reader, sections};

const IMPORT_SECTION: u8 = 2;
const EXPORT_SECTION: u8 = 7;

/// The module and glue with short import and export names (see the module documentation).
pub fn shorten(wasm: &[u8], js: &str) -> Result<(Vec<u8>, String)> {
    let mut js = js.to_owned();
    let mut out = wasm[..8].to_vec();
    for section in sections(wasm)? {
        let payload = match section.id {
            IMPORT_SECTION => imports(section.payload, &mut js)?,
            EXPORT_SECTION => exports(section.payload, &mut js)?,
            _ => {
                out.extend_from_slice(&wasm[section.start..section.end]);
                continue;
            }
        };
        out.push(section.id);
        out.extend(leb(payload.len() as u32));
        out.extend(payload);
    }
    Ok((out, js))
}

fn imports(payload: &[u8], js: &mut String) -> Result<Vec<u8>> {
    let mut reader = Reader::new(payload);
    let count = reader.leb()?;
    let mut out = leb(count);
    let mut modules: Vec<(String, String)> = Vec::new();
    let mut next = 0;
    for _ in 0..count {
        let module = reader.name()?;
        let field = reader.name()?;
        let start = reader.at;
        skip_import_kind(&mut reader)?;
        let kind = &payload[start..reader.at];

        let quoted = format!("\"{module}\"");
        let module = match modules.iter().find(|(long, _)| long == module) {
            Some((_, short)) => short.clone(),
            None if words(js, &quoted).len() == 1 => {
                let short = short_name(modules.len());
                replace_at(js, &words(js, &quoted), &quoted, &format!("\"{short}\""));
                modules.push((module.to_owned(), short.clone()));
                short
            }
            None => {
                modules.push((module.to_owned(), module.to_owned()));
                module.to_owned()
            }
        };
        let places = words(js, field);
        let field = if places.len() == 1 && field.starts_with("__wbg") {
            let short = short_name(next);
            next += 1;
            replace_at(js, &places, field, &short);
            short
        } else {
            field.to_owned()
        };
        out.extend(name(&module));
        out.extend(name(&field));
        out.extend_from_slice(kind);
    }
    Ok(out)
}

fn exports(payload: &[u8], js: &mut String) -> Result<Vec<u8>> {
    let mut reader = Reader::new(payload);
    let count = reader.leb()?;
    let mut out = leb(count);
    let mut next = 0;
    for _ in 0..count {
        let export = reader.name()?;
        let start = reader.at;
        reader.byte()?;
        reader.leb()?;
        let kind = &payload[start..reader.at];
        let places = words(js, export);
        // A closure shim also names the glue's own function that calls it (`function NAME(`,
        // then `NAME` where it is handed over): renamed everywhere together it stays one name.
        let shim = export.contains("convert__closures")
            && places.iter().any(|&at| js[..at].ends_with("function "));
        let only_as_property =
            !places.is_empty() && (shim || places.iter().all(|&at| js[..at].ends_with("wasm.")));
        let short = format!("x{}", short_name(next));
        let export = if only_as_property && export.len() > 2 && words(js, &short).is_empty() {
            // `x` first: the import names above are single letters from `a`, and distinct
            // export names are all the module needs.
            next += 1;
            replace_at(js, &places, export, &short);
            short
        } else {
            export.to_owned()
        };
        out.extend(name(&export));
        out.extend_from_slice(kind);
    }
    Ok(out)
}

/// Moves `reader` past an import's description (function, table, memory, global or tag).
fn skip_import_kind(reader: &mut Reader<'_>) -> Result<()> {
    match reader.byte()? {
        0 => {
            reader.leb()?;
        }
        1 => {
            reader.byte()?;
            skip_limits(reader)?;
        }
        2 => skip_limits(reader)?,
        3 => {
            reader.byte()?;
            reader.byte()?;
        }
        4 => {
            reader.byte()?;
            reader.leb()?;
        }
        other => bail!("unknown import kind {other}"),
    }
    Ok(())
}

fn skip_limits(reader: &mut Reader<'_>) -> Result<()> {
    let flags = reader.byte()?;
    reader.leb()?;
    if flags & 1 == 1 {
        reader.leb()?;
    }
    Ok(())
}

/// `a`, `b`, … `z`, `A` … `Z`, `aa`, `ab`, …
fn short_name(mut index: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[index % LETTERS.len()]);
        index /= LETTERS.len();
        if index == 0 {
            break;
        }
        index -= 1;
    }
    name.reverse();
    String::from_utf8(name).expect("letters are ASCII")
}

/// Where `word` stands in `js` as a whole identifier (or, quoted, as a whole string).
fn words(js: &str, word: &str) -> Vec<usize> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    js.match_indices(word)
        .map(|(at, _)| at)
        .filter(|&at| !js[..at].ends_with(ident) && !js[at + word.len()..].starts_with(ident))
        .collect()
}

fn replace_at(js: &mut String, places: &[usize], word: &str, with: &str) {
    for &at in places.iter().rev() {
        js.replace_range(at..at + word.len(), with);
    }
}

/// An unsigned LEB128 number, as a wasm module writes lengths and indices.
pub(crate) fn leb(mut value: u32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// A wasm name: its byte length, then the bytes.
pub(crate) fn name(text: &str) -> Vec<u8> {
    let mut out = leb(text.len() as u32);
    out.extend_from_slice(text.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(id: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![id];
        out.extend(leb(payload.len() as u32));
        out.extend_from_slice(payload);
        out
    }

    /// A module importing two functions from the glue's module and a memory from `env`,
    /// exporting a function and its memory.
    fn module(module: &str, first: &str, second: &str, export: &str, memory: &str) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend(section(1, &[0x01, 0x60, 0x00, 0x00]));
        let mut imports = leb(3);
        for field in [first, second] {
            imports.extend(name(module));
            imports.extend(name(field));
            imports.extend([0x00, 0x00]);
        }
        imports.extend(name("env"));
        imports.extend(name("mem"));
        imports.extend([0x02, 0x01, 0x01, 0x02]); // memory, min 1, max 2
        wasm.extend(section(IMPORT_SECTION, &imports));
        wasm.extend(section(3, &[0x01, 0x00]));
        let mut exports = leb(2);
        exports.extend(name(export));
        exports.extend([0x00, 0x02]);
        exports.extend(name(memory));
        exports.extend([0x02, 0x00]);
        wasm.extend(section(EXPORT_SECTION, &exports));
        wasm.extend(section(10, &[0x01, 0x02, 0x00, 0x0b]));
        wasm
    }

    const GLUE: &str = r#"function getImports() {
    const import0 = {
        __wbg_getItem_49556a3e59cfb688: function(a) { return wasm.__wbindgen_malloc_long_shim(a); },
        __wbg_get_2080c49015e35254: function(a) { return a; },
    };
    return { "./pingan_app_bg.js": import0 };
}
export function start() { wasm.__wbindgen_malloc_long_shim(wasm.memory); }"#;

    #[test]
    fn imports_and_exports_get_short_names_in_both_files() {
        let wasm = module(
            "./pingan_app_bg.js",
            "__wbg_getItem_49556a3e59cfb688",
            "__wbg_get_2080c49015e35254",
            "__wbindgen_malloc_long_shim",
            "memory",
        );
        let (short, js) = shorten(&wasm, GLUE).unwrap();
        assert_eq!(short, module("a", "a", "b", "xa", "xb"));
        assert!(js.contains("a: function(a) { return wasm.xa(a); }"), "{js}");
        assert!(js.contains("b: function(a) { return a; }"), "{js}");
        assert!(js.contains(r#"return { "a": import0 };"#), "{js}");
        // `start` is the glue's own function, not an export of this module: untouched.
        assert!(
            js.ends_with("export function start() { wasm.xa(wasm.xb); }"),
            "{js}"
        );
    }

    #[test]
    fn a_name_the_glue_uses_another_way_keeps_its_long_name() {
        let glue = GLUE.replace(
            "return a; },",
            "return a; }, again: \"__wbg_get_2080c49015e35254\",",
        );
        let wasm = module(
            "./pingan_app_bg.js",
            "__wbg_getItem_49556a3e59cfb688",
            "__wbg_get_2080c49015e35254",
            "__wbindgen_malloc_long_shim",
            "memory",
        );
        let (short, js) = shorten(&wasm, &glue).unwrap();
        assert_eq!(
            short,
            module("a", "a", "__wbg_get_2080c49015e35254", "xa", "xb")
        );
        assert_eq!(js.matches("__wbg_get_2080c49015e35254").count(), 2);
    }

    #[test]
    fn a_closure_shim_and_the_glue_function_named_after_it_are_renamed_together() {
        let shim = "wasm_bindgen_ea5b___convert__closures_____invoke___JsValue___true_";
        let glue =
            format!("function {shim}(a, b) {{ wasm.{shim}(a, b); }}\nconst f = make(1, {shim});");
        let wasm = module(
            "./pingan_app_bg.js",
            "__wbg_getItem_49556a3e59cfb688",
            "__wbg_get_2080c49015e35254",
            shim,
            "memory",
        );
        let (short, js) = shorten(&wasm, &glue).unwrap();
        assert_eq!(
            short,
            module(
                "./pingan_app_bg.js",
                "__wbg_getItem_49556a3e59cfb688",
                "__wbg_get_2080c49015e35254",
                "xa",
                "memory"
            )
        );
        assert_eq!(
            js,
            "function xa(a, b) { wasm.xa(a, b); }\nconst f = make(1, xa);"
        );
    }

    #[test]
    fn short_names_count_in_letters() {
        let names: Vec<String> = [0, 1, 25, 26, 51, 52, 53].map(short_name).to_vec();
        assert_eq!(names, ["a", "b", "z", "A", "Z", "aa", "ab"]);
    }
}
