//! The islands: the only parts of Gatehouse hydrated in the browser (only what needs
//! the browser is sent to it).
//!
//! Every page is whole without JavaScript: searches are GET forms, results are server-rendered
//! regions. With JavaScript:
//! - [`Follow`] keeps one region of the page up to date without a reload: as the user types in
//!   the named fields (the Users search, Request Access, Register's organisation), or every half
//!   second while the region says it is busy (an ODS import). It asks the server for the same
//!   page the no-JavaScript user would get, and takes that region from it, so the server stays
//!   the only place a page is rendered and authorised.
//! - [`TickAll`] makes a "Select All" box tick the page's boxes at once.
//!
//! The third island, the warning before the idle time-out, is in `timeout.rs`.

use leptos::prelude::*;

/// Keeps the element `region` of this page following the server.
///
/// - `fields`: `(element id, query parameter)` pairs. Typing in any of them (or changing a select)
///   fetches `path?param=value&…`, swaps the region in, and puts that URL in the address bar, so
///   it stays bookmarkable. A slower answer to an earlier keystroke never replaces a newer one.
/// - `poll`: while the region holds an element with `data-busy`, fetch this page again every
///   half second.
///
/// When the answer cannot be used (the session ended, the network failed), the browser goes to
/// the URL itself: the page the no-JavaScript user would get.
///
/// A region is replaced only when it has changed. What changed is announced to screen readers
/// through one live element that stays on the page (elements put into the page afresh are
/// announced unreliably): the text of the region's `[data-announce]` element, when that text is
/// new.
#[island]
pub fn Follow(
    region: String,
    #[prop(optional)] path: Option<String>,
    #[prop(optional)] fields: Option<Vec<(String, String)>>,
    #[prop(optional)] poll: Option<bool>,
) -> impl IntoView {
    let announcer = announcer_id(&region);
    #[cfg(target_arch = "wasm32")]
    client::start(
        region,
        path.unwrap_or_default(),
        fields.unwrap_or_default(),
        poll.unwrap_or_default(),
    );
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (region, path, fields, poll);
    view! { <div class="nhsuk-u-visually-hidden" id=announcer aria-live="polite"></div> }
}

/// With JavaScript, ticking the box `control` ticks every box of class `boxes` on the page, and
/// unticking it puts them back as the server sent them. The server does the real work: the
/// form sent with `control` ticked chooses every result of the search, on every page of it.
#[island]
pub fn TickAll(control: String, boxes: String) -> impl IntoView {
    #[cfg(target_arch = "wasm32")]
    client::tick_all(control, boxes);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (control, boxes);
}

/// The id of the live element that announces a region's changes.
fn announcer_id(region: &str) -> String {
    format!("{region}-announcer")
}

