//! Two-factor authentication: My Profile's page, setting up an authenticator app, the code asked
//! after the password and again before a dangerous action, and the Service Desk's reset.

pub mod api;
pub mod pages;
pub mod passkeys;
pub mod reset;

/// The authenticator-app secret every demo administrator has, when the policy asks them for a
/// second factor: printed in the README and shown on the demo's code page, so that the demo
/// stays easy to walk. Demo data only.
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// The draft a dangerous action's form waits in while its person enters a code again.
pub const STEP_UP_DRAFT: &str = "step_up";
/// The draft the recovery codes wait in, between being made and being shown (once).
pub const CODES_DRAFT: &str = "recovery_codes";
