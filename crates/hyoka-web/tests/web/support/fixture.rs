//! The authorisation fixture: two cities, two sections, one account per
//! role, built from the published seeds; and the filling of route
//! templates from it.

use hyoka_core::access::Role;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, ValueRole};
use hyoka_store::{FiscalYearRecord, NewIndicator, Store};

use super::FY;

// ----------------------------------------------------------------- fixture

pub const OWN_CITY: &str = "132047";
pub const OTHER_CITY: &str = "222062";

/// Which resource a path is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// 三鷹市, 企画部 (the section of 企-1 … 企-12).
    OwnSection,
    /// 三鷹市, another section (生活環境部 生活経済課, from the white paper).
    OtherSection,
    /// 三島市.
    OtherCity,
    /// 三鷹市's code with 三島市's ids (`/m/132047/items/<an item of
    /// 三島市>`): an id must be checked against the city in the path.
    ForeignId,
}

impl Variant {
    pub const ALL: [Variant; 4] = [Variant::OwnSection, Variant::OtherSection, Variant::OtherCity, Variant::ForeignId];

    pub fn label(self) -> &'static str {
        match self {
            Variant::OwnSection => "own-section",
            Variant::OtherSection => "other-section",
            Variant::OtherCity => "other-city",
            Variant::ForeignId => "foreign-id",
        }
    }
}

/// The ids one variant fills path parameters with.
#[derive(Clone, Debug)]
pub struct Resources {
    pub code: &'static str,
    pub item: i64,
    pub plan: i64,
    pub node: i64,
    pub indicator: i64,
    /// A spare account of that city and section, never one that signs in
    /// during the matrix: a route may disable it or reset its password.
    pub login: &'static str,
    pub section: i64,
    /// The department of `section`.
    pub department: i64,
}

/// Who signs in during the matrix.
#[derive(Clone, Debug)]
pub struct Actor {
    pub login: &'static str,
    pub role: Role,
    pub city: Option<&'static str>,
    pub section: Option<i64>,
}

pub struct Fixture {
    pub own: Resources,
    pub other_section: Resources,
    pub other_city: Resources,
    /// 三鷹市's code, 三島市's ids.
    pub foreign_id: Resources,
    pub actors: Vec<Actor>,
}

impl Fixture {
    pub fn resources(&self, v: Variant) -> &Resources {
        match v {
            Variant::OwnSection => &self.own,
            Variant::OtherSection => &self.other_section,
            Variant::OtherCity => &self.other_city,
            Variant::ForeignId => &self.foreign_id,
        }
    }

    pub fn actor(&self, login: &str) -> &Actor {
        self.actors.iter().find(|a| a.login == login).unwrap_or_else(|| panic!("no actor {login}"))
    }
}

const SEEDS: [&str; 3] = [
    "000_1a8dd8067da68eba.txt", // 三鷹市 個別事業評価表 (企-1 … 企-12)
    "001_9b686f713a20fe01.txt", // 三島市 行政評価表
    "002_f160ebe9d3a69d59.txt", // 三鷹市 自治体経営白書 (other sections)
];

