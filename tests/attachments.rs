//! Screenshots end to end: uploaded with `PUT /api/tickets/{ticket}/attachments/{id}`
//! to a real server, validated by decoding, stored once as PNG in the SQLite file and
//! served to agents where no browser could run them.

use std::io::Cursor;

use deflect::ticket::Ticket;
use deflect_server::{InboxOptions, MAX_ATTACHMENT_BYTES};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde_json::{Value, json};
use tempfile::TempDir;
use ureq::http::Response;

mod common;
use common::inbox::{Server, agent, error_of, json_of, with_server};

/// A small image with distinct pixels, encoded as `format`.
fn image_bytes(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 40) as u8, (y * 40) as u8, 128])
    });
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(pixels)
        .write_to(&mut Cursor::new(&mut bytes), format)
        .expect("encode test image");
    bytes
}

fn png(width: u32, height: u32) -> Vec<u8> {
    image_bytes(width, height, ImageFormat::Png)
}

/// A JPEG whose EXIF says "rotate 90° clockwise" and carries a location, as a phone
/// photo does.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let jpeg = image_bytes(width, height, ImageFormat::Jpeg);
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec(); // big-endian TIFF, IFD at 8
    exif.extend([0, 1]); // one entry: Orientation (0x0112), SHORT, 1 value: 6
    exif.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    exif.extend([0, 0, 0, 0]); // no next IFD
    exif.extend(b"GPS 51.5072N 0.1276W");
    let mut out = jpeg[..2].to_vec(); // SOI, then the APP1 segment
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend(exif);
    out.extend(&jpeg[2..]);
    out
}

fn put(server: &Server, path: &str, content_type: Option<&str>, body: &[u8]) -> (u16, Value) {
    let mut req = agent().put(server.url(path));
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    json_of(req.send(body).expect("PUT reaches the server"))
}

fn upload(server: &Server, ticket: &str, id: &str, body: &[u8]) -> (u16, Value) {
    let path = format!("/api/tickets/{ticket}/attachments/{id}");
    put(server, &path, Some("image/png"), body)
}

fn get(server: &Server, path: &str) -> Response<ureq::Body> {
    server.read(path)
}

fn header<'a>(resp: &'a Response<ureq::Body>, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// Rows stored for an attachment id, read from the database file itself.
fn rows_of(dir: &TempDir, id: &str) -> u32 {
    let conn = rusqlite::Connection::open(dir.path().join("tickets.db")).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM attachments WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_png_is_stored_once_before_its_ticket_and_served_as_an_inert_png() {
    let (dir, server) = with_server(InboxOptions::default());
    let image = png(3, 2);
    let first = upload(&server, "not-sent-yet-0001", "shot-0001", &image);
    assert_eq!(
        first,
        (201, json!({"id": "shot-0001", "width": 3, "height": 2}))
    );
    let again = upload(&server, "not-sent-yet-0001", "shot-0001", &png(9, 9));
    assert_eq!(
        again,
        (200, json!({"id": "shot-0001", "width": 3, "height": 2})),
        "a repeat keeps the first image"
    );
    assert_eq!(rows_of(&dir, "shot-0001"), 1);

    let mut resp = get(&server, "/inbox/attachments/shot-0001");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(header(&resp, "content-type"), "image/png");
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&resp, "content-security-policy"),
        "default-src 'none'; sandbox"
    );
    assert_eq!(
        header(&resp, "content-disposition"),
        "inline; filename=\"shot-0001.png\""
    );
    let served = resp.body_mut().read_to_vec().unwrap();
    let decoded = image::load_from_memory_with_format(&served, ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (3, 2));
    assert_eq!(decoded.to_rgb8().get_pixel(2, 1), &Rgb([80, 40, 128]));

    assert_eq!(get(&server, "/inbox/attachments/shot-9999").status(), 404);
    assert_eq!(get(&server, "/inbox/attachments/x").status(), 404);
}

#[test]
fn a_jpeg_is_turned_upright_and_loses_its_metadata() {
    let (_dir, server) = with_server(InboxOptions::default());
    let path = "/api/tickets/photo-ticket-0001/attachments/photo-0001";
    let (status, body) = put(&server, path, Some("image/jpeg"), &jpeg_with_exif(4, 2));
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["width"].as_u64(), body["height"].as_u64()),
        (Some(2), Some(4))
    );
    let served = get(&server, "/inbox/attachments/photo-0001")
        .body_mut()
        .read_to_vec()
        .unwrap();
    assert!(served.starts_with(b"\x89PNG"));
    let has = |needle: &[u8]| served.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"GPS") && !has(b"Exif"), "metadata kept");
}

