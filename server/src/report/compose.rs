//! The seed report's structure, section by section, with the figures filled from the records.
//!
//! Each sentence here says only what a figure shows; where the seed report tells what the
//! township did (meetings, campaigns, its cadres' work), the report leaves a 【待填写】
//! paragraph naming what belongs there. A figure is written with the appendix table that
//! lists its records ([`statistics::trace`]), so the two are the same walk of the records.

use pingan_shared::records::vocabulary::{
    DisputeCategory, LetterKind, PatrolTeam, ProblemOutcome, ScreeningKind,
};
use pingan_shared::statistics::{self, Figure, Figures, Period, Records};
use pingan_shared::validation::Date;

use super::{Appendix, AppendixRow, Block, Piece, Report};
use crate::ledgers::Township;

/// The report for `year` (1 January to 31 December, China time).
pub fn annual(township: &Township, year: i32) -> Option<Report> {
    let period = Period {
        from: Date::new(year, 1, 1)?,
        to: Date::new(year, 12, 31)?,
    };
    let records = township.records();
    let mut w = Writer {
        township,
        records,
        period,
        figures: statistics::figures(records, None, period),
        body: Vec::new(),
        appendices: Vec::new(),
    };
    w.opening();
    w.foundations();
    w.tasks();
    w.standards();
    w.innovation();
    w.pending("存在的不足和下一步打算（本系统无从知道，请据实填写）");
    Some(Report {
        title: format!(
            "{}{year}年度履行平安建设（综治工作）职责情况总结报告",
            township.name
        ),
        body: w.body,
        appendix_heading: "附件　报告中各项数字所依据的记录".to_owned(),
        appendices: w.appendices,
    })
}

struct Writer<'a> {
    township: &'a Township,
    records: Records<'a>,
    period: Period,
    figures: Figures,
    body: Vec<Block>,
    appendices: Vec<Appendix>,
}

/// One paragraph being written: words and figures in the order they are read.
struct Sentence<'w, 'a> {
    writer: &'w mut Writer<'a>,
    pieces: Vec<Piece>,
}

impl<'a> Sentence<'_, 'a> {
    fn t(mut self, words: &str) -> Self {
        self.pieces.push(Piece::Text(words.to_owned()));
        self
    }

    /// The figure's count, with its appendix.
    fn f(self, figure: Figure) -> Self {
        let value = figure.count(&self.writer.figures).to_string();
        self.shown_as(figure, value)
    }

    /// A value read off `figure`'s records (a rate, a month): the appendix is `figure`'s.
    fn shown_as(mut self, figure: Figure, value: String) -> Self {
        let appendix = self.writer.appendix(figure);
        self.pieces.push(Piece::Figure { value, appendix });
        self
    }

    fn done(self) {
        self.writer.body.push(Block::Paragraph(self.pieces));
    }
}

impl<'a> Writer<'a> {
    fn heading(&mut self, words: &str) {
        self.body.push(Block::Heading(words.to_owned()));
    }

    fn pending(&mut self, what: &str) {
        self.body.push(Block::ToFill(what.to_owned()));
    }

    fn say(&mut self) -> Sentence<'_, 'a> {
        Sentence {
            writer: self,
            pieces: Vec::new(),
        }
    }

    /// The number of `figure`'s appendix table, adding the table the first time.
    fn appendix(&mut self, figure: Figure) -> usize {
        let label = figure.label();
        if let Some(existing) = self.appendices.iter().find(|a| a.label == label) {
            return existing.number;
        }
        let rows = statistics::trace(self.records, None, self.period, figure)
            .into_iter()
            .map(|counted| AppendixRow {
                village: self
                    .township
                    .villages
                    .get(&counted.village)
                    .cloned()
                    .unwrap_or(counted.village),
                on: counted.on,
                what: counted.what,
                adds: counted.adds,
            })
            .collect();
        let number = self.appendices.len() + 1;
        self.appendices.push(Appendix {
            number,
            value: figure.count(&self.figures).to_string(),
            label,
            rows,
        });
        number
    }

    fn rate(&self) -> String {
        percent(self.figures.mediation_rate_percent())
    }

    fn opening(&mut self) {
        self.pending("开篇综述：上级的领导、全年工作的主线和总体成效");
    }

