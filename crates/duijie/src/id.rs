//! Dense `u32` identifiers for ledger records, and the interner that maps external ids to them.
//!
//! Every record in a [`Ledger`](crate::Ledger) has a small integer id equal to its position in
//! the ledger's table for that kind, so solvers index arrays with them directly. The external id
//! the user supplied is kept beside it on the record itself and is what every report prints.

use std::collections::HashMap;

/// Error returned when a table grows past `u32::MAX` records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdOverflow {
    kind: &'static str,
}

impl IdOverflow {
    pub(crate) fn new(kind: &'static str) -> Self {
        Self { kind }
    }
}

impl std::fmt::Display for IdOverflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "more than {} {} records: split the ledger",
            u32::MAX,
            self.kind
        )
    }
}

impl std::error::Error for IdOverflow {}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name(u32);

        impl $name {
            /// The kind of record this id names, for messages.
            pub const KIND: &'static str = $kind;

            /// Builds the id for table position `index`, or fails when it does not fit in `u32`.
            pub fn from_index(index: usize) -> Result<Self, $crate::id::IdOverflow> {
                u32::try_from(index).map(Self).map_err(|_| $crate::id::IdOverflow::new($kind))
            }

            /// The table position this id stands for.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The raw `u32`.
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}#{}", $kind, self.0)
            }
        }
    };
}

pub(crate) use id_type;

id_type!(
    /// A party (school, institute, enterprise, government or park) in a ledger.
    PartyId,
    "party"
);
id_type!(
    /// A talent need (人才需求) of an enterprise.
    TalentNeedId,
    "talent need"
);
id_type!(
    /// A technology need (技术需求) of an enterprise.
    TechnologyNeedId,
    "technology need"
);
id_type!(
    /// An employee-training need of an enterprise.
    TrainingNeedId,
    "training need"
);
id_type!(
    /// A need a school puts to enterprises (internships, 顶岗实习, practice bases, teachers).
    PlacementNeedId,
    "placement need"
);
id_type!(
    /// A talent-supply record: one school's graduates of one major at one level.
    TalentSupplyId,
    "talent supply"
);
id_type!(
    /// A technology capability (platform, disciplines, capacity) of a school or institute.
    TechnologyCapabilityId,
    "technology capability"
);
id_type!(
    /// Training capacity a school offers to enterprises.
    TrainingOfferId,
    "training offer"
);
id_type!(
    /// Places an enterprise offers to schools (internships, 顶岗实习, practice bases, teachers).
    PlacementOfferId,
    "placement offer"
);

/// Maps external (user-supplied, textual) ids to dense positions, first come first served.
///
/// Lookups are exact: ids are compared as the text the user gave, after no normalisation, so
/// `"0101"` and `"101"` are different ids. Detecting ids that spreadsheets have mangled is the
/// job of validation, not of the interner.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Self {
        Self::default()
    }

    /// Interns `external`, returning its position and whether it was new.
    pub fn intern(
        &mut self,
        external: &str,
        kind: &'static str,
    ) -> Result<(u32, bool), IdOverflow> {
        if let Some(&i) = self.index.get(external) {
            return Ok((i, false));
        }
        let i = u32::try_from(self.names.len()).map_err(|_| IdOverflow { kind })?;
        self.index.insert(external.to_owned(), i);
        self.names.push(external.to_owned());
        Ok((i, true))
    }

    /// The position of `external`, if interned.
    pub fn get(&self, external: &str) -> Option<u32> {
        self.index.get(external).copied()
    }

    /// The external id at `position`.
    pub fn name(&self, position: u32) -> Option<&str> {
        self.names.get(position as usize).map(String::as_str)
    }

    /// How many ids are interned.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_is_first_come_first_served_and_exact() {
        let mut i = Interner::new();
        assert_eq!(i.intern("E001", "party").unwrap(), (0, true));
        assert_eq!(i.intern("0101", "party").unwrap(), (1, true));
        assert_eq!(i.intern("E001", "party").unwrap(), (0, false));
        assert_eq!(i.get("101"), None);
        assert_eq!(i.name(1), Some("0101"));
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn ids_round_trip_their_index() {
        let id = PartyId::from_index(7).unwrap();
        assert_eq!(id.index(), 7);
        assert_eq!(id.to_string(), "party#7");
    }
}
