//! Building links.

/// Percent-encodes a query-string or path value, spaces as `%20` (the router reads `+` literally).
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Sign in, asked to return to `next` afterwards (when it is a page of this service) and to say
/// why the person was signed out.
pub fn sign_in_returning(next: Option<&str>, inactive: bool) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if inactive {
        query.append_pair("inactive", "1");
    }
    // Home is where Sign in goes anyway.
    let next = next
        .and_then(domain::model::session::return_path)
        .filter(|n| *n != "/");
    if let Some(next) = next {
        query.append_pair("next", next);
    }
    let query = query.finish();
    if query.is_empty() {
        "/sign-in".into()
    } else {
        format!("/sign-in?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_keeps_only_a_page_of_this_service_to_return_to() {
        assert_eq!(
            sign_in_returning(Some("/users?q=staff"), true),
            "/sign-in?inactive=1&next=%2Fusers%3Fq%3Dstaff"
        );
        assert_eq!(
            sign_in_returning(Some("https://evil.example/"), false),
            "/sign-in"
        );
        assert_eq!(sign_in_returning(None, true), "/sign-in?inactive=1");
        assert_eq!(sign_in_returning(Some("/"), false), "/sign-in");
    }
}
