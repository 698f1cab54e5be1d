//! Pages of the ticket list, newest first. A page is found by its key, not an offset:
//! `?before=<cursor>` names the last ticket of the previous page (its receipt time and
//! sequence number), and the database walks the `(received_at_ms, seq)` index from there, so page
//! 1,000 costs what page 1 does and no page loads more rows than it shows.

use std::fmt;
use std::str::FromStr;

use axum::http::StatusCode;
use serde::Deserialize;

use super::api_error::ApiError;
use super::store::StoredTicket;

/// Tickets on a page unless `?limit=` says otherwise.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most tickets one page holds.
pub const MAX_LIMIT: u32 = 200;

/// Where a page starts: just older than this ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub received_at_ms: u64,
    /// The ticket's `seq`: insertion order, unique (SQLite's rowid; PostgreSQL's
    /// identity column).
    pub seq: i64,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.received_at_ms, self.seq)
    }
}

impl FromStr for Cursor {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let (at, seq) = text.split_once('-').ok_or(())?;
        Ok(Self {
            received_at_ms: at.parse().map_err(|_| ())?,
            seq: seq.parse().map_err(|_| ())?,
        })
    }
}

/// Which page to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1..=[`MAX_LIMIT`].
    pub limit: u32,
    /// `None`: the newest tickets.
    pub before: Option<Cursor>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            before: None,
        }
    }
}

impl PageRequest {
    /// The query string of the page after this one, which starts after `next`.
    pub fn next_query(&self, next: Cursor) -> String {
        format!("limit={}&before={next}", self.limit)
    }
}

/// One page of tickets, and where the next one starts (`None`: this is the last).
#[derive(Debug, Clone, PartialEq)]
pub struct TicketPage {
    pub tickets: Vec<StoredTicket>,
    pub next: Option<Cursor>,
}

/// `?limit=&before=` as sent; checked by [`PageQuery::request`].
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageQuery {
    limit: Option<String>,
    before: Option<String>,
}

impl PageQuery {
    /// The page asked for, or a 400 saying what is wrong with the query.
    pub(crate) fn request(&self) -> Result<PageRequest, ApiError> {
        let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, message);
        let limit = match self.limit.as_deref() {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    bad(format!(
                        "limit must be a number from 1 to {MAX_LIMIT}, got {text:?}"
                    ))
                })?,
        };
        let before = match self.before.as_deref() {
            None => None,
            Some(text) => Some(text.parse().map_err(|()| {
                bad(format!(
                    "before must be a cursor from a Link header, got {text:?}"
                ))
            })?),
        };
        Ok(PageRequest { limit, before })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(limit: Option<&str>, before: Option<&str>) -> PageQuery {
        PageQuery {
            limit: limit.map(str::to_owned),
            before: before.map(str::to_owned),
        }
    }

    #[test]
    fn queries_become_page_requests_or_clear_errors() {
        assert_eq!(query(None, None).request().unwrap(), PageRequest::default());
        let page = query(Some("200"), Some("1700000000000-42"))
            .request()
            .unwrap();
        assert_eq!(page.limit, 200);
        assert_eq!(page.before.unwrap().to_string(), "1700000000000-42");
        for (limit, before) in [
            (Some("0"), None),
            (Some("201"), None),
            (Some("x"), None),
            (None, Some("1-")),
            (None, Some("abc")),
        ] {
            assert!(
                query(limit, before).request().is_err(),
                "{limit:?} {before:?}"
            );
        }
    }
}
