//! The city's own words: a criterion rated with a category the city does
//! not use.

use crate::check::view::SheetView;
use crate::check::{Out, Rule, Run, Scope, Severity, Side};
use crate::narrative::Block;

pub const CRITERION_CATEGORY: Rule = Rule {
    code: "criterion_category",
    title: "評価の観点の区分が市の区分にない",
    explanation:
        "評価の観点（目的妥当性・有効性など）の区分を、市が定めた区分（管理 → 評価の観点と方向性の語）と比べ、\
そこにない区分を示します。区分を定めていない観点は比べません。",
    scope: Scope::Sheet,
    run: Run::Sheet(criterion_category),
};

fn criterion_category(v: &SheetView, out: &mut Out) {
    let Some(words) = v.words else { return };
    for n in &v.sheet.narratives {
        let row = &n.row;
        let Some(criterion) = words.criterion(&row.label) else { continue };
        if criterion.categories.is_empty() {
            continue;
        }
        // The category is the first paragraph, as the importers store it.
        let Some(Block::Paragraph(category)) = row.text.blocks.first() else { continue };
        if criterion.allows(category) {
            continue;
        }
        let allowed = criterion.categories.join("・");
        out.push(
            Severity::Warning,
            v.place(&row.label, Some("区分"), row.fiscal_year.or(v.sheet.fiscal_year), n.line),
            format!("{}の区分「{category}」は、市の区分（{allowed}）にありません。", criterion.name),
            Side::new("記載された区分", category.clone()),
            Side::new("市の区分", allowed),
        );
    }
}
