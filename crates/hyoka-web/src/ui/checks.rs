//! A consistency-check flag as the staff pages show it (docs/checks.md):
//! severity, rule, place, the message and the two values side by side,
//! and the form that acknowledges it with a reason or reopens it.

use hyoka_app::check::{AckState, FlagEntry};
use hyoka_core::check::rule;
use maud::{html, Markup};

/// A refused acknowledgement, shown on its flag's form.
pub struct RefusedAck {
    pub flag: String,
    pub message: String,
    pub typed: String,
}

/// Where the flag's forms post: `{base}/acknowledge` and `{base}/reopen`,
/// with the page's CSRF token. `None`: shown without forms.
pub struct AckForms<'a> {
    pub base: String,
    pub csrf: &'a str,
    pub refused: Option<&'a RefusedAck>,
    /// The 部 the page lists, sent back so that the answer shows it again.
    pub department: Option<&'a str>,
}

/// The rule's Japanese title, or the import's for a finding.
pub fn title(code: &str) -> &'static str {
    rule(code).map_or("取り込み時の要確認事項", |r| r.title)
}

pub fn flag_block(f: &FlagEntry, forms: Option<&AckForms<'_>>, anchor: Option<&str>) -> Markup {
    let flag = &f.flag;
    let short = &f.id[..12];
    html! {
        section class="check-flag" id={ "flag-" (short) } {
            p {
                strong { "［" (flag.severity.label()) "］" } " " (title(&flag.rule))
                " " span class="note" { (flag.kind.label()) }
            }
            p {
                "場所: "
                @if let Some(a) = anchor { a href={ "#" (a) } { (flag.place.describe()) } } @else { (flag.place.describe()) }
            }
            p { (flag.message) }
            table class="check-values" {
                caption class="sr-only" { "食い違う二つの値" }
                tbody {
                    tr { th scope="row" { (flag.left.label) } td { (flag.left.value) } }
                    @if !flag.right.label.is_empty() || !flag.right.value.is_empty() {
                        tr { th scope="row" { (flag.right.label) } td { (flag.right.value) } }
                    }
                }
            }
            @if let Some(a) = &f.acknowledgement {
                p { strong { (AckState::of_code(&a.state).label()) } "（" (a.actor) "）: " (a.reason) }
            }
            @if let Some(forms) = forms { (ack_form(f, forms, short)) }
        }
    }
}

fn ack_form(f: &FlagEntry, forms: &AckForms<'_>, short: &str) -> Markup {
    let reason_id = format!("reason-{short}");
    let error_id = format!("reason-{short}-error");
    let error = forms.refused.filter(|r| r.flag == f.id);
    html! {
        @if f.acknowledgement.is_some() {
            form method="post" action={ (forms.base) "/reopen" } {
                input type="hidden" name="_csrf" value=(forms.csrf);
                input type="hidden" name="flag" value=(f.id);
                @if let Some(d) = forms.department { input type="hidden" name="dept" value=(d); }
                p { button type="submit" { "未確認に戻す" } }
            }
        } @else {
            form method="post" action={ (forms.base) "/acknowledge" } {
                input type="hidden" name="_csrf" value=(forms.csrf);
                input type="hidden" name="flag" value=(f.id);
                @if let Some(d) = forms.department { input type="hidden" name="dept" value=(d); }
                p {
                    label for=(reason_id) { "確認済みにする理由（必須。変更履歴に記録します）" }
                    @if let Some(e) = error { br; span id=(error_id) class="error" { (e.message) } }
                    br;
                    textarea id=(reason_id) name="reason" aria-invalid=[error.map(|_| "true")]
                        aria-describedby=[error.map(|_| error_id.as_str())] {
                        (error.map_or("", |e| e.typed.as_str()))
                    }
                }
                p {
                    input id={ "resolved-" (short) } type="checkbox" name="resolved" value="yes";
                    " " label for={ "resolved-" (short) } { "修正した（対応済み）として記録する" }
                }
                p { button type="submit" { "確認済みにする" } }
            }
        }
    }
}
