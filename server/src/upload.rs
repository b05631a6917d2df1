//! `POST /organisations/import/upload`: the Service Desk uploads the three ODS extracts as a plain
//! multipart form (so it works without JavaScript). The import then runs in the background, the
//! same importer as `gatehouse import-ods`, and the browser is sent to its progress page.

use app::error::{AppError, Field, Problem};
use app::import_status::ImportResult;
use app::ssr::request::{ClientAddress, CurrentSession};
use app::ssr::AppState;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use domain::values::clock::SecretToken;

use crate::import::{import_audited, Extracts, Report};

const FILES: [Field; 3] = [Field::IcbList, Field::Eccg, Field::Epraccur];

pub async fn upload(
    State(st): State<AppState>,
    Extension(session): Extension<CurrentSession>,
    client: Option<Extension<ClientAddress>>,
    multipart: Multipart,
) -> Response {
    let Some(actor) = session
        .0
        .as_ref()
        .and_then(|c| c.actor.clone())
        .filter(|a| a.permit(domain::Capability::ServiceDesk).is_ok())
    else {
        return (StatusCode::NOT_FOUND, "Page not found").into_response();
    };
    let form = match read_form(multipart).await {
        Ok(f) => f,
        Err((problems, echo)) => return back_to_form(problems, echo),
    };
    let id = SecretToken::generate(st.tokens.as_ref())
        .expose()
        .to_owned();
    let Ok(job) = st.imports.start(id.clone(), actor.user, form.dry_run) else {
        return back_to_form(vec![Problem::ImportBusy(Field::Epraccur)], Vec::new());
    };
    let origin = client.map(|c| c.0 .0.to_string());
    let services = st.services();
    let Ok(audit) =
        domain::features::organisations::import_audit(&services, &actor, origin.as_deref())
    else {
        return (StatusCode::NOT_FOUND, "Page not found").into_response();
    };
    tokio::spawn(async move {
        let progress = {
            let job = job.clone();
            move |done: usize, total: usize| job.progress(done, total)
        };
        let outcome = import_audited(
            &st.store,
            &form.extracts,
            form.only_icb.as_deref(),
            form.dry_run,
            &progress,
            Some(&audit),
        )
        .await;
        job.finish(match outcome {
            Ok(report) => Ok(result_of(&report)),
            Err(e) => {
                tracing::error!(error = %e, "ODS upload import failed");
                Err("storage failed".into())
            }
        });
    });
    see_other(&format!("/organisations/import/{id}"))
}

struct Form {
    extracts: Extracts,
    /// Just this ICB's branch, as `gatehouse import-ods --icb`.
    only_icb: Option<String>,
    dry_run: bool,
}

/// Reads the three files and the dry-run box; every missing or unreadable file is a problem at
/// its own field.
async fn read_form(mut multipart: Multipart) -> Result<Form, (Vec<Problem>, Echo)> {
    let mut files: [Option<Result<String, Problem>>; 3] = [None, None, None];
    let mut dry_run = false;
    let mut only_icb: Option<String> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err((vec![unreadable(e.status())], Vec::new())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "dry_run" {
            dry_run = true;
            continue;
        }
        if name == "only_icb" {
            let text = field.text().await.unwrap_or_default();
            only_icb = Some(text.trim().chars().take(20).collect::<String>());
            continue;
        }
        let Some(slot) = FILES.iter().position(|f| f.id() == name) else {
            continue;
        };
        let field_id = FILES[slot];
        let chosen = field.file_name().is_some_and(|n| !n.is_empty());
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => return Err((vec![unreadable(e.status())], Vec::new())),
        };
        files[slot] = Some(if !chosen && bytes.is_empty() {
            Err(Problem::FileMissing(field_id))
        } else if bytes.is_empty() {
            Err(Problem::FileEmpty(field_id))
        } else {
            text_of(&bytes).ok_or(Problem::FileNotText(field_id))
        });
    }
    let mut problems = Vec::new();
    let only_icb = only_icb.filter(|c| !c.is_empty());
    let icb = match only_icb.as_deref().map(domain::OdsCode::parse) {
        None => None,
        Some(Ok(code)) => Some(code.as_str().to_owned()),
        Some(Err(_)) => {
            problems.push(Problem::CodeInvalid(Field::OnlyIcb));
            None
        }
    };
    let mut texts = Vec::new();
    for (slot, file) in files.into_iter().enumerate() {
        match file.unwrap_or(Err(Problem::FileMissing(FILES[slot]))) {
            Ok(t) => texts.push(t),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        let echo = only_icb
            .map(|c| vec![(Field::OnlyIcb, c)])
            .unwrap_or_default();
        return Err((problems, echo));
    }
    let mut texts = texts.into_iter();
    let mut next = || texts.next().unwrap_or_default();
    Ok(Form {
        extracts: Extracts {
            icb_list: next(),
            eccg: next(),
            epraccur: next(),
        },
        only_icb: icb,
        dry_run,
    })
}

/// The file as text: UTF-8 (a leading byte-order mark dropped). A binary file, or one with a NUL
/// in it, is not an ODS extract.
fn text_of(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).ok()?;
    (!text.contains('\0')).then(|| text.to_owned())
}

fn unreadable(status: StatusCode) -> Problem {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::UploadTooLarge(Field::Epraccur)
    } else {
        Problem::FileNotText(Field::Epraccur)
    }
}

type Echo = Vec<(Field, String)>;

fn back_to_form(problems: Vec<Problem>, echo: Echo) -> Response {
    let error = AppError::invalid(problems, echo);
    let json = serde_json::to_string(&error).unwrap_or_default();
    see_other(&format!(
        "/organisations/import?error={}",
        app::url::enc(&json)
    ))
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

fn result_of(report: &Report) -> ImportResult {
    let s = &report.summary;
    ImportResult {
        rows: report.rows,
        added: s.added,
        updated: s.updated,
        closed: s.closed,
        moved: s.moved,
        unchanged: s.unchanged,
        rejected: report
            .rejected
            .iter()
            .map(|r| format!("{} line {}: {}", r.source, r.line, r.reason))
            .chain(s.refused.iter().map(|r| r.to_string()))
            .collect(),
        seconds: format!("{:.2}", report.elapsed.as_secs_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_drops_a_byte_order_mark_and_refuses_binary() {
        assert_eq!(
            text_of(b"\xEF\xBB\xBFA81001,X").as_deref(),
            Some("A81001,X")
        );
        assert_eq!(text_of(b"\x89PNG\r\n\x1a\n\xff"), None);
        assert_eq!(text_of(b"a\0b"), None);
    }
}
