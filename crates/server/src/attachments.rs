//! Screenshots a visitor attaches to a checklist: `PUT
//! /api/tickets/{ticket_id}/attachments/{id}` with the image as the body, shown to
//! agents at `/inbox/attachments/{id}`.
//!
//! An upload is an image from a browser we do not control, so it is decoded under
//! [`limits`] (no decompression bomb) as the type it claims and re-encoded as PNG: only
//! pixels are kept, never the EXIF and location metadata a phone photo carries, nor
//! bytes a browser could sniff as markup. The widget uploads while the visitor is still
//! answering, possibly before the ticket was accepted, so the ticket need not exist yet;
//! the widget makes the id, so a retry is stored once.

use std::io::Cursor;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, metadata::Orientation};
use serde_json::json;

use super::api_error::{ApiError, blocking};
use super::auth::PageAgent;
use super::db::{Table, args};
use super::limits::caps;
use super::request::{BodyRules, read_limited};
use super::state::AppState;
use super::store::{Store, StoreError, now_ms};
use super::ticket_token;
use super::validate::is_id;

/// Largest image accepted: a full-screen screenshot as PNG is well under this.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// Widest and tallest image decoded.
const MAX_SIDE: u32 = 8000;
/// Memory a decoder may allocate, however small the compressed file.
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;

const BODY: BodyRules = BodyRules {
    limit: MAX_ATTACHMENT_BYTES,
    name: "image",
    echo_content_type: true,
};

/// The attachments table (the ticket need not exist yet, so no foreign key).
pub(super) const TABLE: Table = Table {
    sqlite: |conn| {
        Ok(conn.execute_batch(
            "
CREATE TABLE IF NOT EXISTS attachments (
    id             TEXT PRIMARY KEY NOT NULL,
    ticket_id      TEXT NOT NULL,
    png            BLOB NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_ticket ON attachments (ticket_id);
",
        )?)
    },
    postgres: "
CREATE TABLE IF NOT EXISTS attachments (
    id             TEXT PRIMARY KEY NOT NULL,
    ticket_id      TEXT NOT NULL,
    png            BYTEA NOT NULL,
    width          BIGINT NOT NULL,
    height         BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_ticket ON attachments (ticket_id);
",
};

/// The upload route, merged into the inbox's API router (and its CORS).
pub(super) fn api_routes() -> Router<AppState> {
    Router::new().route(
        "/api/tickets/{ticket_id}/attachments/{id}",
        put(put_attachment),
    )
}

/// The route agents see images at, next to `/inbox`.
pub(super) fn page_routes() -> Router<AppState> {
    Router::new().route("/inbox/attachments/{id}", get(get_attachment))
}

/// An image re-encoded as PNG.
struct Png {
    bytes: Vec<u8>,
    width: u32,
    height: u32,
}

/// What storing an attachment id did.
enum Stored {
    Created {
        width: u32,
        height: u32,
    },
    /// The id was stored before for this ticket; the first image is kept.
    Duplicate {
        width: u32,
        height: u32,
    },
    /// The id belongs to another ticket's image.
    OtherTicket,
}

/// `PUT /api/tickets/{ticket_id}/attachments/{id}`: 201 stored, 200 a repeat, 400 bad
/// ids, 409 an id of another ticket, 413 too large, 415 not PNG/JPEG/WebP, 422 bytes
/// that are not an image of the declared type.
async fn put_attachment(
    State(store): State<Store>,
    Path((ticket_id, id)): Path<(String, String)>,
    req: Request,
) -> Result<Response, ApiError> {
    check_ids(&ticket_id, &id)?;
    // Before its ticket arrives an upload needs nothing (the widget may be quicker
    // than the ticket); once the ticket is stored, only its sender may add to it.
    let token = ticket_token::presented(req.headers());
    let given = token.is_some();
    if ticket_token::opens(&store, &ticket_id, token).await? == Some(false) {
        return Err(ticket_token::refused(&ticket_id, given));
    }
    let format = declared_format(req.headers())?;
    let body = read_limited(req.into_body(), &BODY).await?;
    let key = id.clone();
    // Decoding is CPU work on untrusted bytes: off the async workers, like the store.
    let decoded = blocking(
        move || match to_png(&body, format) {
            Ok(png) => insert(&store, &key, &ticket_id, &png).map(Ok),
            Err(err) => Ok(Err(err)),
        },
        "could not store image",
    )
    .await?;
    let stored = decoded.map_err(|err| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("body is not a valid {} image: {err}", format_name(format)),
        )
    })?;
    let (status, answer) = answer(&id, stored)?;
    Ok((status, axum::Json(answer)).into_response())
}

