//! The versioned JSON report: one object, built by serde.

use super::Report;

pub fn render(report: &Report) -> String {
    // Serializing plain structs of strings and numbers cannot fail; fall back to an explicit
    // error object rather than panicking should that ever change.
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        serde_json::json!({ "schema_version": report.schema_version, "error": e.to_string() })
            .to_string()
    });
    out.push('\n');
    out
}
