use super::*;

#[test]
fn every_problem_has_a_message_and_points_at_its_field() {
    let p = Problem::from_email(Field::Email, domain::values::email::EmailError::Malformed);
    assert_eq!(p.field().id(), "email");
    assert!(p.message().contains("correct format"));
}

#[test]
fn unreadable_arguments_are_a_bad_request_not_an_internal_error() {
    let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
    assert_eq!(e, AppError::BadRequest);
}

#[test]
fn an_error_survives_its_round_trip_through_the_url_encoding() {
    let e = AppError::Invalid {
        problems: vec![Problem::EmailMalformed(Field::Email)],
        echo: vec![(Field::Email, "jane@".into())],
    };
    // The no-JS path carries the error as this JSON inside the redirect URL.
    let json = serde_json::to_string(&e).expect("encode");
    let back: AppError = serde_json::from_str(&json).expect("decode");
    assert_eq!(back, e);
    assert_eq!(back.echo(Field::Email).as_deref(), Some("jane@"));
    assert_eq!(
        back.problems()[0].message(),
        Problem::EmailMalformed(Field::Email).message()
    );
}

#[test]
fn a_problem_code_that_is_not_ours_is_refused() {
    let forged = r#"{"Invalid":{"problems":[{"CallThisNumber":"Email"}],"echo":[]}}"#;
    assert!(serde_json::from_str::<AppError>(forged).is_err());
}