    /// 一、抓根本强基础: organisation, standardisation, responsibility letters.
    fn foundations(&mut self) {
        self.heading("一、抓根本强基础，综合治理工作取得显著成果。");
        self.pending("一是进一步强化全镇维稳意识：全年召开综治维稳工作会的情况");
        self.pending("二是进一步健全综治组织机构：综治委和综治办的人员调整，全年投入的综治维稳工作经费（本系统不记经费）");
        self.say()
            .t("全镇各村（居）按照“四个一”“五个有”的要求加强综治规范化建设。今年镇里开展综治工作检查评比，全镇")
            .f(Figure::VillagesMeetingStandard)
            .t("个村（居）达到综治规范化建设标准，")
            .f(Figure::VillagesToRectify)
            .t("个村（居）未达标，责令其限期整改。")
            .done();
        let rate = self.rate();
        let calm = [
            Figure::DisputesEscalatedAbove,
            Figure::DisputesEscalated,
            Figure::DisputesOverdue,
        ]
        .iter()
        .all(|f| f.count(&self.figures) == 0);
        let s = self
            .say()
            .t("三是进一步落实综治责任制。镇综治委与各村（居）层层签订综治工作责任状，共签订综治责任状")
            .f(Figure::LettersOfKind(LetterKind::Annual))
            .t("份，端午节划龙舟维稳责任状")
            .f(Figure::LettersOfKind(LetterKind::DragonBoat))
            .t("份，其他专项责任状")
            .f(Figure::LettersOfKind(LetterKind::Special))
            .t("份。");
        let s = if calm {
            s.t("全年工作实现矛盾无上交、无升级、无积压（")
        } else {
            s.t("全年矛盾纠纷")
        };
        s.t("上交镇以上")
            .f(Figure::DisputesEscalatedAbove)
            .t("件，升级")
            .f(Figure::DisputesEscalated)
            .t("件，年末逾期未办结")
            .f(Figure::DisputesOverdue)
            .t(if calm { "件），" } else { "件，" })
            .t("矛盾纠纷调处率达")
            .shown_as(Figure::DisputesMediated, rate)
            .t("％。")
            .done();
        self.pending("无民转刑案件的情况（本系统不记刑事案件）；重点整治工作和群众满意率（本系统无满意度测评）");
    }

    /// 二、抓突破找载体: screening, patrols, outreach.
    fn tasks(&mut self) {
        self.heading("二、抓突破找载体，努力完成上级各项工作任务。");
        self.say()
            .t("一是加大矛盾排查力度。镇村两级坚持村（居）周排查、镇半月排查、每月一次例会总排查，矛盾调处中心每半月对重点人、重点事、重点单位排查。全年开展村（居）周排查")
            .f(Figure::ScreeningRoundsOfKind(ScreeningKind::VillageWeekly))
            .t("次（其中零报告")
            .f(Figure::ScreeningZeroReports)
            .t("次），镇半月排查")
            .f(Figure::ScreeningRoundsOfKind(ScreeningKind::TownshipHalfMonthly))
            .t("次，例会总排查")
            .f(Figure::ScreeningRoundsOfKind(ScreeningKind::MonthlyMeeting))
            .t("次，矛盾调处中心重点排查")
            .f(Figure::ScreeningRoundsOfKind(ScreeningKind::CentreKeyCheck))
            .t("次。")
            .done();
        self.pending(
            "成功调处的重大纠纷和信访问题（如重大事故赔偿纠纷、征地拆迁、项目建设中的矛盾）",
        );
        let rate = self.rate();
        let mut s = self
            .say()
            .t("全镇共排查各类矛盾纠纷")
            .f(Figure::DisputesScreened)
            .t("件，调处")
            .f(Figure::DisputesMediated)
            .t("件，调处率达")
            .shown_as(Figure::DisputesMediated, rate)
            .t("％，化解了")
            .f(Figure::PetitionBacklogResolved)
            .t("件信访积案，签订息诉息访协议书")
            .f(Figure::AgreementsOfKind(
                pingan_shared::records::vocabulary::AgreementKind::PetitionSettlement,
            ))
            .t("份。排查的纠纷中");
        let categories: Vec<DisputeCategory> = DisputeCategory::ALL
            .iter()
            .copied()
            .filter(|&c| s.writer.figures.disputes_of(c) > 0)
            .collect();
        for (i, category) in categories.iter().enumerate() {
            s = s
                .t(if i == 0 { "" } else { "，" })
                .t(category.label_zh())
                .f(Figure::DisputesOfCategory(*category))
                .t("件");
        }
        s.t("。").done();
        let coverage = percent(
            self.figures
                .joint_defence_coverage_percent(self.township.villages.len()),
        );
        self.say()
            .t("二是加大治安防范力度。全年专职巡防队巡防")
            .f(Figure::PatrolsBy(PatrolTeam::FullTime))
            .t("次，群众义务巡防队巡防")
            .f(Figure::PatrolsBy(PatrolTeam::Volunteer))
            .t("次，巡防中发现处置问题")
            .f(Figure::PatrolIncidents)
            .t("起。各村（居）以“十户联防”“户户联防”等形式组建联防组")
            .f(Figure::JointDefenceGroups)
            .t("个，参加联防")
            .f(Figure::JointDefenceHouseholds)
            .t("户，现我镇")
            .shown_as(Figure::VillagesWithDefenceNetwork, coverage)
            .t("％的村（居）已建立起群众性的群防群治治安巡防网络。")
            .done();
        self.pending("重点部位的物防、技防措施");
        let campaign = self.figures.outreach_campaign();
        let mut s = self.say().t("三是加大下访接访力度。");
        if let Some(campaign) = campaign {
            let month = campaign.month.rsplit('-').next().unwrap_or_default();
            let month = month.trim_start_matches('0').to_owned();
            s = s
                .t("下访最集中的")
                .shown_as(Figure::OutreachVisits, month)
                .t("月，到全镇")
                .shown_as(Figure::OutreachVisits, campaign.villages.to_string())
                .t("个村（居）下访。");
        }
        s.t("全年下访走访")
            .f(Figure::OutreachVisits)
            .t("次，共收集群众反映的问题")
            .f(Figure::OutreachProblemKinds)
            .t("类共")
            .f(Figure::OutreachProblemsCollected)
            .t("件，除")
            .f(Figure::OutreachProblemsWith(
                ProblemOutcome::WaitingOnDepartment,
            ))
            .t("件有待和上级有关部门联系后再行协商解决、")
            .f(Figure::OutreachProblemsWith(ProblemOutcome::Pending))
            .t("件待办外，其余")
            .f(Figure::OutreachProblemsWith(ProblemOutcome::ResolvedOnSpot))
            .t("件当场妥善化解。")
            .done();
        self.pending(
            "领导包案、带案下访的情况；四是加大治安整治力度：重点地区排查整治和专项整治的成效",
        );
    }

