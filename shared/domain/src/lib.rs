//! Kyocho's engineering core: the project model, its validation, short-circuit studies,
//! device time–current curves and the protection coordination checks. Pure Rust: no I/O.
pub mod curves;

pub mod model;
pub mod validate;
pub mod library;
pub mod shortcircuit;
pub mod checks;
pub mod study;
pub mod analysis;
pub mod synthetic;