/// Marks the page as hydrated for the browser tests, which wait for it before they act as a
/// JavaScript user. The islands hydrate right after, in the same task, before any input arrives.
pub fn mark_hydrated() {
    #[cfg(target_arch = "wasm32")]
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

#[cfg(target_arch = "wasm32")]
mod client {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::time::Duration;

    use leptos::prelude::{document, set_timeout, window};
    use leptos::task::spawn_local;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::HtmlInputElement;

    /// How long typing must pause before the server is asked.
    const SETTLE: Duration = Duration::from_millis(150);
    /// How often a busy region is asked again.
    const POLL: Duration = Duration::from_millis(500);

    pub fn start(region: String, path: String, fields: Vec<(String, String)>, poll: bool) {
        if poll {
            follow_while_busy(region.clone());
        }
        let asked = Rc::new(Cell::new(0u64));
        for (id, _) in &fields {
            let Some(field) = document().get_element_by_id(id) else {
                continue;
            };
            let (region, path, fields, asked) =
                (region.clone(), path.clone(), fields.clone(), asked.clone());
            listen(&field, "input", move |_| {
                let mine = asked.get().wrapping_add(1);
                asked.set(mine);
                let (region, url, asked) = (region.clone(), url_of(&path, &fields), asked.clone());
                set_timeout(
                    move || {
                        if asked.get() != mine {
                            return;
                        }
                        spawn_local(async move {
                            let answer = fetch(&url).await;
                            // Only the newest question's answer is shown.
                            if asked.get() != mine {
                                return;
                            }
                            if swap(&region, answer) {
                                let _ = window().history().and_then(|h| {
                                    h.replace_state_with_url(&JsValue::NULL, "", Some(&url))
                                });
                            } else {
                                let _ = window().location().assign(&url);
                            }
                        });
                    },
                    SETTLE,
                );
            });
        }
    }

    /// Calls `f` on each `event` of `element`, for as long as the page lives.
    fn listen(element: &web_sys::Element, event: &str, f: impl FnMut(web_sys::Event) + 'static) {
        let f = Closure::<dyn FnMut(web_sys::Event)>::new(f);
        let _ = element.add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
        f.forget();
    }

    fn follow_while_busy(region: String) {
        let busy = |region: &str| {
            document()
                .get_element_by_id(region)
                .and_then(|r| r.query_selector("[data-busy]").ok().flatten())
                .is_some()
        };
        if !busy(&region) {
            return;
        }
        set_timeout(
            move || {
                spawn_local(async move {
                    let url = window().location().href().unwrap_or_default();
                    if swap(&region, fetch(&url).await) {
                        follow_while_busy(region);
                    } else {
                        let _ = window().location().reload();
                    }
                });
            },
            POLL,
        );
    }

    /// `path?param=value&…` from the fields' current values.
    fn url_of(path: &str, fields: &[(String, String)]) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (id, param) in fields {
            if let Some(value) = value_of(id) {
                query.append_pair(param, &value);
            }
        }
        format!("{path}?{}", query.finish())
    }

    fn value_of(id: &str) -> Option<String> {
        let element = document().get_element_by_id(id)?;
        if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            return Some(input.value());
        }
        element
            .dyn_ref::<web_sys::HtmlSelectElement>()
            .map(|s| s.value())
    }

    /// The page at `url`, when the server answered it with a page.
    async fn fetch(url: &str) -> Option<String> {
        let response = gloo_net::http::Request::get(url).send().await.ok()?;
        if !response.ok() || response.redirected() {
            return None;
        }
        response.text().await.ok()
    }

    /// Puts the answer's `region` in place of this page's when it differs; false when either is
    /// missing.
    fn swap(region: &str, answer: Option<String>) -> bool {
        let Some(html) = answer else {
            return false;
        };
        let Ok(parser) = web_sys::DomParser::new() else {
            return false;
        };
        let Ok(page) = parser.parse_from_string(&html, web_sys::SupportedType::TextHtml) else {
            return false;
        };
        let (Some(new), Some(old)) = (
            page.get_element_by_id(region),
            document().get_element_by_id(region),
        ) else {
            return false;
        };
        // Unchanged: keep the page as it is, focus and all.
        if new.inner_html() == old.inner_html() {
            return true;
        }
        // The parsed nodes themselves move across: their markup is not parsed a second time.
        old.set_text_content(None);
        while let Some(node) = new.first_child() {
            let moved = document()
                .adopt_node(&node)
                .and_then(|node| old.append_child(&node));
            if moved.is_err() {
                return false;
            }
        }
        announce(region, &old);
        true
    }

    /// Says the region's `[data-announce]` text through its live element, when the text is new.
    fn announce(region: &str, now: &web_sys::Element) {
        let text = now
            .query_selector("[data-announce]")
            .ok()
            .flatten()
            .and_then(|e| e.text_content())
            .unwrap_or_default();
        let text = text.trim();
        let Some(announcer) = document().get_element_by_id(&super::announcer_id(region)) else {
            return;
        };
        if !text.is_empty() && announcer.text_content().as_deref() != Some(text) {
            announcer.set_text_content(Some(text));
        }
    }

    pub fn tick_all(control: String, boxes: String) {
        let Some(control) = document().get_element_by_id(&control) else {
            return;
        };
        let selector = format!("input.{boxes}");
        listen(&control, "change", move |ev| {
            let Some(all) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let Ok(list) = document().query_selector_all(&selector) else {
                return;
            };
            for i in 0..list.length() {
                if let Some(one) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
                {
                    one.set_checked(all.checked() || one.default_checked());
                }
            }
        });
    }
}
