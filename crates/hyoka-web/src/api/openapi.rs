//! The OpenAPI 3 document of the API, built from the same table
//! definitions (`hyoka_report::opendata::TABLES`) that produce the rows, so
//! the schema of every row column cannot drift from the data.

use hyoka_report::opendata::{ColumnType, Table, TABLES};
use serde_json::{json, Map, Value as Json};

use super::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};

/// Columns that always hold a value (possibly an empty string); every other
/// column may be `null` (blank is not zero). The row builders in
/// `hyoka_report::opendata::rows` write these with `Value::text`/`int`.
const NEVER_NULL: &[&str] = &[
    "municipality_code",
    "municipality",
    "indicator",
    "indicator_kind",
    "direction",
    "fiscal_year",
    "fiscal_year_label",
    "role",
    "printed",
    "code",
    "title",
    "stage",
    "evaluator",
];

fn column_schema(c: &hyoka_report::opendata::Column) -> Json {
    let mut s = Map::new();
    let kind = match c.kind {
        ColumnType::Text | ColumnType::Code => "string",
        ColumnType::Integer => "integer",
        ColumnType::Decimal => "number",
    };
    s.insert("type".into(), json!(kind));
    if let Some(codes) = c.codes {
        let mut values: Vec<Json> = codes().into_iter().map(|(code, _)| json!(code)).collect();
        if !NEVER_NULL.contains(&c.name_en) {
            values.push(Json::Null);
        }
        s.insert("enum".into(), Json::Array(values));
    }
    if !NEVER_NULL.contains(&c.name_en) {
        s.insert("nullable".into(), json!(true));
    }
    s.insert("description".into(), json!(format!("{}（{}）: {}", c.name_ja, c.name_en, c.description_ja)));
    Json::Object(s)
}

fn row_schema(t: &Table) -> Json {
    let properties: Map<String, Json> = t.columns.iter().map(|c| (c.name_en.to_string(), column_schema(c))).collect();
    json!({
        "type": "object",
        "description": format!("{}: {}", t.title_ja, t.row_ja),
        "required": t.names_en(),
        "additionalProperties": false,
        "properties": properties,
    })
}

fn schema_name(t: &Table) -> String {
    let mut n: Vec<char> = t.name.chars().collect();
    n[0] = n[0].to_ascii_uppercase();
    n.into_iter().collect()
}

/// The part every page of rows has.
fn page_properties(t: &Table) -> Map<String, Json> {
    let mut p = Map::new();
    p.insert("table".into(), json!({ "type": "string", "enum": [t.name] }));
    p.insert("columns".into(), json!({ "type": "array", "items": { "type": "string", "enum": t.names_en() } }));
    p.insert("total".into(), json!({ "type": "integer", "minimum": 0, "description": "行の総数" }));
    p.insert("limit".into(), json!({ "type": "integer", "minimum": 1, "maximum": MAX_LIMIT }));
    p.insert("offset".into(), json!({ "type": "integer", "minimum": 0, "maximum": MAX_OFFSET }));
    p.insert("links".into(), json!({ "$ref": "#/components/schemas/PageLinks" }));
    p.insert(
        "rows".into(),
        json!({ "type": "array", "items": { "$ref": format!("#/components/schemas/{}Row", schema_name(t)) } }),
    );
    p
}

fn table_page(t: &Table) -> Json {
    let mut p = page_properties(t);
    p.insert("municipality".into(), json!({ "$ref": "#/components/schemas/MunicipalityRef" }));
    p.insert("fiscal_year".into(), json!({ "type": "integer" }));
    p.insert("fiscal_year_label".into(), json!({ "type": "string" }));
    let required: Vec<&String> = p.keys().collect();
    json!({
        "type": "object",
        "description": format!("{}（{}）の1ページ", t.title_ja, t.name),
        "required": required,
        "additionalProperties": false,
        "properties": p,
    })
}

