//! Files sent from a form (`multipart/form-data`), for the routes declared
//! with [`super::Routes::upload`]. The body is held whole, at most
//! [`MAX_UPLOAD_BYTES`]: the CSRF check reads its `_csrf` field before the
//! handler runs, and the handler reads the same bytes again after its
//! permission check. Text fields are checked as strictly as form fields.

use axum::body::{to_bytes, Bytes};
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;

use super::error::AppError;

/// The largest upload: the largest file `hyoka import` reads
/// (`hyoka_import::canonical::limits::MAX_FILE_BYTES`), for all files of
/// one upload together.
pub const MAX_UPLOAD_BYTES: usize = hyoka_import::canonical::limits::MAX_FILE_BYTES as usize;
/// The most files in one upload (a CSV set has 24).
pub const MAX_FILES: usize = 100;

/// What an upload form sent.
#[derive(Debug, Default)]
pub struct Upload {
    /// Text fields, in the order sent.
    pub fields: Vec<(String, String)>,
    /// Files as `(name, bytes)`: the name without any folder, as the
    /// person's computer called it; files chosen empty are left out.
    pub files: Vec<(String, Vec<u8>)>,
    /// The first text field that is not text (invalid UTF-8 or a control
    /// character), kept so that the CSRF check can still read `_csrf` and
    /// [`read_labeled`] can refuse it naming the field's label.
    bad: Option<(String, BadText)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BadText {
    NotUtf8,
    /// A control character other than tab and line ends, at this
    /// (1-based) character.
    Control(usize),
}

impl Upload {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Bytes of all files together.
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|(_, b)| b.len()).sum()
    }
}

fn boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return None;
    }
    multer::parse_boundary(ct).ok()
}

pub fn is_multipart(headers: &HeaderMap) -> bool {
    boundary(headers).is_some()
}

/// Reads an upload request's body whole and parses it.
pub async fn read(req: Request) -> Result<Upload, AppError> {
    read_labeled(req, &[]).await
}

/// [`read`], naming a text field that is not text by its label on the
/// form (`labels`: field name → label the person sees); a field without a
/// label is one the page fills in itself.
pub async fn read_labeled(req: Request, labels: &[(&str, &str)]) -> Result<Upload, AppError> {
    let (parts, body) = req.into_parts();
    if !is_multipart(&parts.headers) {
        return Err(AppError::Invalid("ファイルを選んで、画面のフォームから送信してください。".into()));
    }
    let bytes = to_bytes(body, MAX_UPLOAD_BYTES).await.map_err(|_| too_large())?;
    let upload = parse(&parts.headers, bytes).await?;
    match &upload.bad {
        None => Ok(upload),
        Some((name, bad)) => {
            let field = match labels.iter().find(|(n, _)| n == name) {
                Some((_, label)) => format!("「{label}」"),
                None => "画面が自動で送る項目".to_string(),
            };
            Err(AppError::Invalid(match bad {
                BadText::NotUtf8 => format!(
                    "{field}の内容を文字として読み取れません（UTF-8 ではありません）。画面を開き直してから、もう一度送信してください。"
                ),
                BadText::Control(at) => {
                    format!("{field}の{at}文字目に使えない制御文字が含まれています。取り除いてから送信してください。")
                }
            }))
        }
    }
}

pub fn too_large() -> AppError {
    AppError::Invalid(format!(
        "送信されたファイルが大きすぎます（合計の上限 {}）。自治体ごと・ファイルごとに分けて送信してください。",
        hyoka_import::canonical::limits::bytes_text(MAX_UPLOAD_BYTES as u64)
    ))
}

fn unreadable() -> AppError {
    AppError::Invalid("送信された内容を読み取れません。画面を開き直してから、もう一度送信してください。".into())
}

/// Parses a body held whole.
pub async fn parse(headers: &HeaderMap, bytes: Bytes) -> Result<Upload, AppError> {
    let boundary = boundary(headers).ok_or_else(unreadable)?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(clean_file_name);
        let data = field.bytes().await.map_err(|_| unreadable())?;
        match file_name {
            Some(file) => {
                if data.is_empty() && file.is_empty() {
                    continue; // no file chosen
                }
                if upload.files.len() == MAX_FILES {
                    return Err(AppError::Invalid(format!(
                        "一度に送信できるファイルは {MAX_FILES} 個までです。ZIP にまとめて送信してください。"
                    )));
                }
                let file = if file.is_empty() { "（名前のないファイル）".to_string() } else { file };
                upload.files.push((file, data.to_vec()));
            }
            None => {
                let text = match String::from_utf8(data.to_vec()) {
                    Ok(text) => text,
                    Err(_) => {
                        upload.bad.get_or_insert((name, BadText::NotUtf8));
                        continue;
                    }
                };
                if let Some(at) = text.chars().position(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
                    upload.bad.get_or_insert((name, BadText::Control(at + 1)));
                    continue;
                }
                upload.fields.push((name, text));
            }
        }
    }
    Ok(upload)
}

/// The last part of a file name, without control characters, at most
/// 120 characters: some browsers send the whole path.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars().filter(|c| !c.is_control()).take(120).collect::<String>().trim().to_string()
}

/// The `_csrf` field of an upload, for the CSRF check.
pub async fn csrf_field(headers: &HeaderMap, bytes: Bytes) -> Option<String> {
    parse(headers, bytes).await.ok()?.field("_csrf").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_folders_and_controls() {
        assert_eq!(clean_file_name(r"C:\Users\企画課\hyoka-132080.xlsx"), "hyoka-132080.xlsx");
        assert_eq!(clean_file_name("a/b/items.csv"), "items.csv");
        assert_eq!(clean_file_name("x\u{1b}y.csv"), "xy.csv");
    }
}
