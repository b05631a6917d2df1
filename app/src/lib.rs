//! Gatehouse's web app: pages and components rendered on the server (islands mode: only
//! `components::live` is hydrated in the browser), and server functions that adapt HTTP to the
//! domain.

#![recursion_limit = "256"]

pub mod components;
pub mod dates;
pub mod error;
pub mod features;
pub mod import_status;
pub mod links;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod support;
pub mod url;
pub mod viewer;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use components::layout::NotFound;
use features::{
    access_requests::pages::{
        AvailableRolesPage, RequestAccessPage, RequestCheckPage, RequestRolePage,
        ReviewRequestPage, WithdrawRequestPage,
    },
    access_reviews::pages::{AccessReviewPage, AccessReviewsPage, CompleteReviewPage},
    account_security::pages::{
        ChangePasswordPage, ForgottenPasswordPage, ForgottenPasswordSentPage,
        ForgottenUserNamePage, LockedAccountsPage, ResetPasswordPage,
    },
    add_user::pages::{AddOrganisationPage, NewUserPage, RestrictionsPage},
    audit_trail::pages::AuditPage,
    clusters::pages::{ClusterCreatedPage, ClusterFormPage, ClusterPage, ClustersPage},
    connected_services::pages::{
        AddConnectedServicePage, ChangeConnectedServicePage, ConnectedServicePage,
        ConnectedServicesPage,
    },
    help::pages::{AccessibilityPage, ContactUsPage, CookiesPage, PrivacyPage},
    invitations::pages::{
        AcceptInvitationPage, ChangeInvitationPage, InviteDetailsPage, InviteEmailPage,
        InviteOrganisationPage, InvitePreviewPage, InviteRolePage,
    },
    notifications::home::{AdministrativeTasksPage, HomePage},
    notifications::outbox::OutboxPage,
    notifications::pages::{NotificationSettingsPage, NotificationsPage},
    organisations::import_ods::{ImportOdsPage, ImportProgressPage},
    organisations::pages::{CreateOrganisationPage, OrganisationPage, OrganisationsPage},
    providers::pages::{ProviderPage, ProvidersPage},
    registration::activate::{ActivatePage, ActivationRenewedPage},
    registration::pending_actions::{
        DeleteRegistrationPage, PendingActionsPage, ResendRegistrationPage, ReviewRegistrationPage,
    },
    registration::register::{RegisterDetailsPage, RegisterDonePage, RegisterPage},
    roles::pages::RolesPage,
    sign_in::my_account::MyAccountPage,
    sign_in::my_profile::{MyProfilePage, SessionsPage, UserDetailsPage},
    sign_in::pages::SignInPage,
    sign_in::select_account::SelectAccountPage,
    temporary_access::dormancy::DormancyPage,
    temporary_access::pages::RoleEndPage,
    two_factor::pages::{CarryOnPage, CodePage, RecoveryCodesPage, SetUpAppPage, TwoFactorPage},
    two_factor::reset::ResetTwoFactorPage,
    users::disable_own::{AccountDisabledPage, ConfirmDisableOwnPage, DisableOwnPage},
    users::pages::{AccessPage, DisablePage, EnablePage, RevokePage, UserPage, UsersPage},
};

/// The policy of every page: scripts only from this site or inline with this
/// response's nonce, WebAssembly allowed to compile, no plugins, no framing, forms posting only
/// here.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of every other response (server functions, files, refusals): nothing runs.
pub const NO_SCRIPT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Marks the body as the NHS.UK frontend's template does, before anything is drawn.
const FRONTEND_SUPPORTED: &str = "document.body.className += ' js-enabled' + \
    ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');";

