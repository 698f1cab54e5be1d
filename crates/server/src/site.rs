//! The static site `deflect serve --site` hosts: tower-http's `ServeDir` (precompressed
//! `.gz`/`.br` siblings, ranges, caching headers), held inside the site folder.
//!
//! `ServeDir` refuses `..` but follows symbolic links, so a link left in `dist/` (say
//! to a home directory) would publish whatever it points at. Every file a request could
//! be answered with is resolved first, and a request that would leave the folder gets
//! the same 404 as a missing file, so nothing outside is even revealed to exist.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

/// The files of `dir` as a fallback service; `dir` is resolved once, at start.
pub(super) fn service(dir: PathBuf) -> BoxCloneSyncService<Request, Response, Infallible> {
    let root = Arc::new(std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone()));
    let files = ServeDir::new(dir).precompressed_gzip().precompressed_br();
    BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let files = files.clone();
        let root = Arc::clone(&root);
        async move {
            let accepts = req
                .headers()
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let siblings = [("gzip", ".gz"), ("br", ".br")]
                .into_iter()
                .filter(|(coding, _)| accepts.contains(coding))
                .map(|(_, ext)| ext);
            if leaves_root(&root, req.uri().path(), siblings) {
                return Ok(StatusCode::NOT_FOUND.into_response());
            }
            let immutable = is_content_hashed(req.uri().path());
            let mut response = files
                .oneshot(req)
                .await
                .map(|r| r.map(Body::new))
                .into_response();
            if immutable && response.status().is_success() {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
            }
            Ok(response)
        }
    }))
}

/// How long browsers may keep a file whose name carries its content's hash: for good,
/// since another content gets another name. Article bodies fetched once then open
/// offline.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether the file name carries a content hash as `deflect site` writes them: ten hex
/// digits before the extension (`kb.<hash>.bin`, `articles/<hash>.html`,
/// `postings/<hash>.bin`).
fn is_content_hashed(url_path: &str) -> bool {
    let name = url_path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    parts.next();
    parts
        .next()
        .is_some_and(|hash| hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether any file that could answer `url_path` (itself, its `index.html`, their
/// precompressed siblings with the extensions the client accepts) resolves to a place
/// outside `root`.
fn leaves_root<'a>(
    root: &Path,
    url_path: &str,
    siblings: impl Iterator<Item = &'a str> + Clone,
) -> bool {
    let Some(relative) = relative_path(url_path) else {
        // Not a plain path: ServeDir answers it with 404 by itself.
        return false;
    };
    let base = root.join(relative);
    let candidates = [base.clone(), base.join("index.html")];
    candidates
        .iter()
        .flat_map(|p| {
            std::iter::once("")
                .chain(siblings.clone())
                .map(|ext| append(p, ext))
        })
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .any(|real| !real.starts_with(root))
}

/// The URL path as a relative file path of normal components, percent-decoded as
/// ServeDir decodes it; `None` for anything else (`..`, a drive, a NUL).
fn relative_path(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    let mut out = PathBuf::new();
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        let mut components = Path::new(part).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(c)), None) if !part.contains('\0') => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

fn append(path: &Path, ext: &str) -> PathBuf {
    let mut os = path.as_os_str().to_owned();
    os.push(ext);
    PathBuf::from(os)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_hashed_names_are_cached_for_good() {
        for hashed in [
            "/kb.efebcd5213.bin",
            "/articles/0a1b2c3d4e.html",
            "/postings/0a1b2c3d4e.bin",
            "/engine/deflect_bg.0123456789.wasm",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
        }
        for plain in [
            "/deflect.js",
            "/index.html",
            "/",
            "/manifest.json",
            "/a.b.c",
        ] {
            assert!(!is_content_hashed(plain), "{plain}");
        }
    }

    #[test]
    fn url_paths_become_plain_relative_paths() {
        assert_eq!(relative_path("/"), Some(PathBuf::new()));
        assert_eq!(
            relative_path("/a/b%20c.js"),
            Some(PathBuf::from("a/b c.js"))
        );
        assert_eq!(relative_path("/a/../b"), None);
        assert_eq!(relative_path("/a/%2e%2e/b"), None);
        assert_eq!(relative_path("/a%00"), None);
    }
}
