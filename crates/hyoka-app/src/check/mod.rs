//! The consistency checks (docs/checks.md) run over what the store holds:
//! a city-year ([`check_year`]) or one sheet while it is written
//! ([`check_draft`]), with the acknowledgements people gave, and the
//! commands that acknowledge a flag or reopen it ([`AcknowledgeFlag`],
//! [`ReopenFlag`]).
//!
//! Reads are set-based: a city-year is read in a fixed number of
//! statements whatever its size, then the pure rules of
//! `hyoka_core::check` run over it.

mod acknowledge;
mod draft;
mod load;

use std::collections::{BTreeMap, HashMap};

use hyoka_core::check::{check_city_year, check_sheet, Flag, FlagKind, Severity, SheetContext, SheetInput};
use hyoka_core::FiscalYear;
use hyoka_store::{AcknowledgementRecord, CheckYearSet, ItemRecord, Store, StoreError};
use sha2::{Digest, Sha256};

pub use acknowledge::{AckState, AcknowledgeFlag, ReopenFlag, MAX_REASON_CHARS};
pub use draft::check_draft;
pub use load::{city_year_input, indicator_input, name_plans, sheet_input};

use crate::CommandError;

/// One flag with what the pages and the command line show beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct FlagEntry {
    pub flag: Flag,
    /// A short stable id of the flag (hex of its fingerprint's SHA-256);
    /// `hyoka check acknowledge --fingerprint` takes it, or a prefix of it.
    pub id: String,
    /// The sheet's item, when the flag is about one.
    pub item_id: Option<i64>,
    /// The 部 responsible for the sheet (its first section's), if any.
    pub department: Option<String>,
    /// The sections responsible for the sheet: their editors may acknowledge.
    pub section_ids: Vec<i64>,
    pub acknowledgement: Option<AcknowledgementRecord>,
}

impl FlagEntry {
    pub fn is_open(&self) -> bool {
        self.acknowledgement.is_none()
    }

    /// Whether `id` names this flag: its whole id, a prefix of at least 8
    /// characters, or its fingerprint.
    pub fn is_named(&self, id: &str) -> bool {
        let id = id.trim();
        (id.len() >= 8 && self.id.starts_with(id)) || self.flag.fingerprint() == id
    }
}

/// Every flag of a city-year, in the rules' order.
#[derive(Clone, Debug, PartialEq)]
pub struct YearCheck {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    /// How many sheets were checked.
    pub sheets: usize,
    pub flags: Vec<FlagEntry>,
}

impl YearCheck {
    pub fn open(&self) -> impl Iterator<Item = &FlagEntry> {
        self.flags.iter().filter(|f| f.is_open())
    }

    pub fn acknowledged(&self) -> impl Iterator<Item = &FlagEntry> {
        self.flags.iter().filter(|f| !f.is_open())
    }

    /// Open flags counted by kind and severity, most severe first.
    pub fn open_counts(&self) -> Vec<((FlagKind, Severity), usize)> {
        let mut counts: BTreeMap<(FlagKind, std::cmp::Reverse<Severity>), usize> = BTreeMap::new();
        for f in self.open() {
            *counts.entry((f.flag.kind, std::cmp::Reverse(f.flag.severity))).or_default() += 1;
        }
        counts.into_iter().map(|((k, s), n)| ((k, s.0), n)).collect()
    }

    /// The flag named by `id` (see [`FlagEntry::is_named`]).
    pub fn find(&self, id: &str) -> Option<&FlagEntry> {
        self.flags.iter().find(|f| f.is_named(id))
    }

    /// Keeps only the flags of one sheet.
    pub fn only_item(mut self, key: &str) -> YearCheck {
        self.flags.retain(|f| f.flag.place.sheet.as_deref() == Some(key));
        self
    }
}

