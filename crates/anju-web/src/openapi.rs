//! The OpenAPI 3.1 document, generated from the route table so it lists
//! exactly the API routes that exist, with their roles and error shapes.

use crate::api_docs::Body;
use crate::auth::Access;
use crate::routes::table;
use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The `{name}`s of a route's path.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// The status a POST answers with on success: 201 where it makes something.
fn success_status(path: &str) -> &'static str {
    let makes = [
        "/api/v1/member/withdrawals",
        "/api/v1/member/reviews",
        "/api/v1/member/complaints",
        "/api/v1/member/certificates",
        "/api/v1/member/grants",
        "/api/v1/member/appointments",
        "/api/v1/member/tickets",
        "/api/v1/member/loans",
        "/api/v1/member/repayment-agreement",
        "/api/v1/member/deposits",
        "/api/v1/reversal-requests",
        "/api/v1/yjs/company-registered",
        "/api/v1/employer/members",
        "/api/v1/employer/members/import",
        "/api/v1/employer/bills",
        "/api/v1/employer/back-payments",
        "/api/v1/employer/back-payments/import",
        "/api/v1/employer/bases",
        "/api/v1/employer/bases/import",
        "/api/v1/employer/reliefs",
    ];
    if makes.contains(&path) { "201" } else { "200" }
}

/// A derived schema made part of the document: the structs it names move
/// to `components/schemas`, and its references follow them there.
fn hoisted(mut schema: Value, shared: &mut Map<String, Value>) -> Value {
    if let Some(Value::Object(defs)) = schema.as_object_mut().and_then(|o| o.remove("$defs")) {
        for (name, def) in defs {
            let def = hoisted(def, shared);
            shared.insert(name, def);
        }
    }
    if let Some(o) = schema.as_object_mut() {
        o.remove("$schema");
    }
    repointed(schema)
}

/// `#/$defs/X` → `#/components/schemas/X`, everywhere in a schema.
fn repointed(value: Value) -> Value {
    match value {
        Value::String(r) if r.starts_with("#/$defs/") => {
            Value::String(r.replacen("#/$defs/", "#/components/schemas/", 1))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(repointed).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, repointed(v))).collect())
        }
        other => other,
    }
}

/// Where the document keeps the problem body every error answers with.
const PROBLEM_SCHEMA: &str = "#/components/schemas/Problem";

/// The problem body: a stable `code` and a Chinese `detail`.
fn problem_schema() -> Value {
    json!({
        "type": "object",
        "required": ["status", "code", "detail"],
        "properties": {
            "type": { "type": "string" }, "title": { "type": "string" },
            "status": { "type": "integer" }, "code": { "type": "string" },
            "detail": { "type": "string" }
        }
    })
}

