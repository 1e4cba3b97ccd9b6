//! The comparison shown when a save is refused because someone else saved
//! first: per differing field, what is stored now and what this person
//! typed (the merge itself is `hyoka_core::sheet::merge`).

use hyoka_core::sheet::merge::{Difference, Who};
use maud::{html, Markup};

use crate::ui::markup::lines;

/// The comparison shown above the form after a refused save.
pub(crate) fn comparison(differences: &[Difference], updated: &str) -> Markup {
    html! {
        section id="conflict" aria-labelledby="conflict-heading" {
            h2 id="conflict-heading" { "保存済みの内容とあなたの入力の比較" }
            p class="note" { (updated) }
            table {
                caption class="sr-only" { "項目ごとの、他の人が保存した内容（現在）とあなたの入力" }
                thead { tr {
                    th scope="col" { "項目" }
                    th scope="col" { "現在の保存内容" }
                    th scope="col" { "あなたの入力" }
                    th scope="col" { "フォームに入れた内容" }
                } }
                tbody {
                    @for d in differences {
                        tr class=[(d.who == Who::Both).then_some("warn")] {
                            th scope="row" { (d.label) }
                            td { @match &d.theirs { Some(v) => (lines(v)), None => span class="note" { "（空欄）" } } }
                            td { @match &d.yours { Some(v) => (lines(v)), None => span class="note" { "（空欄）" } } }
                            td { (d.who.label()) }
                        }
                    }
                }
            }
        }
    }
}