/// The status and JSON body for what [`insert`] did.
fn answer(id: &str, stored: Stored) -> Result<(StatusCode, serde_json::Value), ApiError> {
    let (status, width, height) = match stored {
        Stored::Created { width, height } => (StatusCode::CREATED, width, height),
        Stored::Duplicate { width, height } => (StatusCode::OK, width, height),
        Stored::OtherTicket => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("attachment {id:?} belongs to another ticket; make a new id"),
            ));
        }
    };
    Ok((
        status,
        json!({ "id": id, "width": width, "height": height }),
    ))
}

fn check_ids(ticket_id: &str, id: &str) -> Result<(), ApiError> {
    let bad = |what: &str| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{what} must be 8 to 64 characters of A-Z, a-z, 0-9 and '-'"),
        )
    };
    if !is_id(ticket_id, 8..=64) {
        return Err(bad("ticket id"));
    }
    if !is_id(id, 8..=64) {
        return Err(bad("attachment id"));
    }
    Ok(())
}

/// The image type the Content-Type names; checked before the body is read so a wrong
/// client is told the real problem.
fn declared_format(headers: &HeaderMap) -> Result<ImageFormat, ApiError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = value.split(';').next().unwrap_or("").trim();
    [
        ("image/png", ImageFormat::Png),
        ("image/jpeg", ImageFormat::Jpeg),
        ("image/webp", ImageFormat::WebP),
    ]
    .into_iter()
    .find(|(name, _)| essence.eq_ignore_ascii_case(name))
    .map(|(_, format)| format)
    .ok_or_else(|| {
        let got = if value.is_empty() { "none" } else { value };
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type must be image/png, image/jpeg or image/webp, got {got}"),
        )
    })
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::WebP => "WebP",
        _ => "PNG",
    }
}

/// What a decoder may use: enough for any real screenshot, too little for a bomb.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    limits
}

/// Decodes `bytes` as `format` and re-encodes the pixels as PNG, turned upright first
/// (the EXIF orientation is about to be dropped with the rest of the metadata).
fn to_png(bytes: &[u8], format: ImageFormat) -> image::ImageResult<Png> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    let mut png = Vec::new();
    image.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)?;
    Ok(Png {
        bytes: png,
        width: image.width(),
        height: image.height(),
    })
}

/// Stores `png` under `id` unless the id is taken; in one transaction serialized on
/// the ticket, so the check of its count and of a taken id's ticket cannot race
/// another upload.
fn insert(store: &Store, id: &str, ticket_id: &str, png: &Png) -> Result<Stored, StoreError> {
    store.write(|tx| {
        tx.serialize_on(ticket_id)?;
        caps::check_attachment(tx, store.caps(), ticket_id, id)?;
        let added = tx.execute(
            "INSERT INTO attachments (id, ticket_id, png, width, height, received_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO NOTHING",
            args![id, ticket_id, png.bytes, png.width, png.height, now_ms()],
        )?;
        if added == 1 {
            return Ok(Stored::Created {
                width: png.width,
                height: png.height,
            });
        }
        let row = tx.query_one(
            "SELECT ticket_id, width, height FROM attachments WHERE id = ?1",
            args![id],
        )?;
        let (owner, width, height): (String, u32, u32) = (row.get(0)?, row.get(1)?, row.get(2)?);
        Ok(if owner == ticket_id {
            Stored::Duplicate { width, height }
        } else {
            Stored::OtherTicket
        })
    })
}

/// `GET /inbox/attachments/{id}`: the stored PNG, in a way no browser runs as a page.
async fn get_attachment(
    _agent: PageAgent,
    State(store): State<Store>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let png = if is_id(&id, 8..=64) {
        let key = id.clone();
        blocking(move || load(&store, &key), "could not read image").await?
    } else {
        None
    };
    let png = png.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no such attachment"))?;
    let disposition = format!("inline; filename=\"{id}.png\"");
    let headers = [
        (header::CONTENT_TYPE, "image/png"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_DISPOSITION, disposition.as_str()),
    ];
    Ok((headers, png).into_response())
}

fn load(store: &Store, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    store.read(|tx| {
        tx.query_opt("SELECT png FROM attachments WHERE id = ?1", args![id])?
            .map(|row| row.get(0))
            .transpose()
    })
}
