//! The form fields a problem can point at.

use serde::{Deserialize, Serialize};

/// Declares `Field` from its variants and their inputs' `id`s. A field travels as its place in
/// the list, as a problem does (see `wire`).
macro_rules! fields {
    ($($(#[$doc:meta])* $name:ident => $id:literal,)*) => {
        /// Form fields that problems can point at; [`Field::id`] is the input's `id`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(into = "u8", try_from = "u8")]
        pub enum Field {
            $($(#[$doc])* $name,)*
        }

        impl Field {
            /// Every field, in its number's place.
            pub(super) const ALL: &[Field] = &[$(Field::$name,)*];

            pub fn id(self) -> &'static str {
                match self {
                    $(Field::$name => $id,)*
                }
            }
        }
    };
}

fields! {
    Email => "email",
    Password => "password",
    Account => "account",
    Organisation => "organisation",
    Role => "role",
    FirstName => "first_name",
    LastName => "last_name",
    Decision => "decision",
    Reason => "reason",
    ConfirmPassword => "confirm_password",
    Link => "link",
    Code => "code",
    Name => "name",
    Kind => "kind",
    TypeLabel => "type_label",
    Parent => "parent",
    StartDate => "start_date",
    EndDate => "end_date",
    ContractType => "contract_type",
    DisableReason => "disable_reason",
    OtherReason => "other_reason",
    Confirm => "confirm",
    IcbList => "icb_list",
    Eccg => "eccg",
    Epraccur => "epraccur",
    OnlyIcb => "only_icb",
    CurrentPassword => "current_password",
    Description => "description",
    Providers => "providers",
    ConfirmEmail => "confirm_email",
    Phone => "phone",
    Mobile => "mobile",
    /// The Audit filter's first and last days.
    From => "from",
    /// A role's "Access ends on" date boxes.
    AccessEnds => "access_ends",
    To => "to",
    /// An access review's area, due date, setting for rows left unreviewed, and ticked rows.
    ReviewOf => "review_of",
    Cluster => "cluster",
    DueDays => "due_days",
    Unreviewed => "unreviewed",
    Rows => "rows",
    Repeat => "repeat",
    /// A connected service's addresses.
    RedirectUris => "redirect_uris",
    PostLogoutUris => "post_logout_redirect_uris",
    BackchannelUri => "backchannel_logout_uri",
}

impl From<Field> for u8 {
    fn from(f: Field) -> u8 {
        f as u8
    }
}

impl TryFrom<u8> for Field {
    type Error = &'static str;

    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Field::ALL
            .get(usize::from(n))
            .copied()
            .ok_or("not a field of Gatehouse")
    }
}
