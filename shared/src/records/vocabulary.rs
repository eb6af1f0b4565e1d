//! Closed vocabularies (enumerations) used by the records.
//!
//! Each is stored in the Automerge document as a scalar string (`"neighbour"`, `"village"`),
//! so documents stay readable to other clients and a value added by a newer app version fails
//! loudly on an older reader instead of being misread as a number. The macro keeps the wire
//! string, the Chinese label and the Rust variant side by side in one table per enum.

macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($wire:literal, $zh:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every value as stored, for the record shapes (`super::shape`).
            pub const WIRE: &'static [&'static str] = &[$($wire),+];

            /// Every value as stored with its label, in order, for a form's choice: data, so
            /// one select serves every vocabulary.
            pub const OPTIONS: &'static [(&'static str, &'static str)] = &[$(($wire, $zh)),+];

            /// The value stored in documents and sent over the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// The word a township worker uses.
            pub const fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($wire => Some($name::$variant),)+ _ => None }
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
                reconciler.str(self.as_str())
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(value: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
                Self::parse(value).ok_or_else(|| {
                    autosurgeon::HydrateError::unexpected(
                        // The phone shows no technical cause (`document::cause`): the list of
                        // values is for the server's logs only.
                        if cfg!(target_arch = "wasm32") { "" } else { concat!("one of ", $($wire, " "),+) },
                        value.to_owned(),
                    )
                })
            }
        }
    };
}

vocabulary! {
    /// 性别, as encoded in the citizen ID number.
    pub enum Sex {
        Male = ("male", "男"),
        Female = ("female", "女"),
    }
}

vocabulary! {
    /// How a household member relates to the head of household (与户主关系).
    pub enum Relation {
        Head = ("head", "户主"),
        Spouse = ("spouse", "配偶"),
        Child = ("child", "子女"),
        Parent = ("parent", "父母"),
        Grandchild = ("grandchild", "孙子女"),
        Sibling = ("sibling", "兄弟姐妹"),
        Other = ("other", "其他"),
    }
}

vocabulary! {
    /// Why a floating resident came (流动原因).
    pub enum FloatingReason {
        Work = ("work", "务工"),
        Business = ("business", "经商"),
        Family = ("family", "投亲靠友"),
        Study = ("study", "就学"),
        Other = ("other", "其他"),
    }
}

vocabulary! {
    /// 纠纷类别, the categories the township's screening ledger uses.
    pub enum DisputeCategory {
        Neighbour = ("neighbour", "邻里纠纷"),
        Family = ("family", "婚姻家庭纠纷"),
        Land = ("land", "土地山林纠纷"),
        LandAcquisition = ("land_acquisition", "征地拆迁纠纷"),
        Labour = ("labour", "劳资纠纷"),
        Contract = ("contract", "合同债务纠纷"),
        Accident = ("accident", "损害赔偿纠纷"),
        Other = ("other", "其他纠纷"),
    }
}

vocabulary! {
    /// Where the township learned of a dispute (纠纷来源).
    pub enum DisputeSource {
        Screening = ("screening", "排查发现"),
        WalkIn = ("walk_in", "群众来访"),
        Outreach = ("outreach", "下访走访"),
        Petition = ("petition", "信访"),
        Assigned = ("assigned", "上级交办"),
    }
}

vocabulary! {
    /// Who handles a dispute: "小纠纷不出组、大纠纷不出村、重大疑难纠纷不出镇".
    /// Ordered from lowest to highest, so escalation is "the next one up".
    pub enum DisputeLevel {
        Group = ("group", "村民小组"),
        Village = ("village", "村（居）"),
        Township = ("township", "镇"),
        Above = ("above", "镇以上"),
    }
}

impl DisputeLevel {
    pub fn next_up(self) -> Option<Self> {
        match self {
            DisputeLevel::Group => Some(DisputeLevel::Village),
            DisputeLevel::Village => Some(DisputeLevel::Township),
            DisputeLevel::Township => Some(DisputeLevel::Above),
            DisputeLevel::Above => None,
        }
    }
}

vocabulary! {
    /// Where a dispute stands. Changed only through `dispute::lifecycle`.
    pub enum DisputeStatus {
        Registered = ("registered", "已登记"),
        Mediating = ("mediating", "调处中"),
        Closed = ("closed", "已办结"),
    }
}

vocabulary! {
    /// How one mediation session ended (调解结果).
    pub enum MediationResult {
        Agreed = ("agreed", "达成一致"),
        PartlyAgreed = ("partly_agreed", "部分达成"),
        NotAgreed = ("not_agreed", "未达成"),
    }
}

vocabulary! {
    /// The written agreement that settles a dispute.
    pub enum AgreementKind {
        Mediation = ("mediation", "调解协议"),
        PetitionSettlement = ("petition_settlement", "息诉息访协议"),
    }
}

vocabulary! {
    /// How a case was closed (办结方式).
    pub enum Resolution {
        Resolved = ("resolved", "化解"),
        Referred = ("referred", "移交有关部门"),
        Withdrawn = ("withdrawn", "当事人撤回"),
    }
}

vocabulary! {
    /// What became of a problem raised during an outreach visit.
    pub enum ProblemOutcome {
        ResolvedOnSpot = ("resolved_on_spot", "当场解决"),
        WaitingOnDepartment = ("waiting_on_department", "待上级部门协调"),
        Pending = ("pending", "待办"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_value_parses_back_to_its_variant() {
        for level in DisputeLevel::ALL {
            assert_eq!(DisputeLevel::parse(level.as_str()), Some(*level));
        }
        for category in DisputeCategory::ALL {
            assert_eq!(DisputeCategory::parse(category.as_str()), Some(*category));
        }
    }

    #[test]
    fn escalation_climbs_one_level_and_stops_at_the_top() {
        assert_eq!(DisputeLevel::Group.next_up(), Some(DisputeLevel::Village));
        assert_eq!(DisputeLevel::Township.next_up(), Some(DisputeLevel::Above));
        assert_eq!(DisputeLevel::Above.next_up(), None);
    }

    #[test]
    fn an_unknown_value_in_a_document_fails_to_hydrate() {
        use autosurgeon::Hydrate;
        assert!(DisputeStatus::hydrate_string("archived").is_err());
        assert_eq!(
            DisputeStatus::hydrate_string("closed").unwrap(),
            DisputeStatus::Closed
        );
    }
}
