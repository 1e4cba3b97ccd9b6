//! The demo: the five published documents shipped with hyoka, imported into
//! a fresh database, so that the first run shows real data.

use hyoka_app::accounts::CreateAccount;
use hyoka_app::year::{LockYear, OpenYear, PublishYear};
use hyoka_app::{Actor, App};
use hyoka_core::access::Role;
use hyoka_core::FiscalYear;

use crate::outcome::CliResult;

/// (file name, text) of each seed document, embedded in the binary so the
/// demo works from any directory and on a fresh clone.
pub const SEEDS: [(&str, &str); 5] = [
    ("000_1a8dd8067da68eba.txt", include_str!("../../../demo/seeds/000_1a8dd8067da68eba.txt")),
    ("001_9b686f713a20fe01.txt", include_str!("../../../demo/seeds/001_9b686f713a20fe01.txt")),
    ("002_f160ebe9d3a69d59.txt", include_str!("../../../demo/seeds/002_f160ebe9d3a69d59.txt")),
    ("003_cdfef3ca57f45fe5.txt", include_str!("../../../demo/seeds/003_cdfef3ca57f45fe5.txt")),
    ("004_14ceec0f4c63a17a.txt", include_str!("../../../demo/seeds/004_14ceec0f4c63a17a.txt")),
];

/// A database URL for a fresh demo: a new SQLite file in the temporary
/// directory, so the demo never touches the user's `hyoka.db`.
pub fn fresh_database_url() -> String {
    let path = std::env::temp_dir().join(format!("hyoka-demo-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}", path.display())
}

/// Who the demo signs in as, per city: (login suffix, name, role, the
/// section as (部, 課), empty when the role has none).
type DemoAccount = (&'static str, &'static str, Role, (&'static str, &'static str));

/// The seed cities with the accounts of each: every role, in the sections
/// whose sheets the demo's open years hold.
const CITIES: [(&str, &str, &[DemoAccount]); 4] = [
    (
        "132047",
        "mitaka",
        &[
            ("admin", "三鷹市 企画経営課（管理者）", Role::Admin, ("", "")),
            ("editor", "三鷹市 企画部 担当者", Role::Editor, ("企画部", "")),
            ("head", "三鷹市 企画部長", Role::Head, ("企画部", "")),
            ("measure-editor", "三鷹市 企画経営課 担当者（施策）", Role::Editor, ("企画部", "企画経営課")),
            ("reviewer", "三鷹市 事業評価審査会", Role::Reviewer, ("", "")),
            ("viewer", "三鷹市 閲覧者", Role::Viewer, ("", "")),
        ],
    ),
    (
        "222062",
        "mishima",
        &[
            ("admin", "三島市 政策企画課（管理者）", Role::Admin, ("", "")),
            ("editor", "三島市 情報政策課 担当者", Role::Editor, ("企画戦略部", "情報政策課")),
            ("head", "三島市 情報政策課長", Role::Head, ("企画戦略部", "情報政策課")),
            ("reviewer", "三島市 行政評価委員会", Role::Reviewer, ("", "")),
            ("viewer", "三島市 閲覧者", Role::Viewer, ("", "")),
        ],
    ),
    (
        "132110",
        "kodaira",
        &[
            ("admin", "小平市 行政経営課（管理者）", Role::Admin, ("", "")),
            ("editor", "小平市 政策課 担当者", Role::Editor, ("", "政策課")),
            ("head", "小平市 政策課長", Role::Head, ("", "政策課")),
            ("reviewer", "小平市 行財政改革推進本部", Role::Reviewer, ("", "")),
            ("viewer", "小平市 閲覧者", Role::Viewer, ("", "")),
        ],
    ),
    (
        "132136",
        "higashimurayama",
        &[
            ("admin", "東村山市 経営政策部（管理者）", Role::Admin, ("", "")),
            ("editor", "東村山市 秘書広報課 担当者", Role::Editor, ("経営政策部", "秘書広報課")),
            ("head", "東村山市 経営政策部長", Role::Head, ("経営政策部", "")),
            ("reviewer", "東村山市 評価者", Role::Reviewer, ("", "")),
            ("viewer", "東村山市 閲覧者", Role::Viewer, ("", "")),
        ],
    ),
];

/// Every role in each of the four seed cities (`mitaka-editor`,
/// `kodaira-head` …) and a system administrator. Passwords are generated
/// and printed: a demo left running is not an open door.
pub async fn create_accounts(app: &App) -> CliResult {
    let store = app.store();
    let me = Actor::Operator { name: "デモの準備".into() };
    println!("デモ用アカウント（ログイン名 / パスワード / 役割）:");
    let system = CreateAccount {
        municipality: None,
        login: "system".into(),
        display_name: "システム管理者".into(),
        role: Role::SystemAdmin,
        section_id: None,
        password: None,
    };
    let created = app.run(&me, system).await?;
    println!("  {:<28} {}  {}", "system", created.password, Role::SystemAdmin.label());
    for (code, prefix, accounts) in CITIES {
        let city = store.municipality(code).await?;
        println!("  {}（{}）", city.name, code);
        for (suffix, name, role, (department, section)) in accounts {
            let section_id = if department.is_empty() && section.is_empty() {
                None
            } else {
                Some(store.section_id(code, department, section).await?)
            };
            let login = format!("{prefix}-{suffix}");
            let account = CreateAccount {
                municipality: Some(code.to_string()),
                login: login.clone(),
                display_name: name.to_string(),
                role: *role,
                section_id,
                password: None,
            };
            let created = app.run(&me, account).await?;
            println!("    {login:<26} {}  {}", created.password, role.label());
        }
    }
    Ok(())
}

/// The years the seed documents were published for: locked and published
/// at once, so the public portal shows them.
pub const PUBLISHED: [(&str, i32); 5] =
    [("132047", 2018), ("132047", 2020), ("222062", 2018), ("132110", 2017), ("132136", 2019)];

/// The year after each document, opened for the city's staff to work on:
/// the sheets carry the plan part of the published year.
pub const OPEN: [(&str, i32); 5] =
    [("132047", 2019), ("132047", 2021), ("222062", 2019), ("132110", 2018), ("132136", 2020)];

pub async fn publish_seed_years(app: &App) -> CliResult {
    let me = Actor::Operator { name: "デモの準備".into() };
    for (city, year) in PUBLISHED {
        let fiscal_year = FiscalYear::new(year)?;
        app.run(&me, LockYear { municipality: city.to_string(), fiscal_year }).await?;
        app.run(&me, PublishYear { municipality: city.to_string(), fiscal_year }).await?;
    }
    for (city, year) in OPEN {
        let fiscal_year = FiscalYear::new(year)?;
        app.run(&me, OpenYear { municipality: city.to_string(), fiscal_year }).await?;
    }
    Ok(())
}
