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

vocabulary! {
    /// Which round of dispute screening (排查): the report's "村（居）周排查、镇半月排查、每月
    /// 一次例会总排查，矛盾调处中心每半月对重点人、重点事、重点单位排查".
    pub enum ScreeningKind {
        VillageWeekly = ("village_weekly", "村（居）周排查"),
        TownshipHalfMonthly = ("township_half_monthly", "镇半月排查"),
        MonthlyMeeting = ("monthly_meeting", "每月例会总排查"),
        CentreKeyCheck = ("centre_key_check", "矛盾调处中心重点排查"),
    }
}

vocabulary! {
    /// What a screening round found.
    pub enum FindingKind {
        Dispute = ("dispute", "矛盾纠纷"),
        KeyPerson = ("key_person", "重点人"),
        KeyMatter = ("key_matter", "重点事"),
        KeyUnit = ("key_unit", "重点单位"),
        Hazard = ("hazard", "治安隐患"),
    }
}

vocabulary! {
    /// Who patrolled (巡防): the township's paid team or the villagers' volunteers.
    pub enum PatrolTeam {
        FullTime = ("full_time", "专职巡防队"),
        Volunteer = ("volunteer", "群众义务巡防队"),
    }
}

vocabulary! {
    /// The forms of 群防群治 the report names: "以“十户联防”、“户户联防”等多种形式".
    pub enum JointDefenceKind {
        TenHousehold = ("ten_household", "十户联防"),
        HouseholdToHousehold = ("household_to_household", "户户联防"),
    }
}

vocabulary! {
    /// Why a person is under the village's watch (重点人员类别).
    pub enum KeyPersonCategory {
        Petitioner = ("petitioner", "重点信访人员"),
        Released = ("released", "刑满释放人员"),
        CommunityCorrection = ("community_correction", "社区矫正对象"),
        MentalIllness = ("mental_illness", "严重精神障碍患者"),
        Drug = ("drug", "吸毒人员"),
        Other = ("other", "其他"),
    }
}

vocabulary! {
    /// Which responsibility letter (责任状) the 镇综治委 signed with a village or unit.
    pub enum LetterKind {
        Annual = ("annual", "综治工作责任状"),
        DragonBoat = ("dragon_boat", "端午节划龙舟维稳责任状"),
        Special = ("special", "其他专项责任状"),
    }
}

vocabulary! {
    /// The means of a publicity activity: "宣传车、宣传单、宣传栏、广播等各种形式".
    pub enum PublicityKind {
        Vehicle = ("vehicle", "宣传车"),
        Leaflet = ("leaflet", "宣传单"),
        Board = ("board", "宣传栏"),
        Broadcast = ("broadcast", "广播"),
        Meeting = ("meeting", "宣讲会"),
        Other = ("other", "其他"),
    }
}

vocabulary! {
    /// What a standardisation check (综治规范化建设检查) looks for in a village.
    ///
    /// The 五个有 are spelt out in the report ("有办公室、有制度上墙、有工作记录簿、有办工作、
    /// 有档案柜"; "有办工作" read as 有办公人员). The 四个一 are not: the report says the
    /// villages "严格按照“四个一”的要求…配齐配强村（居）专抓综治副职和治保会、调委会、群众义务
    /// 巡防队力量", and we read the four bodies named there as the four. That reading is ours;
    /// if the township's own list differs, these four variants are what changes.
    pub enum StandardItem {
        Deputy = ("deputy", "专抓综治副职"),
        SecurityCommittee = ("security_committee", "治保会"),
        MediationCommittee = ("mediation_committee", "调委会"),
        VolunteerPatrol = ("volunteer_patrol", "群众义务巡防队"),
        Office = ("office", "有办公室"),
        RulesOnWall = ("rules_on_wall", "有制度上墙"),
        WorkLog = ("work_log", "有工作记录簿"),
        Staff = ("staff", "有办公人员"),
        ArchiveCabinet = ("archive_cabinet", "有档案柜"),
    }
}

vocabulary! {
    /// The outcome of a standardisation check: "未达标的村（居）责令其限期整改".
    pub enum CheckResult {
        Passed = ("passed", "达标"),
        Rectify = ("rectify", "限期整改"),
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
