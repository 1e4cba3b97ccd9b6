//! The review workflow on a sheet: submit, approve or return, grade, and
//! the panel of buttons the sheet page shows. (Being built.)

use hyoka_core::workflow::SheetStatus;
use hyoka_core::FiscalYear;
use maud::{html, Markup};

use crate::auth::Staff;
use crate::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r
}

/// The workflow controls for a sheet, as far as this person may use them.
pub fn panel(
    _staff: &Staff,
    _code: &str,
    _item_id: i64,
    _fy: FiscalYear,
    _status: SheetStatus,
    _locked: bool,
    _sections: &[i64],
) -> Markup {
    html! {}
}
