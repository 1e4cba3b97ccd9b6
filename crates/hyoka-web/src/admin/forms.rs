//! What the set-up pages' forms share: the messages of the one form that
//! was refused, fields that show their message next to them (tied with
//! `aria-describedby`, marked `aria-invalid`), and the translation of a
//! command's refusal into those messages.
//!
//! Several forms live on one page (rename, end, merge …), so every field
//! id is `{form}-{field}` and only the refused form shows messages.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hyoka_app::CommandError;
use maud::{html, Markup};

use crate::http::AppError;

/// The refused form, its messages by field, and what was typed.
#[derive(Default)]
pub(super) struct Refusal {
    pub form: String,
    pub fields: BTreeMap<String, String>,
    /// A message for the whole form (a conflict, not one field's fault).
    pub general: Option<String>,
    pub typed: BTreeMap<String, String>,
}

impl Refusal {
    /// The messages of a command that refused its input; other errors pass
    /// through (404, 403, a store failure). A conflict (a node still in
    /// use, a locked year) is shown above the form.
    pub fn from_command(form: &str, typed: &[(&str, &str)], e: CommandError) -> Result<Refusal, AppError> {
        let mut r = Refusal {
            form: form.to_string(),
            typed: typed.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Refusal::default()
        };
        match e {
            CommandError::Invalid { field: Some(f), message } => {
                r.fields.insert(f, message);
            }
            CommandError::Invalid { field: None, message } | CommandError::Conflict(message) => {
                r.general = Some(message)
            }
            other => return Err(other.into()),
        }
        Ok(r)
    }

    pub fn is(&self, form: &str) -> bool {
        self.form == form
    }

    /// The message of a field of `form`.
    pub fn message(&self, form: &str, field: &str) -> Option<&str> {
        self.is(form).then(|| self.fields.get(field).map(String::as_str)).flatten()
    }

    /// What was typed in a field of `form`, when that form was refused.
    pub fn typed(&self, form: &str, field: &str) -> Option<&str> {
        self.is(form).then(|| self.typed.get(field).map(String::as_str)).flatten()
    }

    /// The value a field shows: what was typed when its form was refused,
    /// else what is stored.
    pub fn value(&self, form: &str, field: &str, stored: &str) -> String {
        self.typed(form, field).unwrap_or(stored).to_string()
    }

    /// A message for the whole form, or a field message with no field on
    /// the form, shown above it.
    pub fn banner(&self, form: &str, shown_fields: &[&str]) -> Markup {
        if !self.is(form) {
            return html! {};
        }
        let stray: Vec<&String> =
            self.fields.iter().filter(|(f, _)| !shown_fields.contains(&f.as_str())).map(|(_, m)| m).collect();
        html! {
            @if let Some(m) = &self.general { p class="error" role="alert" { (m) } }
            @else if !self.fields.is_empty() { p class="error" role="alert" { "入力内容を確認してください。" } }
            @for m in stray { p class="error" { (m) } }
        }
    }
}

/// The page again with the messages: 422 for input, 409 for a conflict.
pub(super) fn refused(page: Markup, r: &Refusal) -> Response {
    let status = if r.fields.is_empty() { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, page).into_response()
}

pub(super) fn field_id(form: &str, field: &str) -> String {
    format!("{form}-{field}")
}

/// A label, the field's message and the control, tied together.
pub(super) fn labelled(
    form: &str,
    field: &str,
    label: &str,
    r: &Refusal,
    note: Option<&str>,
    control: Markup,
) -> Markup {
    let id = field_id(form, field);
    html! {
        p {
            label for=(id) { (label) }
            @if let Some(m) = r.message(form, field) { br; span id={ (id) "-error" } class="error" { (m) } }
            br;
            (control)
            @if let Some(n) = note { " " span class="note" id={ (id) "-note" } { (n) } }
        }
    }
}

/// `aria-describedby` of a field: its message, else its note.
fn described_by(form: &str, field: &str, r: &Refusal, note: bool) -> Option<String> {
    let id = field_id(form, field);
    if r.message(form, field).is_some() {
        Some(format!("{id}-error"))
    } else {
        note.then(|| format!("{id}-note"))
    }
}

/// A one-line text field.
pub(super) struct Text<'a> {
    pub form: &'a str,
    pub field: &'a str,
    pub label: &'a str,
    pub value: String,
    pub note: Option<&'a str>,
    pub required: bool,
    pub size: u16,
}

impl<'a> Text<'a> {
    pub fn new(form: &'a str, field: &'a str, label: &'a str, value: String) -> Text<'a> {
        Text { form, field, label, value, note: None, required: false, size: 30 }
    }

    pub fn note(mut self, note: &'a str) -> Self {
        self.note = Some(note);
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn size(mut self, size: u16) -> Self {
        self.size = size;
        self
    }

    pub fn render(self, r: &Refusal) -> Markup {
        let invalid = r.message(self.form, self.field).map(|_| "true");
        let control = html! {
            input type="text" id=(field_id(self.form, self.field)) name=(self.field) value=(self.value)
                size=(self.size) required[self.required] aria-invalid=[invalid]
                aria-describedby=[described_by(self.form, self.field, r, self.note.is_some())];
        };
        labelled(self.form, self.field, self.label, r, self.note, control)
    }
}

/// A select of `(value, label)` options.
pub(super) fn select(
    form: &str,
    field: &str,
    label: &str,
    r: &Refusal,
    selected: &str,
    options: &[(String, String)],
    note: Option<&str>,
) -> Markup {
    let invalid = r.message(form, field).map(|_| "true");
    let control = html! {
        select id=(field_id(form, field)) name=(field) aria-invalid=[invalid]
            aria-describedby=[described_by(form, field, r, note.is_some())] {
            @for (v, l) in options { option value=(v) selected[v == selected] { (l) } }
        }
    };
    labelled(form, field, label, r, note, control)
}

/// A multi-line text field.
pub(super) fn textarea(form: &str, field: &str, label: &str, r: &Refusal, value: &str, note: Option<&str>) -> Markup {
    let invalid = r.message(form, field).map(|_| "true");
    let control = html! {
        textarea id=(field_id(form, field)) name=(field) rows="4" aria-invalid=[invalid]
            aria-describedby=[described_by(form, field, r, note.is_some())] { (value) }
    };
    labelled(form, field, label, r, note, control)
}

/// The hidden CSRF field every form carries.
pub(super) fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="_csrf" value=(token); }
}

/// An id typed in a form: blank is `None`; anything else must be digits.
pub(super) fn form_id(text: &str) -> Option<i64> {
    crate::http::Id::parse(text.trim()).map(|i| i.0)
}
