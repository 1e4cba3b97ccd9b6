//! The rules, one file per family. Each rule is a `Rule` constant and a
//! plain function; `check::RULES` lists them.

pub mod budget;
pub mod dates;
pub mod grade;
pub mod judgement;
pub mod names;
pub mod narrative;
pub mod relisting;
pub mod table;
pub mod trend;
pub mod words;
