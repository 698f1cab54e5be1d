//! Assembling the static site: the creator's pages, the loader with its manifest, and
//! the widget, engine and index under content-hashed names (cached forever by browsers
//! and CDNs), each pre-compressed with gzip and brotli.
//!
//! Only `deflect.js` (the loader the creator's tag points at) keeps a stable name; it
//! carries the manifest that names everything else, so a KB-only rebuild rewrites the
//! index file and the loader and leaves the engine untouched.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use deflect_compile::{FRAGMENT_DIR, SHARD_DIR, fragments, gzip, split_if_large};

use deflect_engine::model::Kb;

/// Placeholder in the bundled loader replaced by the manifest JSON: an expression
/// esbuild keeps through minification (`scripts/build-widget.mjs` checks it is there
/// exactly once).
pub const MANIFEST_TOKEN: &str = "self.__DEFLECT_MANIFEST__";
const LOADER: &str = "deflect.js";
const WIDGET: &str = "widget.js";
/// Files wasm-bindgen writes for the engine.
const ENGINE_JS: &str = "deflect.js";
const ENGINE_WASM: &str = "deflect_bg.wasm";

/// Where things come from and go to.
pub struct SiteInputs<'a> {
    /// The creator's pages, copied as they are.
    pub www: &'a Path,
    /// The loader and widget bundled by `scripts/build-widget.mjs`.
    pub widget: &'a Path,
    /// wasm-bindgen's `--out-dir`.
    pub engine: &'a Path,
    pub out: &'a Path,
}

/// What was written, relative to the output folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Manifest {
    pub widget: String,
    pub engine_js: String,
    pub engine_wasm: String,
    pub index: String,
    /// The folder of the article bodies (content-hashed fragments), with its slash.
    pub articles: String,
    /// The folder of the postings shards of a KB large enough to split (the engine's
    /// bundle names the files), with its slash.
    pub postings: String,
    pub settings: serde_json::Value,
}

/// Writes the whole site.
pub fn build_site(kb: &Kb, bundle: &[u8], inputs: &SiteInputs<'_>) -> std::io::Result<Manifest> {
    fs::create_dir_all(inputs.out)?;
    for entry in fs::read_dir(inputs.www)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.path().is_file() && name != LOADER && name != WIDGET && !name.starts_with('.') {
            write_compressed(&inputs.out.join(&name), &fs::read(entry.path())?)?;
        }
    }
    let engine_dir = inputs.out.join("engine");
    remove_hashed(&engine_dir, "deflect.")?;
    remove_hashed(&engine_dir, "deflect_bg.")?;
    remove_hashed(inputs.out, "widget.")?;
    let engine_js = write_hashed(
        &engine_dir,
        ENGINE_JS,
        &fs::read(inputs.engine.join(ENGINE_JS))?,
    )?;
    let engine_wasm = write_hashed(
        &engine_dir,
        ENGINE_WASM,
        &fs::read(inputs.engine.join(ENGINE_WASM))?,
    )?;
    let widget = write_hashed(inputs.out, WIDGET, &fs::read(inputs.widget.join(WIDGET))?)?;
    let manifest = Manifest {
        widget,
        engine_js: format!("engine/{engine_js}"),
        engine_wasm: format!("engine/{engine_wasm}"),
        index: String::new(),
        articles: String::new(),
        postings: String::new(),
        settings: serde_json::Value::Null,
    };
    write_index(kb, bundle, inputs.widget, inputs.out, manifest)
}

/// Writes a new index file and the loader that names it; the engine is not touched.
/// This is what `deflect index` runs after a KB edit.
pub fn rebuild_index(
    kb: &Kb,
    bundle: &[u8],
    widget: &Path,
    out: &Path,
) -> std::io::Result<Manifest> {
    let manifest_path = out.join("manifest.json");
    let previous = fs::read_to_string(&manifest_path).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!(
                "{}: {e}; build the whole site first (npm start)",
                manifest_path.display()
            ),
        )
    })?;
    let previous: serde_json::Value =
        serde_json::from_str(&previous).map_err(std::io::Error::other)?;
    let field = |k: &str| previous[k].as_str().unwrap_or_default().to_string();
    let manifest = Manifest {
        widget: field("widget"),
        engine_js: field("engine_js"),
        engine_wasm: field("engine_wasm"),
        index: String::new(),
        articles: String::new(),
        postings: String::new(),
        settings: serde_json::Value::Null,
    };
    write_index(kb, bundle, widget, out, manifest)
}