/// The id of a fingerprint: hex of its SHA-256.
pub fn flag_id(fingerprint: &str) -> String {
    Sha256::digest(fingerprint.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the city holds anything of the year: data printed in it or a
/// year opened on the web.
pub async fn year_known(store: &Store, city: &str, fy: FiscalYear) -> Result<bool, StoreError> {
    if store.data_years(city).await?.contains(&fy) {
        return Ok(true);
    }
    Ok(store.fiscal_years(city).await?.iter().any(|y| y.fiscal_year == fy))
}

/// Runs every rule over a city-year, with the import findings of the city
/// and the acknowledgements of the year. A city or year the store does
/// not know is "not found", in Japanese.
pub async fn check_year(store: &Store, city: &str, fy: FiscalYear) -> Result<YearCheck, CommandError> {
    store.municipality(city).await?;
    if !year_known(store, city, fy).await? {
        return Err(CommandError::NotFound(format!("{}の{}のデータ", city, fy.label())));
    }
    let started = std::time::Instant::now();
    let set = store.check_year_set(city, fy, None).await?;
    let scales = store.scales(city).await?;
    let read = started.elapsed();
    let sheets = set.items.len();
    let owners = owners(&set);
    let mut input = city_year_input(city, fy, set, &scales);
    input.words = store.city_vocabulary(city).await?;
    name_plans(&mut input, &store.plans(city).await?);
    let built = started.elapsed();
    let mut flags = check_city_year(&input);
    drop(input);
    tracing::debug!(?read, ?built, rules = ?started.elapsed(), sheets, "checks of a city-year");
    flags.extend(store.findings(Some(city)).await?.iter().map(Flag::from_finding));
    let acks = store.acknowledgements(city, fy).await?;
    Ok(YearCheck { municipality: city.to_string(), fiscal_year: fy, sheets, flags: entries(&owners, flags, acks) })
}

/// Runs the sheet rules over one stored sheet, with the sheets above it
/// (whose indicators its narrative may quote): what the sheet's pages
/// show. Reads only those sheets, in a fixed number of statements, so a
/// page of a big city stays fast; the rules of the whole year (re-listings,
/// counts, plan names) are on the year's list ([`check_year`]).
pub async fn check_stored_sheet(
    store: &Store,
    city: &str,
    fy: FiscalYear,
    item: &ItemRecord,
) -> Result<Vec<FlagEntry>, CommandError> {
    match sheet_set(store, city, fy, item).await? {
        Some(set) => sheet_flags(store, city, fy, item, &set).await,
        None => Ok(Vec::new()),
    }
}

/// The sheet's own data and that of the sheets above it (their nodes'
/// entries), in a fixed number of statements; `None` when the year holds
/// nothing of the sheet.
async fn sheet_set(
    store: &Store,
    city: &str,
    fy: FiscalYear,
    item: &ItemRecord,
) -> Result<Option<CheckYearSet>, CommandError> {
    let own = store.check_year_set(city, fy, Some(&[item.id])).await?;
    let Some(sheet) = own.items.first() else { return Ok(None) };
    // The sheet's node and the nodes above it, nearest first.
    let up: HashMap<i64, Option<i64>> = own.nodes.iter().map(|(_, n)| (n.id, n.parent_id)).collect();
    let mut nodes = Vec::new();
    let mut next = sheet.placements.iter().find(|p| !p.relisting).map(|p| p.node_id);
    while let Some(n) = next.filter(|n| !nodes.contains(n)) {
        nodes.push(n);
        next = up.get(&n).copied().flatten();
    }
    let mut ids = vec![item.id];
    if !nodes.is_empty() {
        for (_, owner) in store.check_node_items(city, fy, &nodes).await? {
            if !ids.contains(&owner) {
                ids.push(owner);
            }
        }
    }
    Ok(Some(if ids.len() > 1 { store.check_year_set(city, fy, Some(&ids)).await? } else { own }))
}

/// The sheet rules over the sheet of `item` in `set`, with the indicators
/// of the sheets above it, and the year's acknowledgements.
async fn sheet_flags(
    store: &Store,
    city: &str,
    fy: FiscalYear,
    item: &ItemRecord,
    set: &CheckYearSet,
) -> Result<Vec<FlagEntry>, CommandError> {
    let scales = store.scales(city).await?;
    let owners = owners(set);
    // A few sheets: copied, as the draft's checks keep their set.
    let mut input = city_year_input(city, fy, set.clone(), &scales);
    input.words = store.city_vocabulary(city).await?;
    name_plans(&mut input, &store.plans(city).await?);
    let Some(at) = input.sheets.iter().position(|s| s.key == item.key) else { return Ok(Vec::new()) };
    let sheet = input.sheets.remove(at);
    let by_key: HashMap<&str, &SheetInput> = input.sheets.iter().map(|s| (s.key.as_str(), s)).collect();
    let mut related = Vec::new();
    let mut next = sheet.parent.clone();
    for _ in 0..=by_key.len() {
        let Some(p) = next.as_deref().and_then(|k| by_key.get(k)) else { break };
        related.extend(p.indicators.iter());
        next = p.parent.clone().filter(|k| k != &sheet.key);
    }
    let context = SheetContext { scales: &input.scales, vocabularies: &[], related, words: Some(&input.words) };
    let flags = check_sheet(&sheet, &context);
    let acks = store.acknowledgements(city, fy).await?;
    Ok(entries(&owners, flags, acks))
}

/// What a flag's entry names of its sheet: the item, its 部 and sections.
struct Owner {
    item_id: i64,
    department: Option<String>,
    section_ids: Vec<i64>,
}

/// The owner of each sheet of the set, by the sheet's key.
fn owners(set: &CheckYearSet) -> HashMap<String, Owner> {
    set.items
        .iter()
        .map(|s| {
            let owner = Owner {
                item_id: s.item.id,
                department: s.sections.first().map(|x| x.department.clone()),
                section_ids: s.sections.iter().map(|x| x.section_id).collect(),
            };
            (s.item.key.clone(), owner)
        })
        .collect()
}

fn entries(items: &HashMap<String, Owner>, flags: Vec<Flag>, acks: Vec<AcknowledgementRecord>) -> Vec<FlagEntry> {
    let mut acks: HashMap<String, AcknowledgementRecord> =
        acks.into_iter().map(|a| (a.fingerprint_key.clone(), a)).collect();
    flags
        .into_iter()
        .map(|flag| {
            let id = flag_id(&flag.fingerprint());
            let item = flag.place.sheet.as_deref().and_then(|k| items.get(k));
            FlagEntry {
                item_id: item.map(|s| s.item_id),
                department: item.and_then(|s| s.department.clone()),
                section_ids: item.map(|s| s.section_ids.clone()).unwrap_or_default(),
                acknowledgement: acks.remove(&id),
                flag,
                id,
            }
        })
        .collect()
}
