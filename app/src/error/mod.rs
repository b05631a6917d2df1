//! The one error type of server functions. Its variants mean something to a user; internal causes
//! are logged on the server and never sent. Field problems travel as codes, not text, so that a
//! crafted `__err` URL cannot put words of its own on a Gatehouse page.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

mod field;
mod words;
pub use field::Field;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more fields need correcting; `echo` carries back what was typed (never secrets).
    #[error("There is a problem")]
    Invalid {
        problems: Vec<Problem>,
        echo: Vec<(Field, String)>,
    },
    #[error("You need to sign in")]
    SignedOut,
    #[error("Page not found")]
    NotFound,
    /// Something failed on our side. `reference` is the request's id in the server's logs, for
    /// the user to quote to the Service Desk.
    #[error("Sorry, there is a problem with the service. Try again later.")]
    Internal { reference: Option<String> },
    /// The request itself was malformed (missing or unreadable fields).
    #[error("The form could not be read. Check your answers and try again.")]
    BadRequest,
    /// Too many attempts from one address in a short time (sign-in, registration, passwords).
    #[error("Too many attempts. Wait a minute, then try again.")]
    RateLimited,
    /// The form was larger than any form of the service (answered 413 before it is read).
    #[error("What you sent is too large. Shorten it and try again.")]
    TooLarge,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            _ => AppError::Internal { reference: None },
        }
    }
}

/// Whether `text` has the shape of a request's reference (twelve digits and capitals A to F):
/// only such a text is shown on a page, so a crafted `__err` URL cannot put words there.
pub fn is_reference(text: &str) -> bool {
    text.len() == 12
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

/// What is wrong with one field, as a code with a fixed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    EmailEmpty(Field),
    /// Someone else's email address (Invite, Add New User) left empty.
    TheirEmailEmpty(Field),
    EmailTooLong(Field),
    EmailMalformed(Field),
    PasswordEmpty(Field),
    PasswordTooLong(Field),
    ChooseAccount(Field),
    /// The one sign-in failure message: never says which part was wrong.
    NotRecognised(Field),
    /// A disabled account's right password: told so, and how to reach the Service Desk.
    AccountDisabled(Field),
    OrganisationEmpty(Field),
    OrganisationNotFound(Field),
    RoleMissing(Field),
    RoleNotOffered(Field),
    FirstNameEmpty(Field),
    LastNameEmpty(Field),
    NameTooLong(Field),
    NameControl(Field),
    DecisionMissing(Field),
    ReasonEmpty(Field),
    ReasonTooLong(Field),
    AlreadyDecided(Field),
    NotApproved(Field),
    PasswordRule(Field, domain::PasswordRule),
    ConfirmMismatch(Field),
    LinkNotValid(Field),
    CodeInvalid(Field),
    CodeTaken(Field),
    OrgNameEmpty(Field),
    KindMissing(Field),
    TypeEmpty(Field),
    ParentNotFound(Field),
    WrongParentKind(Field),
    Cycle(Field),
    DateInvalid(Field),
    StartDateEmpty(Field),
    ContractInvalid(Field),
    DisableReasonMissing(Field),
    OtherReasonEmpty(Field),
    RolesOutsideScope(Field),
    NothingToRevoke(Field),
    OwnAccount(Field),
    AlreadyDisabled(Field),
    NotDisabled(Field),
    InviteeDisabled(Field),
    InviteOrganisationNotFound(Field),
    AlreadyInvited(Field),
    FileMissing(Field),
    FileEmpty(Field),
    FileNotText(Field),
    UploadTooLarge(Field),
    ImportBusy(Field),
    RequestReasonEmpty(Field),
    RoleHeld(Field),
    RoleRequested(Field),
    RoleConflict(Field),
    ApprovalConflict(Field),
    RequestClosed(Field),
    ChooseOrganisation(Field),
    InviteSelf(Field),
    CurrentPasswordWrong(Field),
    ClusterNameEmpty(Field),
    ClusterNameTooLong(Field),
    ClusterNameTaken(Field),
    DescriptionEmpty(Field),
    DescriptionTooLong(Field),
    NoProvidersSelected(Field),
    ProviderNotOffered(Field),
    ProviderClosed(Field),
    ClusterRetired(Field),
    NewUserEmailTaken(Field),
    EmailsDiffer(Field),
    UserFirstNameEmpty(Field),
    UserLastNameEmpty(Field),
    PhoneEmpty(Field),
    PhoneInvalid(Field),
    AddOrganisation(Field),
    OrganisationNotOffered(Field),
    NoRoleTicked(Field),
    PaymentTypeNotAllowed(Field),
    ClusterNotOffered(Field),
    RolesConflict(Field),
    AccessEndEmpty(Field),
    AccessEndInThePast(Field),
    AccessEndTooFar(Field),
    AccessEndAfterProposal(Field),
    ExemptionReasonEmpty(Field),
    RoleNotActive(Field),
    ReviewOfMissing(Field),
    ReviewOrganisation(Field),
    ReviewCluster(Field),
    ReviewDueDays(Field),
    NothingToReview(Field),
    NothingTicked(Field),
    EndReasonEmpty(Field),
    OwnRolesNotReviewed(Field),
    ReviewCompleted(Field),
    TotpMissing(Field),
    TotpWrong(Field),
    RecoveryCodeWrong(Field),
    ResetReasonEmpty(Field),
    PasskeyNameMissing(Field),
    PasskeyNameTooLong(Field),
    PasskeyNotMade(Field),
    PasskeyTaken(Field),
    PasskeyRefused(Field),
    ServiceNameEmpty(Field),
    ServiceNameTooLong(Field),
    RedirectUrisEmpty(Field),
    UriNotHttps(Field),
    UriMalformed(Field),
    UriTooLong(Field),
    TooManyUris(Field),
}