fn write_index(
    kb: &Kb,
    bundle: &[u8],
    widget: &Path,
    out: &Path,
    mut manifest: Manifest,
) -> std::io::Result<Manifest> {
    remove_hashed(out, "kb.")?;
    let split = split_if_large(bundle).map_err(std::io::Error::other)?;
    let (bundle, shards) = match &split {
        Some(split) => (split.bundle.as_slice(), split.shards.as_slice()),
        None => (bundle, &[][..]),
    };
    manifest.index = write_hashed(out, "kb.bin", bundle)?;
    let bodies = fragments(kb)
        .into_iter()
        .map(|(n, html)| (n, html.as_bytes()));
    manifest.articles = write_content_files(out, FRAGMENT_DIR, bodies.collect())?;
    let shards = shards
        .iter()
        .map(|(n, bytes)| (n.as_str(), bytes.as_slice()));
    manifest.postings = write_content_files(out, SHARD_DIR, shards.collect())?;
    let s = &kb.settings;
    // A warning, not an error: the brand colour is the creator's to choose.
    for warning in deflect_compile::contrast::brand_color_warnings(&s.brand_color) {
        eprintln!("warning: kb/settings.toml: {warning}");
    }
    manifest.settings = serde_json::json!({
        "brand_name": s.brand_name,
        "greeting": s.greeting,
        "brand_color": s.brand_color,
        "response_time": s.response_time,
        "ticket_endpoint": s.ticket_endpoint,
        "default_lang": s.default_lang,
        "languages": s.languages,
    });
    let manifest_json = serde_json::to_string(&manifest).map_err(std::io::Error::other)?;
    let loader = fs::read_to_string(widget.join(LOADER))?;
    if !loader.contains(MANIFEST_TOKEN) {
        return Err(std::io::Error::other(format!(
            "{} lacks the manifest placeholder {MANIFEST_TOKEN}",
            widget.join(LOADER).display()
        )));
    }
    // `</` cannot end a script element in JSON embedded in JS; escape it anyway.
    let loader = loader.replace(MANIFEST_TOKEN, &manifest_json.replace("</", "<\\/"));
    write_compressed(&out.join(LOADER), loader.as_bytes())?;
    fs::write(
        out.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?,
    )?;
    Ok(manifest)
}

/// Writes content-hashed `files` (name to bytes: article bodies, postings shards) to
/// folder `dir` and removes the ones no longer named; returns the folder, as the
/// manifest names it.
fn write_content_files(
    out: &Path,
    dir: &str,
    files: BTreeMap<&str, &[u8]>,
) -> std::io::Result<String> {
    let folder = out.join(dir);
    fs::create_dir_all(&folder)?;
    for entry in fs::read_dir(&folder)?.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let file = [".gz", ".br"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
            .unwrap_or(&name);
        if !files.contains_key(file) {
            fs::remove_file(entry.path())?;
        }
    }
    for (name, bytes) in files {
        let path = folder.join(name);
        // Content-hashed: a file already there (its brotli sibling is written last)
        // holds these very bytes.
        if !with_suffix(&path, ".br").exists() {
            write_compressed(&path, bytes)?;
        }
    }
    Ok(format!("{dir}/"))
}

/// The largest fragment in `dir` (name and bytes), if there is one: what opening one
/// article can cost a visitor.
pub fn largest_file(dir: &Path) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut largest: Option<(u64, PathBuf)> = None;
    for entry in entries.flatten() {
        let path = entry.path();
        let size = entry.metadata()?.len();
        let is_fragment = path.extension().is_some_and(|e| e == "html");
        if is_fragment && largest.as_ref().is_none_or(|(most, _)| size > *most) {
            largest = Some((size, path));
        }
    }
    largest
        .map(|(_, path)| {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            Ok((name, fs::read(&path)?))
        })
        .transpose()
}

