use super::*;

#[test]
fn a_reset_needs_a_reason_of_at_most_250_characters() {
    assert!(matches!(
        reset_reason("  "),
        Err(TwoFactorError::ReasonMissing)
    ));
    assert!(matches!(
        reset_reason(&"x".repeat(REASON_MAX + 1)),
        Err(TwoFactorError::ReasonTooLong)
    ));
    assert_eq!(
        reset_reason("  Lost phone, checked by call-back  ")
            .ok()
            .as_deref(),
        Some("Lost phone, checked by call-back")
    );
}

#[test]
fn the_audit_says_which_method_was_used() {
    assert_eq!(article(Method::App), "an authenticator app");
    assert_eq!(article(Method::RecoveryCode), "a recovery code");
}
