//! The knowledge base's rules: what an article's fields may be, how a search query becomes
//! words, and the excerpt shown with a match (the same on both databases, as it is made
//! here rather than by each database's highlighter).

use super::Violations;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest body, in characters.
pub const MAX_BODY_CHARS: usize = 50_000;
/// Most tags on an article.
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// Longest URL, in characters.
pub const MAX_URL_CHARS: usize = 2000;
/// Most articles in a workspace.
pub const MAX_ARTICLES: i64 = 5_000;
/// Longest search query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words of a query that are searched for (the rest are ignored).
pub const MAX_QUERY_WORDS: usize = 32;
/// Most results of one search.
pub const MAX_RESULTS: i64 = 20;
/// Results when the caller does not say.
pub const DEFAULT_RESULTS: i64 = 5;
/// About how long an excerpt is, in characters.
pub const EXCERPT_CHARS: usize = 300;

/// Trims a title; records a violation unless it has 1 to 200 characters and no control
/// characters.
pub fn check_title(field: &str, title: &str, v: &mut Violations) -> String {
    let title = title.trim();
    let chars = title.chars().count();
    if chars == 0 {
        v.add(field, "must not be empty");
    } else if chars > MAX_TITLE_CHARS {
        v.add(field, format!("must be at most {MAX_TITLE_CHARS} characters (it has {chars})"));
    } else if title.chars().any(char::is_control) {
        v.add(field, "must not contain control characters such as line breaks");
    }
    title.to_owned()
}

/// Keeps a body verbatim; records a violation unless it has 1 to 50,000 characters and
/// more than white space.
pub fn check_body(field: &str, body: &str, v: &mut Violations) -> String {
    let chars = body.chars().count();
    if body.trim().is_empty() {
        v.add(field, "must not be empty");
    } else if chars > MAX_BODY_CHARS {
        v.add(field, format!("must be at most {MAX_BODY_CHARS} characters (it has {chars})"));
    }
    body.to_owned()
}

/// Lowercases, trims and de-duplicates tags (first occurrence kept); records a violation
/// for too many or a bad one.
pub fn check_tags(field: &str, tags: &[String], v: &mut Violations) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let tag = tag.trim().to_lowercase();
        let chars = tag.chars().count();
        if chars == 0 || chars > MAX_TAG_CHARS {
            v.add(format!("{field}[{i}]"), format!("must have 1 to {MAX_TAG_CHARS} characters"));
        } else if !tag.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' ')) {
            v.add(format!("{field}[{i}]"), "may only contain letters, digits, \"-\", \"_\" and spaces");
        } else if !kept.contains(&tag) {
            kept.push(tag);
        }
    }
    if kept.len() > MAX_TAGS {
        v.add(field, format!("at most {MAX_TAGS} tags (there are {})", kept.len()));
    }
    kept
}

/// Trims a URL; records a violation unless it is empty or an absolute http(s) URL of at
/// most 2000 characters without spaces.
pub fn check_url(field: &str, url: &str, v: &mut Violations) -> String {
    let url = url.trim();
    if url.is_empty() {
        return String::new();
    }
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    if url.chars().count() > MAX_URL_CHARS {
        v.add(field, format!("must be at most {MAX_URL_CHARS} characters"));
    } else if rest.is_none_or(|rest| rest.is_empty() || rest.starts_with('/')) {
        v.add(field, "must be an absolute http:// or https:// address, e.g. https://example.com/help/refunds");
    } else if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        v.add(field, "must not contain spaces or control characters");
    }
    url.to_owned()
}

/// The words of a search query: runs of letters and digits, lowercased, de-duplicated,
/// at most [`MAX_QUERY_WORDS`]. Nothing else of the query reaches the database, so its
/// search syntax (quotes, `NEAR`, `:`, `*`, `|`, `!`) cannot be used or break a search.
pub fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if !words.contains(&word) {
            words.push(word);
        }
        if words.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    words
}

