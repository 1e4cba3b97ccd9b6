//! The demo: the five published documents shipped with hyoka, imported into
//! a fresh database, so that the first run shows real data.

use hyoka_app::accounts::CreateAccount;
use hyoka_app::year::{LockYear, PublishYear};
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

/// One account per role in 三鷹市 (editor and head in 企画部, whose sheets
/// 企-1 … 企-12 are in the demo), one editor in 三島市 to show that cities
/// are apart, and a system administrator. Passwords are generated and
/// printed: a demo left running is not an open door.
pub async fn create_accounts(app: &App) -> CliResult {
    let store = app.store();
    let mitaka = Some("132047");
    let kikaku = store.section_id("132047", "企画部", "").await.ok();
    let mishima_section = store.section_id("222062", "企画戦略部", "情報政策課").await.ok();
    let accounts = [
        ("admin", "三鷹市 企画経営課（管理者）", Role::Admin, mitaka, None),
        ("editor", "三鷹市 企画部 担当者", Role::Editor, mitaka, kikaku),
        ("head", "三鷹市 企画部長", Role::Head, mitaka, kikaku),
        ("reviewer", "三鷹市 事業評価審査会", Role::Reviewer, mitaka, None),
        ("viewer", "三鷹市 閲覧者", Role::Viewer, mitaka, None),
        ("mishima-editor", "三島市 情報政策課 担当者", Role::Editor, Some("222062"), mishima_section),
        ("system", "システム管理者", Role::SystemAdmin, None, None),
    ];
    let me = Actor::Operator { name: "デモの準備".into() };
    println!("デモ用アカウント（ログイン名 / パスワード / 役割）:");
    for (login, name, role, city, section) in accounts {
        let created = app
            .run(
                &me,
                CreateAccount {
                    municipality: city.map(str::to_string),
                    login: login.to_string(),
                    display_name: name.to_string(),
                    role,
                    section_id: section,
                    password: None,
                },
            )
            .await?;
        println!("  {login:<15} {}  {}", created.password, role.label());
    }
    Ok(())
}

/// The seed documents were published by their cities, so their years are
/// locked and published at once and the public portal shows them. 三鷹市's
/// FY2018 project sheets stay open, for trying the staff application.
pub const PUBLISHED: [(&str, i32); 4] = [("132047", 2020), ("222062", 2018), ("132110", 2017), ("132136", 2019)];

pub async fn publish_seed_years(app: &App) -> CliResult {
    let me = Actor::Operator { name: "デモの準備".into() };
    for (city, year) in PUBLISHED {
        let fiscal_year = FiscalYear::new(year)?;
        app.run(&me, LockYear { municipality: city.to_string(), fiscal_year }).await?;
        app.run(&me, PublishYear { municipality: city.to_string(), fiscal_year }).await?;
    }
    Ok(())
}
