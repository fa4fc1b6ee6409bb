//! The rules for teams: a name, at most [`MAX_MEMBERS`] members, at most [`MAX_TEAMS`] per
//! workspace. Who is in a team decides routing (`store::queries` `route_queue`).

use super::Violations;
use super::id::UserId;

/// Longest team name, in characters.
pub const MAX_NAME_CHARS: usize = 60;
/// Most teams one workspace may have.
pub const MAX_TEAMS: i64 = 50;
/// Most members a team lists.
pub const MAX_MEMBERS: usize = 200;

/// A team's members from a request: each parsed as a user id (a bad one is reported by
/// position), repeats dropped, at most [`MAX_MEMBERS`]. Whether each is a member of the
/// workspace is the store's to check.
pub fn members(field: &str, requested: &[String], violations: &mut Violations) -> Vec<UserId> {
    if requested.len() > MAX_MEMBERS {
        violations.add(field, format!("at most {MAX_MEMBERS} members (this request has {})", requested.len()));
        return Vec::new();
    }
    let mut out: Vec<UserId> = Vec::with_capacity(requested.len());
    for (i, id) in requested.iter().enumerate() {
        match UserId::parse(id.trim()) {
            Ok(id) if !out.contains(&id) => out.push(id),
            Ok(_) => {}
            Err(_) => violations.add(format!("{field}[{i}]"), "must be a member's user id (usr_…)"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_parsed_deduplicated_and_bounded() {
        let mut v = Violations::default();
        let a = UserId::new();
        let out = members("m", &[a.to_string(), format!(" {a} "), "nope".into()], &mut v);
        assert_eq!(out, vec![a]);
        assert_eq!(v.0.len(), 1);
        assert_eq!(v.0[0].field, "m[2]");
        let mut v = Violations::default();
        assert!(members("m", &vec![String::new(); MAX_MEMBERS + 1], &mut v).is_empty());
        assert_eq!(v.0.len(), 1, "one violation for the count, none per item");
    }
}
