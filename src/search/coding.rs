//! How axes of more than two values become two-level factors (pseudo-factors).
//! STUB: filled in with the design.
