//! Report formats. Each exporter is a pure function of a saved run; writing is the caller's job.

mod csv;
pub mod escapes;
mod init;
mod json;
mod markdown;
mod rows;
mod table;

pub(crate) use rows::first_line;
pub use rows::format_bytes;

use anyhow::Result;
use clap::ValueEnum;

use crate::results::Run;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people (the default).
    Table,
    /// results.json, schema 1.
    Json,
    /// A Markdown table, fit for a pull-request comment.
    Markdown,
    /// One row per config, for spreadsheets.
    Csv,
}

/// Renders `run` in `format`.
pub fn serialize(run: &Run, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(table::serialize(run).into_bytes()),
        Format::Json => json::serialize(run),
        Format::Markdown => Ok(markdown::serialize(run).into_bytes()),
        Format::Csv => csv::serialize(run),
    }
}
