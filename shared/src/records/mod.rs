//! The township's records. Each record is one Automerge document whose root map holds the
//! fields below, plus `type` and `schema_version` so any reader knows what it is looking at.
//! `docs/data-model.md` describes the document layout for clients in other languages.

pub mod household;

/// The record types the server accepts. The string is the document's `type` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    Household,
}

impl RecordType {
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordType::Household => "household",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "household" => Some(RecordType::Household),
            _ => None,
        }
    }
}