impl Problem {
    pub fn field(self) -> Field {
        match self {
            Problem::EmailEmpty(f)
            | Problem::TheirEmailEmpty(f)
            | Problem::EmailTooLong(f)
            | Problem::EmailMalformed(f)
            | Problem::PasswordEmpty(f)
            | Problem::PasswordTooLong(f)
            | Problem::ChooseAccount(f)
            | Problem::NotRecognised(f)
            | Problem::AccountDisabled(f)
            | Problem::OrganisationEmpty(f)
            | Problem::OrganisationNotFound(f)
            | Problem::RoleMissing(f)
            | Problem::RoleNotOffered(f)
            | Problem::FirstNameEmpty(f)
            | Problem::LastNameEmpty(f)
            | Problem::NameTooLong(f)
            | Problem::NameControl(f)
            | Problem::DecisionMissing(f)
            | Problem::ReasonEmpty(f)
            | Problem::ReasonTooLong(f)
            | Problem::AlreadyDecided(f)
            | Problem::NotApproved(f)
            | Problem::PasswordRule(f, _)
            | Problem::ConfirmMismatch(f)
            | Problem::LinkNotValid(f)
            | Problem::CodeInvalid(f)
            | Problem::CodeTaken(f)
            | Problem::OrgNameEmpty(f)
            | Problem::KindMissing(f)
            | Problem::TypeEmpty(f)
            | Problem::ParentNotFound(f)
            | Problem::WrongParentKind(f)
            | Problem::Cycle(f)
            | Problem::DateInvalid(f)
            | Problem::AccessEndEmpty(f)
            | Problem::AccessEndInThePast(f)
            | Problem::AccessEndTooFar(f)
            | Problem::AccessEndAfterProposal(f)
            | Problem::ExemptionReasonEmpty(f)
            | Problem::RoleNotActive(f)
            | Problem::ReviewOfMissing(f)
            | Problem::ReviewOrganisation(f)
            | Problem::ReviewCluster(f)
            | Problem::ReviewDueDays(f)
            | Problem::NothingToReview(f)
            | Problem::NothingTicked(f)
            | Problem::EndReasonEmpty(f)
            | Problem::OwnRolesNotReviewed(f)
            | Problem::ReviewCompleted(f)
            | Problem::TotpMissing(f)
            | Problem::TotpWrong(f)
            | Problem::RecoveryCodeWrong(f)
            | Problem::ResetReasonEmpty(f)
            | Problem::PasskeyNameMissing(f)
            | Problem::PasskeyNameTooLong(f)
            | Problem::PasskeyNotMade(f)
            | Problem::PasskeyTaken(f)
            | Problem::PasskeyRefused(f)
            | Problem::ServiceNameEmpty(f)
            | Problem::ServiceNameTooLong(f)
            | Problem::RedirectUrisEmpty(f)
            | Problem::UriNotHttps(f)
            | Problem::UriMalformed(f)
            | Problem::UriTooLong(f)
            | Problem::TooManyUris(f)
            | Problem::StartDateEmpty(f)
            | Problem::ContractInvalid(f)
            | Problem::DisableReasonMissing(f)
            | Problem::OtherReasonEmpty(f)
            | Problem::RolesOutsideScope(f)
            | Problem::NothingToRevoke(f)
            | Problem::OwnAccount(f)
            | Problem::AlreadyDisabled(f)
            | Problem::NotDisabled(f)
            | Problem::InviteeDisabled(f)
            | Problem::InviteOrganisationNotFound(f)
            | Problem::AlreadyInvited(f)
            | Problem::FileMissing(f)
            | Problem::FileEmpty(f)
            | Problem::FileNotText(f)
            | Problem::UploadTooLarge(f)
            | Problem::ImportBusy(f)
            | Problem::RequestReasonEmpty(f)
            | Problem::RoleHeld(f)
            | Problem::RoleRequested(f)
            | Problem::RoleConflict(f)
            | Problem::ApprovalConflict(f)
            | Problem::RequestClosed(f)
            | Problem::ChooseOrganisation(f)
            | Problem::InviteSelf(f)
            | Problem::CurrentPasswordWrong(f)
            | Problem::ClusterNameEmpty(f)
            | Problem::ClusterNameTooLong(f)
            | Problem::ClusterNameTaken(f)
            | Problem::DescriptionEmpty(f)
            | Problem::DescriptionTooLong(f)
            | Problem::NoProvidersSelected(f)
            | Problem::ProviderNotOffered(f)
            | Problem::ProviderClosed(f)
            | Problem::ClusterRetired(f)
            | Problem::NewUserEmailTaken(f)
            | Problem::EmailsDiffer(f)
            | Problem::UserFirstNameEmpty(f)
            | Problem::UserLastNameEmpty(f)
            | Problem::PhoneEmpty(f)
            | Problem::PhoneInvalid(f)
            | Problem::AddOrganisation(f)
            | Problem::OrganisationNotOffered(f)
            | Problem::NoRoleTicked(f)
            | Problem::PaymentTypeNotAllowed(f)
            | Problem::ClusterNotOffered(f)
            | Problem::RolesConflict(f) => f,
        }
    }