/// The postings shards of a site, all together.
pub struct ShardTotals {
    pub files: usize,
    pub bytes: usize,
    /// Their `.gz` siblings' bytes.
    pub gzip: usize,
}

/// The shard files in `dir` (`None` if there are none: the KB was not split).
pub fn shard_totals(dir: &Path) -> std::io::Result<Option<ShardTotals>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut totals = ShardTotals {
        files: 0,
        bytes: 0,
        gzip: 0,
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "bin") {
            totals.files += 1;
            totals.bytes += entry.metadata()?.len() as usize;
            totals.gzip += fs::metadata(with_suffix(&path, ".gz"))?.len() as usize;
        }
    }
    Ok((totals.files > 0).then_some(totals))
}

/// Writes `name` as `stem.<hash>.ext` and returns that file name.
fn write_hashed(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<String> {
    fs::create_dir_all(dir)?;
    let hash = deflect_compile::content_hash(bytes);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let hashed = format!("{stem}.{hash}.{ext}");
    write_compressed(&dir.join(&hashed), bytes)?;
    Ok(hashed)
}

/// Writes a file with `.gz` and `.br` siblings for servers that serve them as they are.
fn write_compressed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    fs::write(path, bytes)?;
    if !is_compressible(path) {
        return Ok(());
    }
    fs::write(with_suffix(path, ".gz"), gzip(bytes)?)?;
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    fs::write(with_suffix(path, ".br"), br)
}

fn is_compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("js" | "wasm" | "html" | "css" | "bin" | "json" | "svg" | "txt")
    )
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Removes earlier hashed copies (and their compressed siblings) of one file.
fn remove_hashed(dir: &Path, prefix: &str) -> std::io::Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        // `stem.<10 hex>.ext…`
        let looks_hashed = rest.len() > 11
            && rest.as_bytes()[10] == b'.'
            && rest[..10].bytes().all(|b| b.is_ascii_hexdigit());
        if looks_hashed {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_kb() -> Kb {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
        deflect_compile::compile_dir(&dir).expect("valid KB").kb
    }

    #[test]
    fn each_body_is_written_once_as_its_fragment_and_stale_ones_go() {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join(FRAGMENT_DIR);
        fs::create_dir_all(&dir).unwrap();
        for stale in [
            "0123456789.html",
            "0123456789.html.gz",
            "0123456789.html.br",
        ] {
            fs::write(dir.join(stale), "an edited body").unwrap();
        }
        let kb = sample_kb();
        let bodies = fragments(&kb).into_iter().map(|(n, h)| (n, h.as_bytes()));
        let written = write_content_files(out.path(), FRAGMENT_DIR, bodies.collect());
        assert_eq!(written.unwrap(), "articles/");
        for article in &kb.articles {
            let path = dir.join(&article.fragment);
            assert_eq!(fs::read_to_string(&path).unwrap(), article.html);
            assert!(with_suffix(&path, ".gz").exists() && with_suffix(&path, ".br").exists());
        }
        assert!(!dir.join("0123456789.html").exists(), "a stale body stays");
        let written = fs::read_dir(&dir).unwrap().count();
        assert_eq!(written, 3 * fragments(&kb).len());
    }

    #[test]
    fn the_largest_fragment_is_found() {
        let out = tempfile::tempdir().unwrap();
        assert!(largest_file(out.path()).unwrap().is_none());
        fs::write(out.path().join("aaaaaaaaaa.html"), "<p>short</p>").unwrap();
        fs::write(out.path().join("bbbbbbbbbb.html"), "<p>a longer body</p>").unwrap();
        fs::write(out.path().join("bbbbbbbbbb.html.gz"), vec![0; 100]).unwrap();
        let (name, bytes) = largest_file(out.path()).unwrap().unwrap();
        assert_eq!((name.as_str(), bytes.len()), ("bbbbbbbbbb.html", 20));
    }
}
