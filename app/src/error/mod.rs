//! The one error type of server functions. Its variants mean something to a user; internal causes
//! are logged on the server and never sent. Field problems travel as codes, not text, so that a
//! crafted `__err` URL cannot put words of its own on a Gatehouse page.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

mod field;
#[macro_use]
mod wire;
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

// Every problem but a broken password rule: `wire` adds that one, and numbers them all.
problems! {
    EmailEmpty,
    /// Someone else's email address (Invite, Add New User) left empty.
    TheirEmailEmpty,
    EmailTooLong,
    EmailMalformed,
    PasswordEmpty,
    PasswordTooLong,
    ChooseAccount,
    /// The one sign-in failure message: never says which part was wrong.
    NotRecognised,
    /// A disabled account's right password: told so, and how to reach the Service Desk.
    AccountDisabled,
    OrganisationEmpty,
    OrganisationNotFound,
    RoleMissing,
    RoleNotOffered,
    FirstNameEmpty,
    LastNameEmpty,
    NameTooLong,
    NameControl,
    DecisionMissing,
    ReasonEmpty,
    ReasonTooLong,
    AlreadyDecided,
    NotApproved,
    ConfirmMismatch,
    LinkNotValid,
    CodeInvalid,
    CodeTaken,
    OrgNameEmpty,
    KindMissing,
    TypeEmpty,
    ParentNotFound,
    WrongParentKind,
    Cycle,
    DateInvalid,
    StartDateEmpty,
    ContractInvalid,
    DisableReasonMissing,
    OtherReasonEmpty,
    RolesOutsideScope,
    NothingToRevoke,
    OwnAccount,
    AlreadyDisabled,
    NotDisabled,
    InviteeDisabled,
    InviteOrganisationNotFound,
    AlreadyInvited,
    FileMissing,
    FileEmpty,
    FileNotText,
    UploadTooLarge,
    ImportBusy,
    RequestReasonEmpty,
    RoleHeld,
    RoleRequested,
    RoleConflict,
    ApprovalConflict,
    RequestClosed,
    ChooseOrganisation,
    InviteSelf,
    CurrentPasswordWrong,
    ClusterNameEmpty,
    ClusterNameTooLong,
    ClusterNameTaken,
    DescriptionEmpty,
    DescriptionTooLong,
    NoProvidersSelected,
    ProviderNotOffered,
    ProviderClosed,
    ClusterRetired,
    NewUserEmailTaken,
    EmailsDiffer,
    UserFirstNameEmpty,
    UserLastNameEmpty,
    PhoneEmpty,
    PhoneInvalid,
    AddOrganisation,
    OrganisationNotOffered,
    NoRoleTicked,
    PaymentTypeNotAllowed,
    ClusterNotOffered,
    RolesConflict,
    AccessEndEmpty,
    AccessEndInThePast,
    AccessEndTooFar,
    AccessEndAfterProposal,
    ExemptionReasonEmpty,
    RoleNotActive,
    ReviewOfMissing,
    ReviewOrganisation,
    ReviewCluster,
    ReviewDueDays,
    NothingToReview,
    NothingTicked,
    EndReasonEmpty,
    OwnRolesNotReviewed,
    ReviewCompleted,
    TotpMissing,
    TotpWrong,
    RecoveryCodeWrong,
    ResetReasonEmpty,
    PasskeyNameMissing,
    PasskeyNameTooLong,
    PasskeyNotMade,
    PasskeyTaken,
    PasskeyRefused,
    ServiceNameEmpty,
    ServiceNameTooLong,
    RedirectUrisEmpty,
    UriNotHttps,
    UriMalformed,
    UriTooLong,
    TooManyUris,
}

impl Problem {
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
