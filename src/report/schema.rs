//! The JSON Schema of the JSON report, generated from the report types themselves, so it
//! cannot drift from what `--json` writes. `rampart schema` prints it.

use super::{FleetReport, Report};

fn pretty(schema: schemars::Schema) -> String {
    let mut out = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
    out.push('\n');
    out
}

/// The schema of one audit's report (`--json`).
pub fn report() -> String {
    pretty(schemars::schema_for!(Report))
}

/// The schema of a fleet audit's report (`--targets FILE --json`).
pub fn fleet() -> String {
    pretty(schemars::schema_for!(FleetReport))
}
