//! The rules for canned responses: what a shortcut, title and body may be.

use super::Violations;

/// Longest shortcut, in characters.
pub const MAX_SHORTCUT_CHARS: usize = 32;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest body, in characters.
pub const MAX_BODY_CHARS: usize = 5000;

/// Trims a shortcut and records a violation unless it is 1 to 32 of `a`–`z`, `0`–`9`, `-`
/// and `_` (what the composer recognises after `/`).
pub fn check_shortcut(field: &str, shortcut: &str, violations: &mut Violations) -> String {
    let shortcut = shortcut.trim();
    let chars = shortcut.chars().count();
    if chars == 0 {
        violations.add(field, "must not be empty");
    } else if chars > MAX_SHORTCUT_CHARS {
        violations.add(field, format!("must be at most {MAX_SHORTCUT_CHARS} characters"));
    } else if shortcut.starts_with('/') {
        violations.add(field, "leave out the leading \"/\": agents type it, it is not part of the shortcut");
    } else if !shortcut.chars().all(is_shortcut_char) {
        violations.add(field, "may only contain lowercase letters a-z, digits, \"-\" and \"_\"");
    }
    shortcut.to_owned()
}

/// Whether `c` may appear in a shortcut.
pub fn is_shortcut_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
}

/// Trims an optional title (empty means none) and records a violation if it is too long
/// or contains control characters.
pub fn check_title(field: &str, title: &str, violations: &mut Violations) -> String {
    let title = title.trim();
    if title.chars().count() > MAX_TITLE_CHARS {
        violations.add(field, format!("must be at most {MAX_TITLE_CHARS} characters"));
    } else if title.chars().any(char::is_control) {
        violations.add(field, "must not contain control characters such as line breaks");
    }
    title.to_owned()
}

/// Records a violation unless `body` has 1 to 5000 characters and more than white space.
/// The body is kept verbatim (leading spaces and line breaks may be intended).
pub fn check_body(field: &str, body: &str, violations: &mut Violations) -> String {
    let chars = body.chars().count();
    if body.trim().is_empty() {
        violations.add(field, "must not be empty");
    } else if chars > MAX_BODY_CHARS {
        violations.add(field, format!("must be at most {MAX_BODY_CHARS} characters (it has {chars})"));
    }
    body.to_owned()
}

/// What to tell a person whose shortcut another canned response of the workspace uses.
pub fn shortcut_taken(shortcut: &str) -> String {
    format!("\"/{shortcut}\" is already used by another canned response; choose another")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(check: impl FnOnce(&mut Violations)) -> String {
        let mut v = Violations::default();
        check(&mut v);
        v.into_result(()).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn shortcuts() {
        for good in ["hi", "a", "refund-policy", "thanks_2", &"x".repeat(32)] {
            assert_eq!(fields(|v| assert_eq!(check_shortcut("shortcut", good, v), good)), "", "{good:?}");
        }
        assert_eq!(fields(|v| assert_eq!(check_shortcut("shortcut", " hi ", v), "hi")), "");
        for bad in ["", "  ", "Hi", "/hi", "two words", "ümlaut", "dot.ted", &"x".repeat(33)] {
            assert!(
                fields(|v| drop(check_shortcut("shortcut", bad, v))).starts_with("invalid request: shortcut:"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn titles_and_bodies() {
        assert_eq!(fields(|v| assert_eq!(check_title("title", "  Greeting ", v), "Greeting")), "");
        assert_eq!(fields(|v| drop(check_title("title", "", v))), "");
        assert!(fields(|v| drop(check_title("title", &"t".repeat(101), v))).contains("title: must be at most 100"));
        assert!(fields(|v| drop(check_title("title", "a\nb", v))).contains("title: must not contain"));

        let verbatim = "  Hi {{visitor.name}},\n\nthanks!\n";
        assert_eq!(fields(|v| assert_eq!(check_body("body", verbatim, v), verbatim)), "");
        assert_eq!(fields(|v| drop(check_body("body", &"é".repeat(5000), v))), "");
        assert!(fields(|v| drop(check_body("body", " \n ", v))).contains("body: must not be empty"));
        assert!(fields(|v| drop(check_body("body", &"b".repeat(5001), v))).contains("body: must be at most 5000"));
    }
}