/// Starts the NHS.UK frontend's components (the vendored module, served from this site).
const FRONTEND_START: &str = "import { initAll } from '/vendor/nhsuk-frontend.min.js'; initAll();";

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(v) = axum::http::HeaderValue::from_str(&page_policy(&nonce)) {
            res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                // The NHS.UK frontend's own script, as its template loads it: the body says it may
                // run first (so nothing jumps), then every component with a `data-module` (the
                // error summary's focus, the password input's Show, the character count, the
                // file upload, the notification banner) is started. Inline, so with the nonce.
                <script nonce=nonce.clone() inner_html=FRONTEND_SUPPORTED></script>
                <App/>
                <script type="module" nonce=nonce inner_html=FRONTEND_START></script>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every page works without JavaScript, so every route renders completely before it is sent.
    view! {
        <Stylesheet id="nhsuk" href="/vendor/nhsuk-frontend.min.css"/>
        <Stylesheet id="leptos" href="/pkg/gatehouse.css"/>
        <Link rel="icon" href="/assets/images/favicon.ico"/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/administrative-tasks") view=AdministrativeTasksPage ssr=SsrMode::Async/>
                <Route path=path!("/contact-us") view=ContactUsPage/>
                <Route path=path!("/accessibility") view=AccessibilityPage/>
                <Route path=path!("/privacy") view=PrivacyPage/>
                <Route path=path!("/cookies") view=CookiesPage/>
                <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/select-account") view=SelectAccountPage ssr=SsrMode::Async/>
                <Route path=path!("/my-account") view=MyAccountPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile") view=MyProfilePage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/details") view=UserDetailsPage ssr=SsrMode::Async/>
                <Route path=path!("/roles") view=RolesPage ssr=SsrMode::Async/>
                <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/register/details") view=RegisterDetailsPage ssr=SsrMode::Async/>
                <Route path=path!("/register/done") view=RegisterDonePage ssr=SsrMode::Async/>
                <Route path=path!("/pending-actions") view=PendingActionsPage ssr=SsrMode::Async/>
                <Route path=path!("/pending-actions/:id") view=ReviewRegistrationPage ssr=SsrMode::Async/>
                <Route path=path!("/pending-actions/:id/resend") view=ResendRegistrationPage ssr=SsrMode::Async/>
                <Route path=path!("/pending-actions/:id/delete") view=DeleteRegistrationPage ssr=SsrMode::Async/>
                <Route path=path!("/activate") view=ActivatePage ssr=SsrMode::Async/>
                <Route path=path!("/activate/renewed") view=ActivationRenewedPage ssr=SsrMode::Async/>
                <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/notification-settings") view=NotificationSettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/outbox") view=OutboxPage ssr=SsrMode::Async/>
                <Route path=path!("/connected-services") view=ConnectedServicesPage ssr=SsrMode::Async/>
                <Route path=path!("/connected-services/add") view=AddConnectedServicePage ssr=SsrMode::Async/>
                <Route path=path!("/connected-services/:id") view=ConnectedServicePage ssr=SsrMode::Async/>
                <Route path=path!("/connected-services/:id/change") view=ChangeConnectedServicePage ssr=SsrMode::Async/>
                <Route path=path!("/providers") view=ProvidersPage ssr=SsrMode::Async/>
                <Route path=path!("/clusters") view=ClustersPage ssr=SsrMode::Async/>
                <Route path=path!("/clusters/new") view=ClusterFormPage ssr=SsrMode::Async/>
                <Route path=path!("/clusters/created") view=ClusterCreatedPage ssr=SsrMode::Async/>
                <Route path=path!("/clusters/:short") view=ClusterPage ssr=SsrMode::Async/>
                <Route path=path!("/clusters/:short/edit") view=ClusterFormPage ssr=SsrMode::Async/>
                <Route path=path!("/organisations") view=OrganisationsPage ssr=SsrMode::Async/>
                <Route path=path!("/organisations/new") view=CreateOrganisationPage ssr=SsrMode::Async/>
                <Route path=path!("/organisations/import") view=ImportOdsPage ssr=SsrMode::Async/>
                <Route path=path!("/organisations/import/:job") view=ImportProgressPage ssr=SsrMode::Async/>
                <Route path=path!("/organisations/:code") view=OrganisationPage ssr=SsrMode::Async/>
                <Route path=path!("/providers/:code") view=ProviderPage ssr=SsrMode::Async/>
                <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/users/invite") view=InviteEmailPage ssr=SsrMode::Async/>
                <Route path=path!("/users/new") view=NewUserPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/roles/:assignment") view=RestrictionsPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/roles/:assignment/end") view=RoleEndPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/dormancy") view=DormancyPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/two-factor/reset") view=ResetTwoFactorPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/two-factor") view=TwoFactorPage ssr=SsrMode::Async/>
                <Route path=path!("/two-factor/set-up") view=SetUpAppPage ssr=SsrMode::Async/>
                <Route path=path!("/two-factor/recovery-codes") view=RecoveryCodesPage ssr=SsrMode::Async/>
                <Route path=path!("/two-factor/code") view=CodePage ssr=SsrMode::Async/>
                <Route path=path!("/two-factor/carry-on") view=CarryOnPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/organisations") view=AddOrganisationPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/access") view=AccessPage ssr=SsrMode::Async/>
                <Route path=path!("/users/invite/details") view=InviteDetailsPage ssr=SsrMode::Async/>
                <Route path=path!("/users/invite/organisation") view=InviteOrganisationPage ssr=SsrMode::Async/>
                <Route path=path!("/users/invite/role") view=InviteRolePage ssr=SsrMode::Async/>
                <Route path=path!("/users/invite/preview") view=InvitePreviewPage ssr=SsrMode::Async/>
                <Route path=path!("/invite") view=AcceptInvitationPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/invitations/:invitation") view=ChangeInvitationPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id") view=UserPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/revoke") view=RevokePage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/disable") view=DisablePage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/enable") view=EnablePage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/disable") view=DisableOwnPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/request-access") view=RequestAccessPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/request-access/role") view=RequestRolePage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/request-access/check") view=RequestCheckPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/roles") view=AvailableRolesPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/roles/:id/withdraw") view=WithdrawRequestPage ssr=SsrMode::Async/>
                <Route path=path!("/users/:id/requests/:request") view=ReviewRequestPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/disable/confirm") view=ConfirmDisableOwnPage ssr=SsrMode::Async/>
                <Route path=path!("/account-disabled") view=AccountDisabledPage ssr=SsrMode::Async/>
                <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async/>
                <Route path=path!("/reviews") view=AccessReviewsPage ssr=SsrMode::Async/>
                <Route path=path!("/reviews/:id") view=AccessReviewPage ssr=SsrMode::Async/>
                <Route path=path!("/reviews/:id/complete") view=CompleteReviewPage ssr=SsrMode::Async/>
                <Route path=path!("/forgotten-password") view=ForgottenPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/forgotten-password/sent") view=ForgottenPasswordSentPage ssr=SsrMode::Async/>
                <Route path=path!("/forgotten-user-name") view=ForgottenUserNamePage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/sessions") view=SessionsPage ssr=SsrMode::Async/>
                <Route path=path!("/my-profile/details/change-password") view=ChangePasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/locked-accounts") view=LockedAccountsPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
