//! The compiler's escape-analysis and inlining diagnostics for the target's module's own code:
//! collected per compile configuration, attributed to packages and functions, and diffed.

pub mod collect;
pub mod diff;
pub mod json;
pub mod model;
pub mod report;
pub mod text;