    /// As [`Problem::from_email`], for someone else's address: an empty one says so.
    pub fn from_their_email(field: Field, e: domain::values::email::EmailError) -> Self {
        match e {
            domain::values::email::EmailError::Empty => Problem::TheirEmailEmpty(field),
            other => Problem::from_email(field, other),
        }
    }

    pub fn from_email(field: Field, e: domain::values::email::EmailError) -> Self {
        use domain::values::email::EmailError;
        match e {
            EmailError::Empty => Problem::EmailEmpty(field),
            EmailError::TooLong => Problem::EmailTooLong(field),
            EmailError::Malformed => Problem::EmailMalformed(field),
        }
    }

    pub fn from_password(field: Field, e: domain::values::password::PasswordError) -> Self {
        use domain::values::password::PasswordError;
        match e {
            PasswordError::Empty => Problem::PasswordEmpty(field),
            PasswordError::TooLong => Problem::PasswordTooLong(field),
        }
    }
}

fn password_rule_message(rule: domain::PasswordRule) -> &'static str {
    use domain::PasswordRule as R;
    match rule {
        R::AtLeast8 => "Password must be at least 8 characters",
        R::AtMost128 => "Password must be 128 characters or fewer",
        R::UpperCase => "Password must include an upper case letter (A-Z)",
        R::LowerCase => "Password must include a lower case letter (a-z)",
        R::Digit => "Password must include a number (0-9)",
        R::Special => "Password must include a special character, like ! @ # $ % ^ & *",
        R::NotCommon => "Password is too common. Choose one that is harder to guess",
        R::AtLeast15 => "Password must be at least 15 characters",
        R::Printable => "Password must not include control characters",
    }
}

impl Problem {
    pub fn from_name(field: Field, e: domain::values::person_name::PersonNameError) -> Self {
        use domain::values::person_name::PersonNameError as E;
        match (e, field) {
            (E::Empty, Field::LastName) => Problem::LastNameEmpty(field),
            (E::Empty, _) => Problem::FirstNameEmpty(field),
            (E::TooLong, _) => Problem::NameTooLong(field),
            (E::ControlCharacters, _) => Problem::NameControl(field),
        }
    }
}

impl AppError {
    /// A form with these problems.
    pub fn invalid(problems: Vec<Problem>, echo: Vec<(Field, String)>) -> Self {
        AppError::Invalid { problems, echo }
    }

    pub fn problems(&self) -> &[Problem] {
        match self {
            AppError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// The same error, with these answers shown again as well (a form's problems only).
    pub fn with_echo(self, more: Vec<(Field, String)>) -> Self {
        match self {
            AppError::Invalid { problems, mut echo } => {
                echo.extend(more);
                AppError::Invalid { problems, echo }
            }
            other => other,
        }
    }

    pub fn echo(&self, field: Field) -> Option<String> {
        match self {
            AppError::Invalid { echo, .. } => echo
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