    /// 三、抓台账显规范: the rules and bodies, and publicity.
    fn standards(&mut self) {
        self.heading("三、抓台账显规范，提高综合治理规范化水平。");
        self.pending("一至四：综治组织领导、工作制度、硬件设施和队伍的规范化建设");
        self.say()
            .t("五是实现法制宣传阵地规范化建设。利用宣传车、宣传单、宣传栏、广播等形式全年开展宣传活动")
            .f(Figure::PublicityActivities)
            .t("次，发放各种资料")
            .f(Figure::PublicityMaterialsHandedOut)
            .t("份，书写标语")
            .f(Figure::PublicitySlogansWritten)
            .t("条，办宣传专栏")
            .f(Figure::PublicityColumnsRun)
            .t("期。")
            .done();
    }

    /// 四、抓管理求创新: floating residents, land-acquisition disputes, key persons.
    fn innovation(&mut self) {
        self.heading("四、抓管理求创新，科学打造综合治理工作亮点。");
        self.say()
            .t("一是创新流动人口管理服务。以证管人、以房管人、以业管人，全年登记流动人口")
            .f(Figure::FloatingResidentsRegistered)
            .t("人，年末在册")
            .f(Figure::FloatingResidentsPresent)
            .t("人；登记出租房屋")
            .f(Figure::RentalHousesRegistered)
            .t("处，其中签订治安责任书")
            .f(Figure::RentalHousesWithLetter)
            .t("处。")
            .done();
        self.pending("二是创新协调联动工作机制：与周边镇村联合排查、联合打击、联合整治的情况");
        self.say()
            .t("三是创新征迁矛盾调节化解。全年排查征地拆迁纠纷")
            .f(Figure::DisputesOfCategory(DisputeCategory::LandAcquisition))
            .t("件，针对重点矛盾纠纷可能引发的不稳定情况制定应急预案")
            .f(Figure::ContingencyPlans)
            .t("份。")
            .done();
        self.pending("由征迁工作引发的越级非正常上访情况（本系统未记录越级上访）");
        self.say()
            .t("四是创新社会治安服务队伍建设。专职巡防队员和村（居）干部结对重点对象")
            .f(Figure::KeyPersonsUnderWatch)
            .t("人，走访")
            .f(Figure::KeyPersonVisits)
            .t("次。")
            .done();
    }
}

/// A percentage as the report writes it (`100`, `93.3`); `—` when there is nothing to divide.
fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| v.to_string())
}