/// About [`EXCERPT_CHARS`] characters of `body` as plain text, around the first place a
/// query word (or a word starting like it, for stemmed matches) occurs; the start of the
/// body when none does. "…" marks a cut.
pub fn excerpt(body: &str, words: &[String]) -> String {
    let text = plain_text(body);
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase().next()).collect();
    let found = words
        .iter()
        .filter_map(|word| {
            // "refunds" also finds "refund…": a stemmer's match shares the stem.
            let stem: Vec<char> = word.chars().take(word.chars().count().clamp(1, 5)).collect();
            lower.windows(stem.len()).position(|w| w == stem.as_slice())
        })
        .min()
        .unwrap_or(0);
    let start = found.saturating_sub(EXCERPT_CHARS / 3);
    // Start at a word.
    let start = if start == 0 { 0 } else { (start..found).find(|&i| chars[i - 1].is_whitespace()).unwrap_or(start) };
    let end = (start + EXCERPT_CHARS).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Markdown as plain text, roughly: marks of emphasis, headings, code and links dropped,
/// white space collapsed.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '_' | '`' | '#' | '>' => {}
            // `[text](url)`: keep the text, drop the address.
            ']' if chars.peek() == Some(&'(') => {
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                }
            }
            '[' | ']' => {}
            c if c.is_whitespace() => {
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields named, in order.
    fn fields(v: Violations) -> Vec<String> {
        match v.into_result(()) {
            Ok(()) => Vec::new(),
            Err(crate::error::Error::InvalidArgument(found)) => found.into_iter().map(|f| f.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn queries_become_plain_words() {
        assert_eq!(
            query_words("How do I get a REFUND? \"refund\" NEAR(x) a:b*"),
            ["how", "do", "i", "get", "a", "refund", "near", "x", "b"]
        );
        assert!(query_words("!!! ... ***").is_empty());
        assert_eq!(query_words("Rückgabe über 30 Tage"), ["rückgabe", "über", "30", "tage"]);
        assert_eq!(query_words(&"w ".repeat(100)).len(), 1);
        let many: String = (0..100).map(|i| format!("word{i} ")).collect();
        assert_eq!(query_words(&many).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn excerpts_show_the_first_match_as_plain_text() {
        let body = format!(
            "# Refunds\n\n{} You can get a **refund** within [30 days](https://x.example/terms).",
            "Intro. ".repeat(80)
        );
        let cut = excerpt(&body, &["refunds".to_owned()]);
        assert!(cut.starts_with("Refunds Intro."), "{cut}");
        let cut = excerpt(&body, &["days".to_owned()]);
        assert!(cut.starts_with('…') && cut.ends_with("within 30 days."), "{cut}");
        assert!(!cut.contains("https") && !cut.contains('*'));
        assert_eq!(excerpt("short", &["nothing".to_owned()]), "short");
        assert!(excerpt(&"long ".repeat(200), &[]).ends_with('…'));
    }

    #[test]
    fn fields_are_checked() {
        let mut v = Violations::default();
        assert_eq!(
            check_tags("tags", &[" Billing ".into(), "billing".into(), "Pay-ments".into()], &mut v),
            ["billing", "pay-ments"]
        );
        assert!(fields(v).is_empty());
        let mut v = Violations::default();
        check_tags("tags", &["a,b".into(), String::new()], &mut v);
        check_url("url", "ftp://x", &mut v);
        check_url("url", "https://", &mut v);
        check_title("title", "  ", &mut v);
        check_body("body", " \n ", &mut v);
        assert_eq!(fields(v), ["tags[0]", "tags[1]", "url", "url", "title", "body"]);
        let mut ok = Violations::default();
        assert_eq!(check_url("url", " https://help.example/refunds ", &mut ok), "https://help.example/refunds");
        assert!(fields(ok).is_empty());
    }
}
