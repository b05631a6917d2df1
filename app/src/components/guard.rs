//! Pages for signed-in users: fetch the viewer, send the signed-out to Sign in and, where a role is
//! needed, a user without one to where they can get one. The server refuses anyway; this only
//! spares the user a page of errors.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::components::layout::{Page, ServiceProblem};
use crate::error::AppError;
use crate::viewer::{current_viewer, Viewer};

#[component]
pub fn SignedIn<F, IV>(#[prop(optional)] needs_role: bool, render: F) -> impl IntoView
where
    F: Fn(Viewer) -> IV + Clone + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let me = Resource::new(|| (), |_| current_viewer());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(v)) if needs_role && v.acting.is_none() => {
                            view! { <Redirect path=v.landing.path()/> }.into_any()
                        }
                        Ok(Some(v)) => render(v).into_any(),
                        Ok(None) | Err(AppError::SignedOut) => {
                            view! { <Redirect path=sign_in_path()/> }.into_any()
                        }
                        Err(e) => {
                            let reference = match e {
                                AppError::Internal { reference } => reference,
                                _ => None,
                            };
                            view! {
                                <Page title="Sorry, there is a problem - Gatehouse" viewer=None>
                                    <ServiceProblem reference/>
                                </Page>
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// Sign in, returning to this page afterwards and saying why the session ended.
fn sign_in_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use crate::ssr::request::{asked_path, ended_inactive};
        crate::url::sign_in_returning(asked_path().as_deref(), ended_inactive())
    }
    #[cfg(not(feature = "ssr"))]
    {
        "/sign-in".to_owned()
    }
}