#[test]
fn what_is_not_an_image_of_its_type_is_refused() {
    let (dir, server) = with_server(InboxOptions::default());
    let ticket = "refusals-0001";
    let html = b"<!doctype html><script>alert(1)</script>";
    let (status, body) = upload(&server, ticket, "html-0001", html);
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body).contains("not a valid PNG image"), "{body}");

    let jpeg = image_bytes(2, 2, ImageFormat::Jpeg);
    assert_eq!(upload(&server, ticket, "jpeg-as-png1", &jpeg).0, 422);
    // Wider than any screenshot: refused before its pixels are allocated.
    assert_eq!(
        upload(&server, ticket, "too-wide-0001", &png(8001, 1)).0,
        422
    );

    let path = format!("/api/tickets/{ticket}/attachments/typed-0001");
    for bad in [Some("text/html"), Some("image/gif"), None] {
        let (status, body) = put(&server, &path, bad, &png(1, 1));
        assert_eq!(status, 415, "{bad:?}: {body}");
        assert!(error_of(&body).contains("image/png"), "{body}");
    }

    for path in [
        "/api/tickets/short/attachments/valid-id-0001",
        "/api/tickets/refusals-0001/attachments/short",
        "/api/tickets/refusals-0001/attachments/has_underscore",
    ] {
        let (status, body) = put(&server, path, Some("image/png"), &png(1, 1));
        assert_eq!(status, 400, "{path}: {body}");
    }
    for id in ["html-0001", "jpeg-as-png1", "too-wide-0001", "typed-0001"] {
        assert_eq!(rows_of(&dir, id), 0, "{id}");
    }
}

#[test]
fn an_image_is_at_most_5_mib() {
    let (_dir, server) = with_server(InboxOptions::default());
    // A valid image padded to the limit exactly: a decoder stops at its end marker.
    let mut at_limit = png(2, 2);
    at_limit.resize(MAX_ATTACHMENT_BYTES, 0);
    let (status, body) = upload(&server, "big-image-0001", "at-limit-0001", &at_limit);
    assert_eq!(status, 201, "{body}");

    let mut over = png(2, 2);
    over.resize(MAX_ATTACHMENT_BYTES + 1, 0);
    let (status, body) = upload(&server, "big-image-0001", "over-limit-0001", &over);
    assert_eq!(status, 413, "{body}");
    assert!(error_of(&body).contains("limit"), "{body}");
}

#[test]
fn an_attachment_id_belongs_to_one_ticket() {
    let (dir, server) = with_server(InboxOptions::default());
    assert_eq!(
        upload(&server, "owner-0001", "shared-id-0001", &png(1, 1)).0,
        201
    );
    let (status, body) = upload(&server, "intruder-0001", "shared-id-0001", &png(1, 1));
    assert_eq!(status, 409, "{body}");
    assert!(error_of(&body).contains("another ticket"), "{body}");
    assert_eq!(rows_of(&dir, "shared-id-0001"), 1);
}

#[test]
fn the_inbox_page_shows_screenshots_given_in_details_and_follow_ups() {
    let (_dir, server) = with_server(InboxOptions::default());
    assert_eq!(
        upload(&server, "with-shots-0001", "ticket-shot-1", &png(2, 2)).0,
        201
    );
    assert_eq!(
        upload(&server, "with-shots-0001", "later-shot-01", &png(2, 2)).0,
        201
    );
    let mut ticket = Ticket::example("with-shots-0001");
    ticket.details.insert(
        "screenshot".to_owned(),
        "attachment:ticket-shot-1".to_owned(),
    );
    ticket
        .details
        .insert("note".to_owned(), "attachment:\"><b>x</b>".to_owned());
    let token = server.post_ticket_for_token(&ticket);
    let follow_up = json!({
        "schema_version": 2, "id": "with-shots-0001-5", "ticket_id": "with-shots-0001",
        "at_ms": 1, "text": "Screenshot: attached", "details": {"error_shot": "attachment:later-shot-01"},
    });
    let (status, body) = server.post_follow_up(&follow_up, Some(&token));
    assert_eq!(status, 201, "{body}");

    let resp = get(&server, "/inbox");
    let csp = header(&resp, "content-security-policy").to_owned();
    assert!(csp.contains("img-src 'self'"), "{csp}");
    let (_, page) = server.get_text("/inbox");
    for id in ["ticket-shot-1", "later-shot-01"] {
        let img = format!("<img class=\"shot\" src=\"/inbox/attachments/{id}\" alt=\"Screenshot");
        assert!(page.contains(&img), "no {img} in {page}");
    }
    // Only a well-formed reference becomes an image; anything else stays escaped text.
    assert!(
        page.contains("attachment:&quot;&gt;&lt;b&gt;x&lt;/b&gt;"),
        "{page}"
    );
    assert!(!page.contains("<b>x</b>"));
}

#[test]
fn cors_allows_the_upload_from_an_allowed_origin() {
    let (_dir, server) = with_server(InboxOptions {
        allowed_origins: vec!["https://shop.example".to_owned()],
        ..InboxOptions::default()
    });
    let path = "/api/tickets/cors-shot-0001/attachments/cors-shot-0001";
    let preflight = agent()
        .options(server.url(path))
        .header("Origin", "https://shop.example")
        .header("Access-Control-Request-Method", "PUT")
        .header("Access-Control-Request-Headers", "content-type")
        .call()
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert!(header(&preflight, "access-control-allow-methods").contains("PUT"));

    let resp = agent()
        .put(server.url(path))
        .header("Origin", "https://shop.example")
        .header("Content-Type", "image/png")
        .send(&png(1, 1)[..])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(
        header(&resp, "access-control-allow-origin"),
        "https://shop.example"
    );
}
