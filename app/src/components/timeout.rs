//! The warning before the idle time-out (WCAG 2.2.1, Timing adjustable; the NHS.UK pattern): two
//! minutes before the session ends, a dialog says so and offers "Stay signed in". It is an
//! island, so it needs JavaScript; without it, the page's footer says when the session will end.

use leptos::prelude::*;

/// How long before the end the warning shows.
pub const WARN_SECONDS: i64 = 120;

/// The time-out warning for a session that ends in `seconds_left` seconds if nothing happens.
///
/// The countdown runs on the browser's clock from the moment the page loaded. "Stay signed in"
/// asks the server to keep the session (which answers with its new end); when the time runs
/// out, the page signs out and goes to Sign in, which says why and returns here afterwards.
#[island]
pub fn SessionTimeout(seconds_left: i64) -> impl IntoView {
    let (open, set_open) = signal(false);
    let (left, set_left) = signal(seconds_left);
    #[cfg(target_arch = "wasm32")]
    let stay = client::start(seconds_left, set_open, set_left);
    #[cfg(not(target_arch = "wasm32"))]
    let stay = {
        let _ = (set_open, set_left);
        move |_: leptos::ev::MouseEvent| {}
    };
    let minutes = move || {
        let m = (left.get().max(1) + 59) / 60;
        if m == 1 {
            "1 minute".to_owned()
        } else {
            format!("{m} minutes")
        }
    };
    view! {
        <div class="gh-timeout" id="gh-timeout" hidden=move || !open.get()>
            <div class="gh-timeout__dialog" role="alertdialog" aria-modal="true"
                aria-labelledby="gh-timeout-title" aria-describedby="gh-timeout-text">
                <h2 class="nhsuk-heading-m" id="gh-timeout-title" tabindex="-1">"You're about to be signed out"</h2>
                <p class="nhsuk-body" id="gh-timeout-text">
                    "For your security, we will sign you out in " {minutes} " if you do nothing. "
                    "Anything you have typed but not yet saved will be lost."
                </p>
                <button class="nhsuk-button gh-timeout__stay" type="button" on:click=stay>"Stay signed in"</button>
                <form method="post" action="/api/sign_out">
                    <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Sign out"</button>
                </form>
            </div>
        </div>
    }
}

#[cfg(target_arch = "wasm32")]
mod client {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::time::Duration;

    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use wasm_bindgen::JsCast;

    use super::WARN_SECONDS;
    use crate::viewer::stay_signed_in;

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    /// Starts the countdown; returns what "Stay signed in" does.
    pub fn start(
        seconds_left: i64,
        set_open: WriteSignal<bool>,
        set_left: WriteSignal<i64>,
    ) -> impl Fn(leptos::ev::MouseEvent) + Clone + 'static {
        let deadline = Rc::new(Cell::new(now_ms() + seconds_left as f64 * 1000.0));
        let shown = Rc::new(Cell::new(false));
        // Where the focus was when the warning opened: it goes back there after "Stay signed in".
        let before: Rc<RefCell<Option<web_sys::HtmlElement>>> = Rc::new(RefCell::new(None));
        {
            let (deadline, shown, before) = (deadline.clone(), shown.clone(), before.clone());
            let ended = Cell::new(false);
            set_interval(
                move || {
                    let left = ((deadline.get() - now_ms()) / 1000.0).ceil() as i64;
                    set_left.set(left);
                    if left <= 0 {
                        if !ended.replace(true) {
                            spawn_local(sign_out());
                        }
                    } else if left <= WARN_SECONDS && !shown.get() {
                        shown.set(true);
                        *before.borrow_mut() = document()
                            .active_element()
                            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                        set_open.set(true);
                        // The signal shows the dialog on the next tick; focus needs it shown now.
                        if let Some(dialog) = document().get_element_by_id("gh-timeout") {
                            let _ = dialog.remove_attribute("hidden");
                        }
                        focus("gh-timeout-title");
                    }
                },
                Duration::from_secs(1),
            );
        }
        move |_| {
            let (deadline, shown, before) = (deadline.clone(), shown.clone(), before.clone());
            spawn_local(async move {
                match stay_signed_in().await {
                    Ok(seconds) => {
                        deadline.set(now_ms() + seconds as f64 * 1000.0);
                        set_left.set(seconds);
                        shown.set(false);
                        set_open.set(false);
                        if let Some(element) = before.borrow_mut().take() {
                            let _ = element.focus();
                        }
                    }
                    Err(_) => {
                        let _ = window().location().assign(&signed_out_url());
                    }
                }
            });
        }
    }

    /// Ends the session on the server (whatever else this browser did meanwhile, this page said
    /// it would), then goes to Sign in.
    async fn sign_out() {
        let _ = gloo_net::http::Request::post("/api/sign_out")
            .header("Accept", "application/json")
            .send()
            .await;
        let _ = window().location().assign(&signed_out_url());
    }

    /// Sign in, saying the session ended for inactivity and returning here afterwards.
    fn signed_out_url() -> String {
        let location = window().location();
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        crate::url::sign_in_returning(Some(&here), true)
    }

    fn focus(id: &str) {
        if let Some(element) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    }
}
