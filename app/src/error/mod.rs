//! The one error type of server functions. Its variants mean something to a user; internal causes
//! are logged on the server and never sent. Field problems travel as codes, not text, so that a
//! crafted `__err` URL cannot put words of its own on a Gatehouse page.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

mod field;
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

    pub fn message(self) -> &'static str {
        match self {
            Problem::EmailEmpty(_) => "Enter your email address",
            Problem::TheirEmailEmpty(_) => "Enter the email address of the person",
            Problem::EmailTooLong(_) => "Email address must be 254 characters or fewer",
            Problem::EmailMalformed(_) => {
                "Enter an email address in the correct format, like name@example.nhs.uk"
            }
            Problem::PasswordEmpty(_) => "Enter your password",
            Problem::PasswordTooLong(_) => "Password must be 128 characters or fewer",
            Problem::ChooseAccount(_) => "Select the account you want to use",
            Problem::NotRecognised(_) => "Email address or password not recognised",
            Problem::AccountDisabled(_) => {
                "Your account has been disabled. Contact the Service Desk to enable it again."
            }
            Problem::OrganisationEmpty(_) => "Enter your organisation's ODS code or name",
            Problem::OrganisationNotFound(_) => {
                "No open organisation has that ODS code or name. Check the code, or type part of the practice's name"
            }
            Problem::RoleMissing(_) => "Select the role you will undertake",
            Problem::RoleNotOffered(_) => "Select one of the roles offered at this organisation",
            Problem::FirstNameEmpty(_) => "Enter your first name",
            Problem::LastNameEmpty(_) => "Enter your last name",
            Problem::NameTooLong(_) => "Name must be 100 characters or fewer",
            Problem::NameControl(_) => "Name must not include control or invisible characters, such as zero-width spaces or text-direction marks",
            Problem::DecisionMissing(_) => "Select Approve or Reject",
            Problem::ReasonEmpty(_) => "Enter the reason for rejecting the request",
            Problem::ReasonTooLong(_) => "Reason must be 250 characters or fewer",
            Problem::AlreadyDecided(_) => {
                "This request has already been decided by another administrator. The decision that stands is shown below"
            }
            Problem::NotApproved(_) => "The registration email can only be resent once the request is approved",
            Problem::PasswordRule(_, rule) => password_rule_message(rule),
            Problem::ConfirmMismatch(_) => "Passwords do not match",
            Problem::LinkNotValid(_) => "This link is no longer valid. Open the newest link you were sent",
            Problem::CodeInvalid(_) => "Enter an ODS code of 3 to 12 letters and numbers",
            Problem::CodeTaken(_) => "An organisation with this ODS code exists already",
            Problem::OrgNameEmpty(_) => "Enter the organisation's name",
            Problem::KindMissing(_) => "Select the kind of organisation",
            Problem::TypeEmpty(_) => "Enter the organisation's type, like GP Practice",
            Problem::ParentNotFound(_) => "Enter the ODS code of an organisation you administer",
            Problem::WrongParentKind(_) => "That kind of organisation cannot sit under this parent",
            Problem::Cycle(_) => "An organisation cannot move under itself or one of its own descendants",
            Problem::DateInvalid(_) => "Enter a real date, with the day, month and year as numbers, for example 1 4 2024",
            Problem::AccessEndEmpty(_) => "Enter the date access ends",
            Problem::AccessEndInThePast(_) => "The date access ends must be today or in the future",
            Problem::AccessEndTooFar(_) => "The date access ends is further ahead than this service allows",
            Problem::ExemptionReasonEmpty(_) => "Enter why the rule must leave this account alone",
            Problem::AccessEndAfterProposal(_) => "The date access ends must be no later than the date the requester asked for",
            Problem::RoleNotActive(_) => "This role is no longer active, so it has no end date to set",
            Problem::ReviewOfMissing(_) => "Select what to review",
            Problem::ReviewOrganisation(_) => "Enter the ODS code of an organisation in your area",
            Problem::ReviewCluster(_) => "Enter the short name of a live cluster whose practices you manage",
            Problem::ReviewDueDays(_) => "Enter a number of days from 1 to 90",
            Problem::NothingToReview(_) => "There are no active roles to review there",
            Problem::NothingTicked(_) => "Tick at least one row",
            Problem::EndReasonEmpty(_) => "Enter why access ends",
            Problem::OwnRolesNotReviewed(_) => "You cannot review your own roles: another administrator reviews them",
            Problem::ReviewCompleted(_) => "This review has been completed, so it can no longer change",
            Problem::StartDateEmpty(_) => "Enter the start date",
            Problem::ContractInvalid(_) => "Select GMS, PMS or APMS",
            Problem::DisableReasonMissing(_) => "Select a reason for disabling the account",
            Problem::OtherReasonEmpty(_) => "Enter the reason for disabling the account",
            Problem::RolesOutsideScope(_) => {
                "This user has roles at organisations outside yours, so you cannot disable their account. Revoke their access at your organisation instead"
            }
            Problem::NothingToRevoke(_) => "Select an organisation where the user has an active role",
            Problem::OwnAccount(_) => {
                "You cannot revoke, disable or enable your own account. Ask another administrator; \
                 to disable your own account, use Disable Account on My Profile"
            }
            Problem::AlreadyDisabled(_) => "This account is already disabled",
            Problem::NotDisabled(_) => "This account is not disabled",
            Problem::InviteeDisabled(Field::Organisation) => {
                "This account is disabled. Enable it before adding organisations"
            }
            Problem::InviteeDisabled(_) => {
                "This account is disabled. Enable it from Users before inviting them"
            }
            Problem::InviteOrganisationNotFound(_) => {
                "No open organisation in your area has that ODS code or name. Check the code, or type the start of the name"
            }
            Problem::AlreadyInvited(_) => {
                "This person already holds this role at this organisation, or has been invited to it"
            }
            Problem::FileMissing(Field::IcbList) => "Select the ICB list (icb.csv)",
            Problem::FileMissing(Field::Eccg) => "Select the commissioner extract (eccg.csv)",
            Problem::FileMissing(_) => "Select the GP practice extract (epraccur.csv)",
            Problem::FileEmpty(_) => "The selected file is empty",
            Problem::FileNotText(_) => "The selected file must be a CSV file, as downloaded from ODS",
            Problem::UploadTooLarge(_) => "The three files must be 32 MB or smaller altogether",
            Problem::ImportBusy(_) => {
                "Another import is running. Wait for it to finish, then upload again"
            }
            Problem::RequestReasonEmpty(_) => "Enter the reason you need this role",
            Problem::RoleHeld(_) => "You already have this role at this organisation",
            Problem::RoleRequested(_) => {
                "You have already asked for this role at this organisation. Your request is waiting for review"
            }
            Problem::RoleConflict(_) => {
                "Commissioning User (tier 1) and Commissioning Approver (tier 2) cannot be held together at one organisation, and you already hold one of them there"
            }
            Problem::ApprovalConflict(_) => {
                "This user now holds a role at this organisation that cannot be held together with this one (tier 1 and tier 2). Reject the request with a reason instead"
            }
            Problem::RequestClosed(_) => {
                "This request is no longer pending: it has been decided or withdrawn"
            }
            Problem::ChooseOrganisation(_) => "Select the organisation you need access to",
            Problem::InviteSelf(_) => {
                "You cannot invite yourself. Ask for the role from My Profile, Request Access, and another administrator will decide"
            }
            Problem::CurrentPasswordWrong(_) => "Your current password is not right",
            Problem::ClusterNameEmpty(_) => "Enter a name for the cluster",
            Problem::ClusterNameTooLong(_) => "Name must be 100 characters or fewer",
            Problem::ClusterNameTaken(_) => {
                "Your organisation already has a cluster with this name: choose another name"
            }
            Problem::DescriptionEmpty(_) => "Enter a description",
            Problem::DescriptionTooLong(_) => "Description must be 500 characters or fewer",
            Problem::NoProvidersSelected(_) => "Select at least one service provider",
            Problem::ProviderNotOffered(_) => "Select service providers from the list",
            Problem::ProviderClosed(_) => {
                "A closed practice cannot be in a cluster: untick the practices with an end date"
            }
            Problem::ClusterRetired(_) => "This cluster has been retired and cannot be changed",
            Problem::NewUserEmailTaken(_) => "An account already uses this email address: find the person in Users, or invite them to the role",
            Problem::EmailsDiffer(_) => "The email addresses do not match",
            Problem::UserFirstNameEmpty(_) => "Enter the user's first name",
            Problem::UserLastNameEmpty(_) => "Enter the user's last name",
            Problem::PhoneEmpty(_) => "Enter a telephone number",
            Problem::PhoneInvalid(_) => "Enter a telephone number of 10 to 15 digits, like 0191 123 4567",
            Problem::AddOrganisation(_) => "Add at least one organisation",
            Problem::OrganisationNotOffered(_) => "Add organisations from the search results",
            Problem::NoRoleTicked(_) => "Select at least one role",
            Problem::PaymentTypeNotAllowed(_) => "Payment types restrict only the roles marked *",
            Problem::ClusterNotOffered(_) => "Select clusters of the organisation from the list",
            Problem::RolesConflict(_) => "Commissioning User (tier 1) and Commissioning Approver (tier 2) cannot be held together at one organisation",
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
