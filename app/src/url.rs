//! Building links.

/// Percent-encodes a query-string or path value, spaces as `%20` (the router reads `+` literally).
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