/// Imports the seeds of 三鷹市 and 三島市 and creates one account per role.
pub async fn build_fixture(store: &Store) -> Fixture {
    let batches: Vec<(String, hyoka_import::Batch)> = SEEDS
        .iter()
        .map(|f| {
            let path = format!("{}/../../demo/seeds/{f}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let (_, batch) = hyoka_import::read_published(f, &text).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), batch)
        })
        .collect();
    hyoka_import::apply(store, &batches, false).await.unwrap();

    let kikaku = store.section_id(OWN_CITY, "企画部", "").await.expect("企画部 holds 企-1 … 企-12");
    let keizai = store.section_id(OWN_CITY, "生活環境部", "生活経済課").await.expect("a white-paper section");
    let johoseisaku = store.section_id(OTHER_CITY, "企画戦略部", "情報政策課").await.expect("三島市 情報政策課");

    let items = store.items(OWN_CITY).await.unwrap();
    let own_item = items.iter().find(|i| i.code == "企-1").expect("企-1").id;
    let mut other_item = None;
    for i in &items {
        if store.item_sections(i.id).await.unwrap() == [("生活環境部".to_string(), "生活経済課".to_string())]
            && !store.item_indicators(i.id).await.unwrap().is_empty()
        {
            other_item = Some(i.id);
            break;
        }
    }
    let other_item = other_item.expect("an item of 生活経済課 with indicators");
    let mut mishima_item = None;
    for i in store.items(OTHER_CITY).await.unwrap() {
        if !store.item_indicators(i.id).await.unwrap().is_empty() {
            mishima_item = Some(i.id);
            break;
        }
    }
    let mishima_item = mishima_item.expect("a 三島市 item with indicators");

    // 企-1 has no indicator of its own in the seeds; give it one so that
    // `{indicator}` has an own-section value.
    let fy = FiscalYear::new(FY).unwrap();
    let mut tx = store.begin().await.unwrap();
    let own_indicator = tx
        .upsert_indicator(
            OWN_CITY,
            &NewIndicator {
                key: "authz-own-indicator".into(),
                name: "企-1 の検証用指標".into(),
                kind: IndicatorKind::Activity,
                definition: Some("認可テスト用".into()),
                unit: Some("件".into()),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("achievement".into()),
                item_id: Some(own_item),
                node_id: None,
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    tx.set_indicator_value(own_indicator, fy, ValueRole::Target, &IndicatorCell::parse("10件")).await.unwrap();
    tx.set_indicator_value(own_indicator, fy, ValueRole::Actual, &IndicatorCell::parse("12件")).await.unwrap();
    for (city, item) in [(OWN_CITY, own_item), (OWN_CITY, other_item), (OTHER_CITY, mishima_item)] {
        tx.sheet_for_update(item, fy).await.unwrap();
        tx.set_fiscal_year(&FiscalYearRecord {
            municipality: city.into(),
            fiscal_year: fy,
            locked: false,
            deadline: Some("2018-06-30".into()),
        })
        .await
        .unwrap();
    }
    // The portal and the API answer 404 for a year that is not published
    // (and only a locked year can be): lock and publish 2018 so that their
    // public routes have something to show.
    for city in [OWN_CITY, OTHER_CITY] {
        let year = FiscalYearRecord {
            municipality: city.into(),
            fiscal_year: fy,
            locked: true,
            deadline: Some("2018-06-30".into()),
        };
        tx.set_fiscal_year(&year).await.unwrap();
        tx.publish_year(city, fy, None).await.unwrap();
    }
    tx.commit().await.unwrap();

    let other_indicator = store.item_indicators(other_item).await.unwrap()[0].id;
    let mishima_indicator = store.item_indicators(mishima_item).await.unwrap()[0].id;
    let (own_plan, own_node) = placement(store, OWN_CITY, own_item).await;
    let (other_plan, other_node) = placement(store, OWN_CITY, other_item).await;
    let (mishima_plan, mishima_node) = placement(store, OTHER_CITY, mishima_item).await;

    let actors = vec![
        Actor { login: "admin", role: Role::Admin, city: Some(OWN_CITY), section: None },
        Actor { login: "editor-own", role: Role::Editor, city: Some(OWN_CITY), section: Some(kikaku) },
        Actor { login: "editor-other", role: Role::Editor, city: Some(OWN_CITY), section: Some(keizai) },
        Actor { login: "head-own", role: Role::Head, city: Some(OWN_CITY), section: Some(kikaku) },
        Actor { login: "head-other", role: Role::Head, city: Some(OWN_CITY), section: Some(keizai) },
        Actor { login: "reviewer", role: Role::Reviewer, city: Some(OWN_CITY), section: None },
        Actor { login: "viewer", role: Role::Viewer, city: Some(OWN_CITY), section: None },
        Actor { login: "mishima-admin", role: Role::Admin, city: Some(OTHER_CITY), section: None },
        Actor { login: "system", role: Role::SystemAdmin, city: None, section: None },
    ];
    for a in &actors {
        super::named_account(store, a.login, &format!("{} さん", a.login), a.role, a.city, a.section).await;
    }
    // Targets of `{login}`, never signed in with.
    super::named_account(store, "target-own", "対象 企画部", Role::Editor, Some(OWN_CITY), Some(kikaku)).await;
    super::named_account(store, "target-other", "対象 生活経済課", Role::Editor, Some(OWN_CITY), Some(keizai)).await;
    super::named_account(store, "target-mishima", "対象 三島市", Role::Editor, Some(OTHER_CITY), Some(johoseisaku))
        .await;

    let department = |id: i64| async move { store.section(id).await.expect("a section of the fixture").department_id };
    let other_city = Resources {
        department: department(johoseisaku).await,
        code: OTHER_CITY,
        item: mishima_item,
        plan: mishima_plan,
        node: mishima_node,
        indicator: mishima_indicator,
        login: "target-mishima",
        section: johoseisaku,
    };
    Fixture {
        foreign_id: Resources { code: OWN_CITY, ..other_city.clone() },
        other_city,
        own: Resources {
            code: OWN_CITY,
            item: own_item,
            plan: own_plan,
            node: own_node,
            indicator: own_indicator,
            login: "target-own",
            section: kikaku,
            department: department(kikaku).await,
        },
        other_section: Resources {
            code: OWN_CITY,
            item: other_item,
            plan: other_plan,
            node: other_node,
            indicator: other_indicator,
            login: "target-other",
            section: keizai,
            department: department(keizai).await,
        },
        actors,
    }
}

/// A plan node the item is placed under, and its plan; any of the city's
/// plans and nodes when it is placed nowhere.
async fn placement(store: &Store, city: &str, item: i64) -> (i64, i64) {
    let plans = store.plans(city).await.unwrap();
    for p in &plans {
        for n in store.plan_nodes(p.id).await.unwrap() {
            if store.node_items(n.id).await.unwrap().iter().any(|(i, _)| i.id == item) {
                return (p.id, n.id);
            }
        }
    }
    let p = plans.first().expect("the city has a plan");
    let n = store.plan_nodes(p.id).await.unwrap().first().expect("the plan has nodes").id;
    (p.id, n)
}

// ------------------------------------------------------------ templates

/// The parameters a route template names, in order.
pub fn params(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    out
}

/// Fills a route template with one variant's resources. A parameter the
/// fixture cannot fill is an error naming it, so that a route with a new
/// kind of parameter fails the tests instead of being skipped.
pub fn fill(template: &str, r: &Resources) -> Result<String, String> {
    let mut path = template.to_string();
    for p in params(template) {
        let value = match p {
            "code" => r.code.to_string(),
            "item" => r.item.to_string(),
            "fy" => FY.to_string(),
            "plan" => r.plan.to_string(),
            "node" => r.node.to_string(),
            "indicator" => r.indicator.to_string(),
            "login" => r.login.to_string(),
            "section" => r.section.to_string(),
            "department" => r.department.to_string(),
            "table" => "indicators".to_string(),
            "report" => "summary".to_string(),
            // The portal offers a year's sheets as files only.
            "format" if template.starts_with("/p/") => "pdf".to_string(),
            "format" => "html".to_string(),
            other => return Err(other.to_string()),
        };
        path = path.replace(&format!("{{{p}}}"), &value);
    }
    Ok(path)
}

/// Whether the template names a resource whose section matters (a sheet,
/// or an indicator on a sheet).
pub fn names_section(template: &str) -> bool {
    params(template).iter().any(|p| matches!(*p, "item" | "indicator"))
}

/// Whether the template names anything that differs between variants.
pub fn varies(template: &str) -> bool {
    params(template)
        .iter()
        .any(|p| matches!(*p, "code" | "item" | "plan" | "node" | "indicator" | "login" | "section" | "department"))
}

/// Whether the template names the city and an id within it, so that an id
/// of another city can be put under the city's code.
pub fn names_id_in_city(template: &str) -> bool {
    let p = params(template);
    p.contains(&"code")
        && p.iter().any(|p| matches!(*p, "item" | "plan" | "node" | "indicator" | "login" | "section" | "department"))
}
