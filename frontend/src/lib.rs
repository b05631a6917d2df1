#![recursion_limit = "256"]
#![cfg(target_arch = "wasm32")]
//! Hydration entry point, in islands mode: the server has rendered every page whole; only the
//! islands (`app::components::live`) are made interactive.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Also links the `app` crate, whose islands Leptos's script finds among this module's exports.
    app::components::live::mark_hydrated();
}
