use super::*;
use crate::values::clock::TokenSource;

struct Fixed;
impl TokenSource for Fixed {
    fn random_bytes(&self) -> [u8; 32] {
        [7; 32]
    }
}

fn form() -> ServiceForm {
    ServiceForm {
        name: "  Claims service ".into(),
        redirect_uris: "https://claims.example/callback\n\nhttps://claims.example/callback\r\nhttp://localhost:4000/cb\n".into(),
        post_logout_redirect_uris: "https://claims.example/".into(),
        backchannel_logout_uri: " https://claims.example/backchannel ".into(),
        confidential: true,
    }
}

#[test]
fn the_form_gives_trimmed_settings_with_each_address_once() {
    let s = settings(&form()).expect("good form");
    assert_eq!(s.name, "Claims service");
    assert_eq!(
        s.redirect_uris,
        vec![
            "https://claims.example/callback",
            "http://localhost:4000/cb"
        ]
    );
    assert_eq!(s.post_logout_redirect_uris, vec!["https://claims.example/"]);
    assert_eq!(
        s.backchannel_logout_uri.as_deref(),
        Some("https://claims.example/backchannel")
    );
}

#[test]
fn each_problem_is_named_at_its_field() {
    let with = |f: fn(&mut ServiceForm)| {
        let mut x = form();
        f(&mut x);
        settings(&x).err().and_then(|e| e.field())
    };
    assert_eq!(with(|f| f.name = " ".into()), Some(Field::Name));
    assert_eq!(
        with(|f| f.name = "x".repeat(NAME_MAX + 1)),
        Some(Field::Name)
    );
    assert_eq!(
        with(|f| f.redirect_uris = "\n".into()),
        Some(Field::RedirectUris)
    );
    assert_eq!(
        with(|f| f.redirect_uris = "http://claims.example/cb".into()),
        Some(Field::RedirectUris)
    );
    assert_eq!(
        with(|f| f.post_logout_redirect_uris = "https://x.example/#a".into()),
        Some(Field::PostLogoutRedirectUris)
    );
    assert_eq!(
        with(|f| f.backchannel_logout_uri = "ftp://x.example/".into()),
        Some(Field::BackchannelLogoutUri)
    );
    assert_eq!(
        with(|f| {
            f.redirect_uris = (0..=URIS_MAX)
                .map(|i| format!("https://claims.example/{i}\n"))
                .collect()
        }),
        Some(Field::RedirectUris)
    );
}

#[test]
fn a_client_id_is_the_name_as_a_slug_with_a_random_tail() {
    let random = SecretToken::generate(&Fixed);
    let id = client_id_for("NHS Claims: Payments!", &random);
    assert!(id.starts_with("nhs-claims-payments-"), "{id}");
    assert_eq!(id.len(), "nhs-claims-payments-".len() + 8);
    assert!(client_id_for("£££", &random).starts_with("service-"));
}
