//! Power-fuse selection tables: the smallest PF rating for a transformer or a capacitor
//! bank, by fuse type, as the makers' selection tables give it.
//!
//! - T (transformer), C (capacitor) and M (motor) fuses are *load-specific* ratings
//!   (JIS C 4604): the rating is chosen as the nearest standard rating at or above the rated
//!   current of the load it protects (Fuji Electric's PF selection guidance for its T/M/C
//!   ratings). The T rating then carries the
//!   transformer's inrush (10 × In, 0.1 s) and the C rating the capacitor's.
//! - G (general) fuses on capacitor banks need a larger rating for the inrush of the bank:
//!   the table of Hitachi Industrial Equipment Systems (「標準コンデンサに対する選定, 単一回路
//!   バンク, 7.2 kV」), which also gives the C rating matching each G rating. A bank with a
//!   series reactor (6, 8, 13 %) is treated as a single bank; several banks behind one fuse
//!   are selected by their total kvar.
//!
//! These are representative tables for 6.6 kV circuits; the maker's own table for the fuse
//! actually used takes precedence.

use super::{PfType, PF_LIBRARY_RATINGS_A};

/// Where the tables come from.
pub const SOURCE: &str = "T/C/M: nearest standard rating at or above the load's rated current (JIS C 4604 \
load-specific ratings; Fuji Electric PF selection FAQ). G and C on capacitor banks: Hitachi Industrial \
Equipment Systems PF selection table for standard capacitors, single bank, 7.2 kV.";

/// Capacitor banks on 6.6 kV (7.2 kV fuses): total kvar → (minimum G rating, minimum C
/// rating), A. A bank between two rows takes the next larger row.
pub const CAPACITOR_7_2KV: [(f64, f64, f64); 13] = [
    (5.0, 5.0, 1.5),
    (10.0, 5.0, 1.5),
    (20.0, 10.0, 3.0),
    (30.0, 10.0, 3.0),
    (50.0, 20.0, 5.0),
    (75.0, 30.0, 10.0),
    (100.0, 30.0, 10.0),
    (150.0, 40.0, 15.0),
    (200.0, 50.0, 20.0),
    (250.0, 60.0, 30.0),
    (300.0, 60.0, 30.0),
    (400.0, 75.0, 40.0),
    (500.0, 100.0, 50.0),
];

/// The smallest standard PF rating at or above `current_a` (load-specific T, C, M ratings);
/// `None` above the largest standard rating.
pub fn load_specific_min_rating_a(current_a: f64) -> Option<f64> {
    PF_LIBRARY_RATINGS_A.iter().copied().find(|&r| r >= current_a - 1e-9)
}

/// Minimum rating of a fuse of `fuse_type` protecting capacitor banks of `total_kvar` on a
/// 6.6 kV circuit, A. C: the table's C column and never below the banks' rated current; G:
/// the table's G column. `None` beyond the table (above 500 kvar) or for T/M fuses.
pub fn capacitor_min_rating_a(fuse_type: PfType, total_kvar: f64, rated_current_a: f64) -> Option<f64> {
    let row = CAPACITOR_7_2KV.iter().find(|r| r.0 >= total_kvar - 1e-9)?;
    match fuse_type {
        PfType::G => Some(row.1),
        PfType::C => {
            let by_current = load_specific_min_rating_a(rated_current_a)?;
            Some(row.2.max(by_current))
        }
        PfType::T | PfType::M => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacitor_rows_match_the_c_rating_of_their_rated_current() {
        // 150 kvar at 6.6 kV: 13.1 A → C 15 A (the table's C column agrees).
        let i = 150_000.0 / (3f64.sqrt() * 6600.0);
        assert_eq!(capacitor_min_rating_a(PfType::C, 150.0, i), Some(15.0));
        assert_eq!(capacitor_min_rating_a(PfType::G, 150.0, i), Some(40.0));
        // 120 kvar rounds up to the 150 kvar row.
        assert_eq!(capacitor_min_rating_a(PfType::G, 120.0, i), Some(40.0));
        assert_eq!(capacitor_min_rating_a(PfType::G, 600.0, i), None);
    }

    #[test]
    fn load_specific_rating_is_the_next_standard_step() {
        assert_eq!(load_specific_min_rating_a(17.5), Some(20.0));
        assert_eq!(load_specific_min_rating_a(20.0), Some(20.0));
        assert_eq!(load_specific_min_rating_a(201.0), None);
    }
}
