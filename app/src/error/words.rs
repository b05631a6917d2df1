//! The words each problem says at its field and in the error summary.

use super::{password_rule_message, Field, Problem};

impl Problem {
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
            Problem::PasskeyNameMissing(_) => "Enter a name for the passkey",
            Problem::PasskeyNameTooLong(_) => "The passkey's name must be 60 characters or fewer",
            Problem::PasskeyNotMade(_) => {
                "The passkey was not added: your browser or key did not finish. Try again"
            }
            Problem::PasskeyTaken(_) => "That passkey is already added",
            Problem::PasskeyRefused(_) => {
                "Your passkey was not accepted. Try again, or use your authenticator app or a recovery code"
            }
            Problem::ServiceNameEmpty(_) => "Enter the service's name",
            Problem::ServiceNameTooLong(_) => "The service's name must be 100 characters or fewer",
            Problem::RedirectUrisEmpty(_) => "Enter at least one address to send people back to after they sign in",
            Problem::UriNotHttps(_) => "Enter addresses that start with https:// (or http://localhost for a service being developed)",
            Problem::UriMalformed(_) => "Enter full addresses with a host name, without spaces, a # part or a user name",
            Problem::UriTooLong(_) => "Each address must be 500 characters or fewer",
            Problem::TooManyUris(_) => "Enter 10 addresses or fewer",
            Problem::ResetReasonEmpty(_) => "Enter why you are resetting two-factor authentication",
            Problem::TotpMissing(_) => "Enter the 6-digit code from your authenticator app",
            Problem::TotpWrong(_) => {
                "The code is not right. Enter the 6-digit code your authenticator app shows now"
            }
            Problem::RecoveryCodeWrong(_) => {
                "That recovery code is not right or has been used. Enter one of your unused recovery codes"
            }
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
}
