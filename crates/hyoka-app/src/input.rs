//! Reading what a person typed into the set-up forms: names, codes, years
//! and lists, each refused with a Japanese message naming its field.

use hyoka_core::text::normalise;
use hyoka_core::FiscalYear;

use crate::CommandError;

/// Width-folded and trimmed text, required, at most `max` characters.
pub(crate) fn required(field: &str, label: &str, text: &str, max: usize) -> Result<String, CommandError> {
    optional(field, label, text, max)?
        .ok_or_else(|| CommandError::invalid(field, format!("{label}を入力してください。")))
}

/// Width-folded and trimmed text, `None` when blank, at most `max`
/// characters.
pub(crate) fn optional(field: &str, label: &str, text: &str, max: usize) -> Result<Option<String>, CommandError> {
    let t = normalise(text);
    if t.chars().count() > max {
        return Err(CommandError::invalid(field, format!("{label}は{max}文字以内にしてください。")));
    }
    Ok((!t.is_empty()).then_some(t))
}

/// Text kept as typed (line breaks and all), trimmed; for definitions and
/// formulas, which people paste.
pub(crate) fn optional_long(field: &str, label: &str, text: &str, max: usize) -> Result<Option<String>, CommandError> {
    let t = text.trim().replace("\r\n", "\n");
    if t.chars().count() > max {
        return Err(CommandError::invalid(field, format!("{label}は{max}文字以内にしてください。")));
    }
    Ok((!t.is_empty()).then_some(t))
}

/// A fiscal year as typed: `2025`, `令和7年度`, `R07`, `FY2025`.
pub(crate) fn year(field: &str, label: &str, text: &str) -> Result<Option<FiscalYear>, CommandError> {
    let t = normalise(text);
    if t.is_empty() {
        return Ok(None);
    }
    let parsed = match t.parse::<i32>() {
        Ok(y) => FiscalYear::new(y).ok(),
        Err(_) => FiscalYear::parse(&t).ok(),
    };
    parsed.map(Some).ok_or_else(|| {
        CommandError::invalid(field, format!("{label}「{t}」を年度として読み取れません（例: 2025、令和7年度、R07）。"))
    })
}

pub(crate) fn required_year(field: &str, label: &str, text: &str) -> Result<FiscalYear, CommandError> {
    year(field, label, text)?
        .ok_or_else(|| CommandError::invalid(field, format!("{label}を入力してください（例: 2025、令和7年度）。")))
}

/// A list typed in one field, split at commas, 、 and line breaks; blanks
/// dropped, duplicates kept once, in order.
pub(crate) fn list(field: &str, label: &str, text: &str, max_each: usize) -> Result<Vec<String>, CommandError> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split([',', '、', '，', '\n']) {
        let t = normalise(part);
        if t.is_empty() || out.contains(&t) {
            continue;
        }
        if t.chars().count() > max_each {
            return Err(CommandError::invalid(field, format!("{label}「{t}」は{max_each}文字以内にしてください。")));
        }
        out.push(t);
    }
    Ok(out)
}

/// A list shown in one line of the audit log; `None` when empty.
pub(crate) fn shown(list: &[String]) -> Option<String> {
    (!list.is_empty()).then(|| list.join("、"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_take_the_usual_forms() {
        assert_eq!(year("y", "年度", "2025").unwrap().unwrap().year(), 2025);
        assert_eq!(year("y", "年度", "令和7年度").unwrap().unwrap().year(), 2025);
        assert_eq!(year("y", "年度", " ").unwrap(), None);
        let e = year("from", "開始年度", "来年").unwrap_err();
        assert!(matches!(&e, CommandError::Invalid { field: Some(f), .. } if f == "from"), "{e}");
        assert!(e.to_string().contains("「来年」"));
    }

    #[test]
    fn lists_split_on_commas_and_lines() {
        assert_eq!(list("t", "印", "新規、 重点,新規\n\n主要", 20).unwrap(), vec!["新規", "重点", "主要"]);
        assert!(list("t", "印", &"あ".repeat(21), 20).is_err());
    }

    #[test]
    fn text_is_folded_and_bounded() {
        assert_eq!(required("n", "名称", "　企画部 ", 10).unwrap(), "企画部");
        assert!(required("n", "名称", "  ", 10).unwrap_err().to_string().contains("名称を入力"));
        assert!(optional("n", "名称", "あいう", 2).is_err());
    }
}