pub fn build() -> Value {
    let mut paths = Map::new();
    let mut shared = Map::new();
    shared.insert("Problem".to_string(), problem_schema());
    for (spec, _) in table() {
        if !spec.path.starts_with("/api/v1/") {
            continue;
        }
        let roles = match spec.access {
            Access::Public => "任何人".to_string(),
            Access::SignedIn => "任何已登录用户".to_string(),
            Access::Roles(roles) => roles
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(", "),
        };
        let mut operation = json!({
            "summary": spec.summary,
            "description": format!("允许的角色：{roles}"),
            "security": [{ "session": [] }, { "bearer": [] }],
            "responses": {
                "200": { "description": "成功", "content": { "application/json": {} } },
                "401": { "$ref": "#/components/responses/Problem" },
                "403": { "$ref": "#/components/responses/Problem" },
                "422": { "$ref": "#/components/responses/Problem" }
            }
        });
        let mut parameters = Vec::new();
        for name in path_parameters(spec.path) {
            let schema = if name == "id" {
                json!({ "type": "integer", "format": "int64" })
            } else {
                json!({ "type": "string", "maxLength": 64 })
            };
            parameters
                .push(json!({ "name": name, "in": "path", "required": true, "schema": schema }));
        }
        if spec.access == Access::Public {
            // Open to anyone: no credentials (refusals of its input are 422).
            operation["security"] = json!([]);
        }
        for name in crate::api_trust::query_parameters(spec.path) {
            parameters.push(json!({ "name": name, "in": "query", "required": true,
                                    "schema": { "type": "integer", "minimum": 0 } }));
        }
        if spec.path == crate::api_loan::CALCULATE_PATH {
            parameters.extend(crate::api_loan::query_parameters());
        }
        if spec.method == axum::http::Method::GET {
            for (name, required, schema, what) in crate::api_docs::query_parameters(spec.path) {
                parameters.push(json!({ "name": name, "in": "query", "required": required,
                                        "description": what, "schema": schema }));
            }
        }
        if spec.method == axum::http::Method::POST {
            parameters.push(json!({
                "name": "Idempotency-Key", "in": "header", "required": true,
                "description": "同一键重放返回首次响应；同一键不同请求体被拒绝（IDEMPOTENCY_CONFLICT）",
                "schema": { "type": "string", "maxLength": 128 }
            }));
            match crate::api_docs::body_of(spec.path) {
                Some(Body::Json {
                    schema,
                    example,
                    reads,
                }) => {
                    // An example that no longer fits its struct is left out (and
                    // fails `api_docs`' test) rather than published wrong.
                    let example = if reads(&example) {
                        example
                    } else {
                        Value::Null
                    };
                    let schema = hoisted(schema, &mut shared);
                    operation["requestBody"] = json!({ "required": true, "content": {
                        "application/json": { "schema": schema, "example": example } } });
                }
                Some(Body::File) => {
                    let file = json!({ "schema": { "type": "string", "format": "binary" } });
                    operation["requestBody"] = json!({ "required": true, "content": {
                        "text/csv": file.clone(),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": file } });
                }
                Some(Body::Empty) | None => {}
            }
            if spec.path.ends_with("/import") {
                for (name, required, schema, what) in crate::api_docs::query_parameters(spec.path) {
                    parameters.push(json!({ "name": name, "in": "query", "required": required,
                                            "description": what, "schema": schema }));
                }
            }
        }
        if let Some(schema) = crate::api_docs::response_of(&spec.method, spec.path) {
            let schema = hoisted(schema, &mut shared);
            let status = if spec.method == axum::http::Method::POST {
                success_status(spec.path)
            } else {
                "200"
            };
            operation["responses"]
                .as_object_mut()
                .map(|r| r.remove("200"));
            if spec.path.ends_with("/import") {
                // A file with nothing taken answers 422 with every row's
                // error; a file that cannot be read at all, with a problem.
                let either = json!({ "oneOf": [schema.clone(), { "$ref": PROBLEM_SCHEMA }] });
                operation["responses"]["422"] = json!({ "description": "文件有误，未办理",
                    "content": {
                        "application/json": { "schema": either.clone() },
                        "application/problem+json": { "schema": either } } });
            }
            operation["responses"][status] = json!({ "description": "成功",
                "content": { "application/json": { "schema": schema } } });
        }
        if spec.path.ends_with("/export") {
            let file = json!({ "schema": { "type": "string", "format": "binary" } });
            operation["responses"]["200"] = json!({ "description": "导出文件", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": file.clone(),
                "text/csv": file } });
        }
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        let entry = paths
            .entry(spec.path.to_string())
            .or_insert_with(|| json!({}));
        entry[spec.method.as_str().to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "安居 Anju API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "住房公积金平台接口。错误为 application/problem+json，含稳定的 code 字段。" },
        "paths": paths,
        "components": {
            "schemas": shared,
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": "anju_session",
                             "description": "网页登录会话；POST 需 X-CSRF-Token 头" },
                "bearer": { "type": "http", "scheme": "bearer", "description": "合作中心令牌：登录名.密钥" }
            },
            "responses": {
                "Problem": {
                    "description": "错误",
                    "content": { "application/problem+json": { "schema": { "$ref": PROBLEM_SCHEMA } } }
                }
            }
        }
    })
}

pub async fn document() -> Response {
    Json(build()).into_response()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_in_the_document_resolves() {
        let document = super::build();
        let mut found = Vec::new();
        refs(&document, &mut found);
        assert!(
            found.len() > 20,
            "the views share their structs: {}",
            found.len()
        );
        for r in found {
            let pointer = r.strip_prefix('#').unwrap_or(&r);
            assert!(document.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }
}