fn compare_page() -> Json {
    let t = &hyoka_report::opendata::INDICATORS;
    let mut p = page_properties(t);
    p.insert(
        "query".into(),
        json!({
            "type": "object",
            "required": ["indicator", "kind"],
            "additionalProperties": false,
            "properties": {
                "indicator": { "type": "string" },
                "kind": { "type": "string", "nullable": true, "enum": ["outcome", "activity", "kpi", "population", null] },
            },
        }),
    );
    p.insert(
        "municipalities".into(),
        json!({ "type": "array", "items": { "$ref": "#/components/schemas/MunicipalityRef" } }),
    );
    let required: Vec<&String> = p.keys().collect();
    json!({
        "type": "object",
        "description": "自治体間で比べた指標の行（indicators 表と同じ列）の1ページ。total、limit、offset は指標の数で数え、rows はそのページの指標の公開年度のすべての行",
        "required": required,
        "additionalProperties": false,
        "properties": p,
    })
}

fn cache_headers() -> Json {
    json!({
        "ETag": {
            "description": "本文のハッシュ。If-None-Match に指定すると、変わっていなければ 304 を返します。",
            "required": true,
            "schema": { "type": "string" },
        },
        "Cache-Control": {
            "description": "public, max-age=300",
            "required": true,
            "schema": { "type": "string" },
        },
    })
}

/// The answers of an operation: 200 with `schema`, 304, and the errors it
/// can give.
fn responses(schema: &str, errors: &[u16]) -> Json {
    let mut r = Map::new();
    r.insert(
        "200".into(),
        json!({
            "description": "成功",
            "headers": cache_headers(),
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
        }),
    );
    r.insert(
        "304".into(),
        json!({ "description": "If-None-Match の ETag から変わっていません（本文なし）", "headers": cache_headers() }),
    );
    for status in errors {
        let description = match status {
            422 => "クエリの指定が正しくありません（message に項目名と理由）",
            404 => "見つかりません（形式の合わない団体コードや年度、公開されていない年度や自治体も同じです）",
            _ => "エラー",
        };
        r.insert(
            status.to_string(),
            json!({
                "description": description,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
            }),
        );
    }
    Json::Object(r)
}

fn param_ref(name: &str) -> Json {
    json!({ "$ref": format!("#/components/parameters/{name}") })
}

