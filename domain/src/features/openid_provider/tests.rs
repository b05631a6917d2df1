use super::*;

#[test]
fn the_s256_challenge_is_rfc_7636s_own_example() {
    // RFC 7636, appendix B.
    assert_eq!(
        s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[test]
fn pkce_values_are_43_to_128_unreserved_characters() {
    assert!(pkce_shaped(&"a".repeat(43)));
    assert!(pkce_shaped(&"A-._~9".repeat(20)));
    assert!(!pkce_shaped(&"a".repeat(42)));
    assert!(!pkce_shaped(&"a".repeat(129)));
    assert!(!pkce_shaped(&format!("{}+", "a".repeat(43))));
}

#[test]
fn a_prompt_or_scope_word_is_matched_whole() {
    assert!(has("openid selectedrole", "selectedrole"));
    assert!(!has("openid selectedroles", "selectedrole"));
    assert!(!has("openidx", "openid"));
}

#[test]
fn secrets_are_compared_whole() {
    assert!(constant_time_eq("abc", "abc"));
    assert!(!constant_time_eq("abc", "abd"));
    assert!(!constant_time_eq("abc", "abcd"));
}

#[test]
fn the_assurance_follows_the_second_factor() {
    assert_eq!(acr_of("pwd"), "aal1");
    assert_eq!(acr_of("pwd otp"), "aal2");
    assert_eq!(acr_of("pwd hwk"), "aal2");
    assert_eq!(amr_list("pwd otp"), vec!["pwd", "otp"]);
}

#[test]
fn a_role_code_is_its_name_in_lower_case_with_underscores() {
    assert_eq!(role_code("Commissioning Finance"), "commissioning_finance");
    assert_eq!(
        role_code("Commissioning User (tier 1)"),
        "commissioning_user_tier_1"
    );
}
