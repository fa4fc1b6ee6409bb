//! Paging of list calls: page sizes with their defaults and limits, and the keyset page
//! tokens (`{timestamp}.{id}` of the last item listed) that continue a list.

use std::fmt::Display;
use std::str::FromStr;

use super::Violations;

/// How many items one call of a list may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSize {
    /// What a request that does not say (0) gets.
    pub default: i32,
    /// The most one call returns.
    pub max: i32,
}

/// Conversations and messages.
pub const CONVERSATIONS: PageSize = PageSize { default: 50, max: 200 };
/// Messages of a conversation.
pub const MESSAGES: PageSize = PageSize { default: 50, max: 200 };
/// Visitors on the site now.
pub const LIVE_VISITORS: PageSize = PageSize { default: 100, max: 500 };
/// Entries of the audit log.
pub const AUDIT: PageSize = PageSize { default: 50, max: 200 };
/// Background jobs (owners' view).
pub const JOBS: PageSize = PageSize { default: 50, max: 200 };
/// A visitor's page views.
pub const PAGE_VIEWS: PageSize = PageSize { default: 20, max: 100 };
/// Knowledge-base articles.
pub const ARTICLES: PageSize = PageSize { default: 50, max: 100 };
/// Conversations with their figures, for a report's CSV export.
pub const EXPORT: PageSize = PageSize { default: 500, max: 1000 };

impl PageSize {
    /// [`PageSize::parse`] for a request with no other field to check.
    pub fn checked(self, field: &str, requested: i32) -> crate::error::Result<i64> {
        let mut v = Violations::default();
        let size = self.parse(field, requested, &mut v);
        v.into_result(size)
    }

    /// The number of items to list for a request's `page_size` (0: the default), or a
    /// violation on `field`.
    pub fn parse(self, field: &str, requested: i32, v: &mut Violations) -> i64 {
        match requested {
            0 => i64::from(self.default),
            n if (1..=self.max).contains(&n) => i64::from(n),
            _ => {
                v.add(field, format!("must be from 1 to {} (0 for {})", self.max, self.default));
                i64::from(self.default)
            }
        }
    }
}

/// The token that continues a list after the item at (`at`, `id`).
pub fn token(at: i64, id: impl Display) -> String {
    format!("{at}.{id}")
}

/// The position a page token continues after; `None` for an empty token (the first page).
/// A token that is not one this server made is a violation on `field`.
pub fn after<Id: FromStr>(field: &str, token: &str, v: &mut Violations) -> Option<(i64, Id)> {
    if token.is_empty() {
        return None;
    }
    let parsed = token.split_once('.').and_then(|(at, id)| Some((at.parse().ok()?, id.parse().ok()?)));
    if parsed.is_none() {
        v.add(field, "must be a next_page_token from a previous response");
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        let mut v = Violations::default();
        assert_eq!(CONVERSATIONS.parse("page_size", 0, &mut v), 50);
        assert_eq!(CONVERSATIONS.parse("page_size", 200, &mut v), 200);
        assert!(v.into_result(()).is_ok());
        for bad in [-1, 201, i32::MAX, i32::MIN] {
            let mut v = Violations::default();
            CONVERSATIONS.parse("page_size", bad, &mut v);
            assert!(v.into_result(()).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_round_trip_and_foreign_ones_are_violations() {
        let mut v = Violations::default();
        assert_eq!(after::<String>("page_token", "", &mut v), None);
        assert_eq!(after("page_token", &token(17, "cnv_1.x"), &mut v), Some((17, "cnv_1.x".to_owned())));
        assert_eq!(after("page_token", &token(-5, 42_i64), &mut v), Some((-5, 42_i64)));
        assert!(v.into_result(()).is_ok());
        for bad in ["x", "1", ".1", "a.b", "99999999999999999999.1"] {
            let mut v = Violations::default();
            assert_eq!(after::<i64>("page_token", bad, &mut v), None);
            assert!(v.into_result(()).is_err(), "{bad}");
        }
    }
}