/// The whole document.
pub fn document() -> Json {
    let mut schemas = Map::new();
    for t in TABLES {
        schemas.insert(format!("{}Row", schema_name(t)), row_schema(t));
        schemas.insert(format!("{}Page", schema_name(t)), table_page(t));
    }
    let pages: Vec<Json> =
        TABLES.iter().map(|t| json!({ "$ref": format!("#/components/schemas/{}Page", schema_name(t)) })).collect();
    schemas.insert("TablePage".into(), json!({ "oneOf": pages }));
    schemas.insert("ComparePage".into(), compare_page());
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "additionalProperties": false,
            "properties": { "error": {
                "type": "object",
                "required": ["status", "message"],
                "additionalProperties": false,
                "properties": {
                    "status": { "type": "integer" },
                    "message": { "type": "string", "description": "日本語の説明" },
                },
            } },
        }),
    );
    schemas.insert(
        "PageLinks".into(),
        json!({
            "type": "object",
            "required": ["self", "first", "prev", "next", "last"],
            "additionalProperties": false,
            "properties": {
                "self": { "type": "string" },
                "first": { "type": "string" },
                "prev": { "type": "string", "nullable": true },
                "next": { "type": "string", "nullable": true },
                "last": { "type": "string" },
            },
        }),
    );
    schemas.insert(
        "MunicipalityRef".into(),
        json!({
            "type": "object",
            "required": ["code", "name"],
            "additionalProperties": false,
            "properties": { "code": { "type": "string" }, "name": { "type": "string" } },
        }),
    );
    schemas.insert(
        "PublishedYear".into(),
        json!({
            "type": "object",
            "required": ["fiscal_year", "fiscal_year_label", "published_at", "links"],
            "additionalProperties": false,
            "properties": {
                "fiscal_year": { "type": "integer", "description": "年度（西暦、4月1日に始まる年）" },
                "fiscal_year_label": { "type": "string", "description": "和暦の年度（例: 平成30年度）" },
                "published_at": { "type": "string", "description": "公開した日時（ISO 8601、UTC）" },
                "links": {
                    "type": "object", "required": ["self"], "additionalProperties": false,
                    "properties": { "self": { "type": "string" } },
                },
            },
        }),
    );
    let city_links = json!({
        "type": "object", "required": ["self", "portal"], "additionalProperties": false,
        "properties": { "self": { "type": "string" }, "portal": { "type": "string" } },
    });
    schemas.insert(
        "MunicipalityList".into(),
        json!({
            "type": "object",
            "required": ["municipalities"],
            "additionalProperties": false,
            "properties": { "municipalities": { "type": "array", "items": {
                "type": "object",
                "required": ["code", "name", "published_years", "links"],
                "additionalProperties": false,
                "properties": {
                    "code": { "type": "string" },
                    "name": { "type": "string" },
                    "published_years": { "type": "array", "items": { "$ref": "#/components/schemas/PublishedYear" } },
                    "links": city_links,
                },
            } } },
        }),
    );
    schemas.insert(
        "Municipality".into(),
        json!({
            "type": "object",
            "required": ["code", "name", "published_years", "plans", "links"],
            "additionalProperties": false,
            "properties": {
                "code": { "type": "string" },
                "name": { "type": "string" },
                "published_years": { "type": "array", "items": { "$ref": "#/components/schemas/PublishedYear" } },
                "plans": { "type": "array", "items": {
                    "type": "object",
                    "required": ["code", "name", "levels"],
                    "additionalProperties": false,
                    "properties": {
                        "code": { "type": "string" },
                        "name": { "type": "string" },
                        "levels": { "type": "array", "items": { "type": "string" } },
                    },
                } },
                "links": city_links,
            },
        }),
    );
    schemas.insert(
        "Year".into(),
        json!({
            "type": "object",
            "required": ["municipality", "fiscal_year", "fiscal_year_label", "published_at", "tables", "links"],
            "additionalProperties": false,
            "properties": {
                "municipality": { "$ref": "#/components/schemas/MunicipalityRef" },
                "fiscal_year": { "type": "integer" },
                "fiscal_year_label": { "type": "string" },
                "published_at": { "type": "string", "nullable": true },
                "tables": { "type": "array", "items": {
                    "type": "object",
                    "required": ["name", "title", "rows", "links"],
                    "additionalProperties": false,
                    "properties": {
                        "name": { "type": "string", "enum": TABLES.iter().map(|t| t.name).collect::<Vec<_>>() },
                        "title": {
                            "type": "object", "required": ["ja", "en"], "additionalProperties": false,
                            "properties": { "ja": { "type": "string" }, "en": { "type": "string" } },
                        },
                        "rows": { "type": "integer", "minimum": 0 },
                        "links": {
                            "type": "object", "required": ["self", "csv", "json"], "additionalProperties": false,
                            "properties": {
                                "self": { "type": "string" }, "csv": { "type": "string" }, "json": { "type": "string" },
                            },
                        },
                    },
                } },
                "links": {
                    "type": "object", "required": ["self", "portal", "metadata"], "additionalProperties": false,
                    "properties": {
                        "self": { "type": "string" }, "portal": { "type": "string" }, "metadata": { "type": "string" },
                    },
                },
            },
        }),
    );

    let parameters = json!({
        "code": {
            "name": "code", "in": "path", "required": true,
            "description": "全国地方公共団体コード（6桁、検査数字を含む）",
            "schema": { "type": "string", "pattern": "^[0-9]{6}$" },
        },
        "fy": {
            "name": "fy", "in": "path", "required": true,
            "description": "年度（西暦で、4月1日に始まる年。2018 = 平成30年度）。公開されている年度だけが見つかります",
            "schema": { "type": "integer", "minimum": 1868, "maximum": 2200 },
        },
        "table": {
            "name": "table", "in": "path", "required": true,
            "description": "表の名前（オープンデータのファイル名と同じ）",
            "schema": { "type": "string", "enum": TABLES.iter().map(|t| t.name).collect::<Vec<_>>() },
        },
        "limit": {
            "name": "limit", "in": "query", "required": false,
            "description": "1ページの行数",
            "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT },
        },
        "offset": {
            "name": "offset", "in": "query", "required": false,
            "description": "読み飛ばす行数",
            "schema": { "type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0 },
        },
        "ifNoneMatch": {
            "name": "If-None-Match", "in": "header", "required": false,
            "description": "以前の答えの ETag。変わっていなければ 304 を返します",
            "schema": { "type": "string" },
        },
    });

    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "hyoka 行政評価 公開API",
            "version": "1.0.0",
            "description": "各自治体が確定し公開した年度の行政評価（指標の目標と実績、評価、予算と決算、計画の施策体系）。\
                            行はオープンデータ（hyoka export opendata）の表と同じ列・同じ値です。\
                            数値の列に単位はなく、値のない場合は null です（0 とは区別します）。\
                            公開されていない年度や作成中の内容は返しません（404）。",
            "license": { "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/" },
        },
        "paths": {
            "/api/v1/openapi.json": { "get": {
                "operationId": "openapi",
                "summary": "この文書（OpenAPI 3）",
                "parameters": [param_ref("ifNoneMatch")],
                "responses": {
                    "200": { "description": "成功", "headers": cache_headers(), "content": { "application/json": { "schema": { "type": "object" } } } },
                    "304": { "description": "変わっていません（本文なし）", "headers": cache_headers() },
                },
            } },
            "/api/v1/municipalities": { "get": {
                "operationId": "listMunicipalities",
                "summary": "公開している年度のある自治体の一覧",
                "parameters": [param_ref("ifNoneMatch")],
                "responses": responses("MunicipalityList", &[]),
            } },
            "/api/v1/municipalities/{code}": { "get": {
                "operationId": "getMunicipality",
                "summary": "自治体: 公開している年度と計画",
                "parameters": [param_ref("code"), param_ref("ifNoneMatch")],
                "responses": responses("Municipality", &[404]),
            } },
            "/api/v1/municipalities/{code}/years/{fy}": { "get": {
                "operationId": "getYear",
                "summary": "公開している年度: 表ごとの行数とリンク",
                "parameters": [param_ref("code"), param_ref("fy"), param_ref("ifNoneMatch")],
                "responses": responses("Year", &[404]),
            } },
            "/api/v1/municipalities/{code}/years/{fy}/{table}": { "get": {
                "operationId": "getTable",
                "summary": "公開している年度の表（indicators, evaluations, budgets, nodes）の行",
                "parameters": [param_ref("code"), param_ref("fy"), param_ref("table"), param_ref("limit"), param_ref("offset"), param_ref("ifNoneMatch")],
                "responses": responses("TablePage", &[404, 422]),
            } },
            "/api/v1/compare": { "get": {
                "operationId": "compareIndicators",
                "summary": "名前に同じ言葉を含む指標を、公開しているすべての自治体で比べる",
                "parameters": [
                    {
                        "name": "indicator", "in": "query", "required": true,
                        "description": "指標名（の一部）。全角・半角、大文字・小文字を区別しません。タブと改行以外の制御文字は使えません（422）",
                        "schema": { "type": "string", "minLength": 1, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$" },
                    },
                    {
                        "name": "kind", "in": "query", "required": false,
                        "description": "指標の種類: outcome（成果指標）、activity（活動指標）、kpi、population（対象指標）",
                        "schema": { "type": "string", "enum": ["outcome", "activity", "kpi", "population"] },
                    },
                    param_ref("limit"),
                    param_ref("offset"),
                    param_ref("ifNoneMatch"),
                ],
                "responses": responses("ComparePage", &[422]),
            } },
        },
        "components": { "schemas": schemas, "parameters": parameters },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_every_table_is_described() {
        let doc = document();
        for t in TABLES {
            let row = &doc["components"]["schemas"][format!("{}Row", schema_name(t))];
            assert_eq!(row["required"].as_array().map(Vec::len), Some(t.columns.len()), "{}", t.name);
            for c in t.columns {
                assert!(row["properties"][c.name_en].is_object(), "{} {}", t.name, c.name_en);
            }
        }
        for never in NEVER_NULL {
            assert!(TABLES.iter().any(|t| t.columns.iter().any(|c| c.name_en == *never)), "{never} is a column");
        }
    }
}
