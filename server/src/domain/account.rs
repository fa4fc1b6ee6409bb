//! Roles and the rules for account input (e-mail, password, names).

use super::Violations;

/// A member's role; declared from most to least powerful. Stored and serialized as its
/// lower-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Agent,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }

    /// Whether this role includes everything `required` may do.
    pub fn at_least(self, required: Role) -> bool {
        self <= required
    }
}

/// Who may create a workspace by signing up; the operator chooses (`PORTHOLE_SIGNUP`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignUpPolicy {
    /// Anyone (a hosted service).
    Open,
    /// Whoever creates the server's first workspace; everyone after joins by invitation.
    /// The default: a self-hosted server is one company's, and an open sign-up form on it
    /// would let anyone on the internet store data there.
    FirstWorkspace,
    /// Nobody; people join by invitation only.
    InviteOnly,
}

impl SignUpPolicy {
    /// Parses the setting's value.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "open" => Some(Self::Open),
            "first" => Some(Self::FirstWorkspace),
            "invite-only" => Some(Self::InviteOnly),
            _ => None,
        }
    }
}

/// Longest name of a person, workspace or widget.
pub const MAX_NAME_CHARS: usize = 100;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (bounds the hashing work a request can cause).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// How long a password-reset link works.
pub const PASSWORD_RESET_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Trims and lower-cases an e-mail address, recording a violation if it is not one.
pub fn normalize_email(field: &str, email: &str, violations: &mut Violations) -> String {
    let email = email.trim().to_lowercase();
    if !is_email(&email) {
        violations.add(field, "must be an e-mail address like name@example.com");
    }
    email
}

/// Whether `email` looks like a deliverable address (one `@`, a dotted domain, no spaces).
pub fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Records a violation if `password` is too short or too long.
pub fn check_password(field: &str, password: &str, violations: &mut Violations) {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        violations.add(field, format!("must be at least {MIN_PASSWORD_CHARS} characters"));
    } else if chars > MAX_PASSWORD_CHARS {
        violations.add(field, format!("must be at most {MAX_PASSWORD_CHARS} characters"));
    }
}

/// Trims a display name, recording a violation if empty or longer than `max` characters.
pub fn check_name(field: &str, name: &str, max: usize, violations: &mut Violations) -> String {
    let name = name.trim();
    if name.is_empty() {
        violations.add(field, "must not be empty");
    } else if name.chars().count() > max {
        violations.add(field, format!("must be at most {max} characters"));
    } else if name.chars().any(char::is_control) {
        violations.add(field, "must not contain control characters");
    }
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_order_by_power() {
        assert!(Role::Owner.at_least(Role::Admin));
        assert!(Role::Admin.at_least(Role::Admin));
        assert!(!Role::Agent.at_least(Role::Admin));
        for role in [Role::Owner, Role::Admin, Role::Agent] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn emails() {
        assert!(is_email("a@b.co"));
        for bad in ["", "a", "a@b", "@b.co", "a@b.co ", "a b@c.de", "a@@b.co", "a@.co", "a@co."] {
            assert!(!is_email(bad), "{bad:?}");
        }
        let mut v = Violations::default();
        assert_eq!(normalize_email("email", "  Ann@Example.COM ", &mut v), "ann@example.com");
        assert!(v.into_result(()).is_ok());
    }

    #[test]
    fn passwords_and_names() {
        let mut v = Violations::default();
        check_password("password", "short", &mut v);
        check_name("display_name", "   ", 100, &mut v);
        let err = v.into_result(()).unwrap_err();
        assert!(err.to_string().contains("password: must be at least 8"));
        assert!(err.to_string().contains("display_name: must not be empty"));
    }
}
