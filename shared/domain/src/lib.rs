//! Kyocho's engineering core: the project model, its validation, short-circuit studies,
//! device time–current curves and the protection coordination checks. Pure Rust: no I/O.
pub mod curves;

pub mod analysis;
pub mod checks;
pub mod library;
pub mod model;
pub mod shortcircuit;
pub mod study;
pub mod synthetic;
pub mod validate;
