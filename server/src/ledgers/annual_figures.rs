//! 年度平安建设数据: every figure of the annual report per village and for the township, one
//! sheet, in the order and words of `statistics::counts()` — the list the office's 统计 screen
//! shows — with the mediation rate after the count of disputes mediated.

use pingan_shared::statistics::{self, Figure, Figures, MEDIATION_RATE_LABEL, Period};

use super::{Cell, Sheet, Township};

pub(super) fn sheets(township: &Township, period: Period) -> Vec<Sheet> {
    let per_village: Vec<Figures> = township
        .villages
        .keys()
        .map(|id| township.figures(Some(id), period))
        .collect();
    let total = township.figures(None, period);
    let columns = std::iter::once("指标".to_owned())
        .chain(township.villages.values().cloned())
        .chain(std::iter::once("全镇合计".to_owned()))
        .collect();
    // One row per figure: its name, each village's value, the township's.
    let row = |label: &str, value: &dyn Fn(&Figures) -> Cell| -> Vec<Cell> {
        std::iter::once(Cell::text(label))
            .chain(per_village.iter().map(value))
            .chain(std::iter::once(value(&total)))
            .collect()
    };
    let mut rows = Vec::new();
    for figure in statistics::counts() {
        rows.push(row(&figure.label(), &|f| Cell::count(figure.count(f))));
        if figure == Figure::DisputesMediated {
            rows.push(row(MEDIATION_RATE_LABEL, &|f| {
                f.mediation_rate_percent()
                    .map_or(Cell::text("—"), Cell::Number)
            }));
        }
    }
    vec![Sheet {
        name: "年度数据".to_owned(),
        columns,
        rows,
    }]
}
