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

#[test]
fn every_problem_and_field_comes_back_from_its_number() {
    let rule = domain::PasswordRule::Digit;
    for code in 0..Problem::COUNT {
        let field = Field::ALL[usize::from(code) % Field::ALL.len()];
        let p = Problem::decode(code, field, None)
            .or_else(|| Problem::decode(code, field, Some(rule)))
            .expect("every number up to the count is a problem");
        assert_eq!(p.code(), code);
        assert_eq!(p.field(), field);
        let json = serde_json::to_string(&p).expect("encode");
        assert_eq!(serde_json::from_str::<Problem>(&json).expect("decode"), p);
    }
    for (n, &f) in Field::ALL.iter().enumerate() {
        assert_eq!(usize::from(u8::from(f)), n);
        assert_eq!(Field::try_from(u8::from(f)), Ok(f));
    }
}

#[test]
fn a_problem_travels_as_numbers_and_names_nothing() {
    let e = AppError::Invalid {
        problems: vec![
            Problem::EmailMalformed(Field::Email),
            Problem::PasswordRule(Field::Password, domain::PasswordRule::Digit),
        ],
        echo: vec![],
    };
    let json = serde_json::to_string(&e).expect("encode");
    assert!(
        !json.contains("Email") && !json.contains("Password"),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<AppError>(&json).expect("decode"), e);
}

#[test]
fn numbers_that_are_not_ours_are_refused() {
    let past_the_problems = format!("[{},0,null]", Problem::COUNT);
    let past_the_fields = format!("[0,{},null]", Field::ALL.len());
    let digit = serde_json::to_string(&domain::PasswordRule::Digit).expect("rule");
    let rule_on_another_problem = format!("[0,0,{digit}]");
    for forged in [past_the_problems, past_the_fields, rule_on_another_problem] {
        assert!(
            serde_json::from_str::<Problem>(&forged).is_err(),
            "{forged}"
        );
    }
}
