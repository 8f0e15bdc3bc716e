//! How results are printed on stdout: the [`Render`] trait each command's result implements,
//! and the pieces they use (JSON/YAML, kubectl-like tables, notes). Imports no verb.

use comfy_table::{presets, ContentArrangement, Table};
use pgo_api::PostgresCluster;
use serde::Serialize;

use crate::common::edit::Change;
use crate::global::OutputFormat;

/// A command's result, as printed for `-o FORMAT`.
pub trait Render {
    fn render(&self, format: OutputFormat) -> String;
}

/// Printed as is, whatever the format (completion scripts).
impl Render for String {
    fn render(&self, _: OutputFormat) -> String {
        self.clone()
    }
}

impl Render for Change {
    fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Table => format!("{}\n", self.message),
            _ => object(&self.object, format),
        }
    }
}

/// `table()` for `-o table`, else JSON or YAML of `value`.
pub fn table_or<T: Serialize>(
    value: &T,
    format: OutputFormat,
    table: impl FnOnce() -> String,
) -> String {
    match format {
        OutputFormat::Table => table(),
        _ => structured(value, format),
    }
}

/// JSON or YAML of `value`, fields in their declared order.
pub fn structured<T: Serialize>(value: &T, format: OutputFormat) -> String {
    match format {
        OutputFormat::Yaml => serde_yaml::to_string(value).unwrap_or_default(),
        _ => {
            let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// A cluster as kubectl prints it: without managedFields.
pub fn object(pc: &PostgresCluster, format: OutputFormat) -> String {
    let mut pc = pc.clone();
    pc.metadata.managed_fields = None;
    structured(&pc, format)
}

/// A kubectl-like table: upper-case headers, no borders, no wrapping.
pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.to_vec());
    for col in t.column_iter_mut() {
        col.set_padding((0, 3));
    }
    t
}

pub fn block(t: &Table) -> String {
    // comfy-table pads the last column; kubectl does not.
    let mut s: String = t
        .to_string()
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    if s.is_empty() {
        s.push('\n');
    }
    s
}

pub fn dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

pub fn notes(out: &mut String, notes: &[String]) {
    for n in notes {
        out.push_str(&format!("note: {n}\n"));
    }
}

/// `out`, then the notes after a blank line, if there are any.
pub fn with_notes(mut out: String, list: &[String]) -> String {
    if !list.is_empty() {
        out.push('\n');
        notes(&mut out, list);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_printed_without_managed_fields() {
        let mut pc: PostgresCluster = serde_json::from_value(serde_json::json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": "hippo"},
            "spec": {"postgresVersion": 15, "instances": []}
        }))
        .unwrap();
        pc.metadata.managed_fields = Some(vec![Default::default()]);
        let yaml = object(&pc, OutputFormat::Yaml);
        assert!(!yaml.contains("managedFields"), "{yaml}");
        assert!(
            yaml.starts_with(
                "apiVersion: postgres-operator.crunchydata.com/v1beta1\nkind: PostgresCluster\n"
            ),
            "{yaml}"
        );
    }
}
