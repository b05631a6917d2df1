//! The form fields a problem can point at.

use serde::{Deserialize, Serialize};

/// Form fields that problems can point at; the value is the input's `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Email,
    Password,
    Account,
    Organisation,
    Role,
    FirstName,
    LastName,
    Decision,
    Reason,
    ConfirmPassword,
    Link,
    Code,
    Name,
    Kind,
    TypeLabel,
    Parent,
    StartDate,
    EndDate,
    ContractType,
    DisableReason,
    OtherReason,
    Confirm,
    IcbList,
    Eccg,
    Epraccur,
    OnlyIcb,
    CurrentPassword,
    Description,
    Providers,
    ConfirmEmail,
    Phone,
    Mobile,
    /// The Audit filter's first and last days.
    From,
    /// A role's "Access ends on" date boxes.
    AccessEnds,
    To,
}

impl Field {
    pub fn id(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::Password => "password",
            Field::Account => "account",
            Field::Organisation => "organisation",
            Field::Role => "role",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Decision => "decision",
            Field::Reason => "reason",
            Field::ConfirmPassword => "confirm_password",
            Field::Link => "link",
            Field::Code => "code",
            Field::Name => "name",
            Field::Kind => "kind",
            Field::TypeLabel => "type_label",
            Field::Parent => "parent",
            Field::StartDate => "start_date",
            Field::EndDate => "end_date",
            Field::ContractType => "contract_type",
            Field::DisableReason => "disable_reason",
            Field::OtherReason => "other_reason",
            Field::Confirm => "confirm",
            Field::IcbList => "icb_list",
            Field::Eccg => "eccg",
            Field::Epraccur => "epraccur",
            Field::OnlyIcb => "only_icb",
            Field::CurrentPassword => "current_password",
            Field::Description => "description",
            Field::Providers => "providers",
            Field::ConfirmEmail => "confirm_email",
            Field::Phone => "phone",
            Field::Mobile => "mobile",
            Field::From => "from",
            Field::AccessEnds => "access_ends",
            Field::To => "to",
        }
    }
}
