//! The versioned JSON report: one object, built by serde. A fleet is one object with a report
//! per target.

use super::{Entry, FailOn, FleetReport};

fn to_json<T: serde::Serialize>(value: &T, schema_version: u32) -> String {
    // Serializing plain structs of strings and numbers cannot fail; fall back to an explicit
    // error object rather than panicking should that ever change.
    let mut out = serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        serde_json::json!({ "schema_version": schema_version, "error": e.to_string() }).to_string()
    });
    out.push('\n');
    out
}

pub fn render(entries: &[Entry], fail_on: FailOn) -> String {
    match entries {
        [single] if !super::is_fleet(entries) => {
            to_json(&single.report, single.report.schema_version)
        }
        _ => to_json(&FleetReport::of(entries, fail_on), super::SCHEMA_VERSION),
    }
}
