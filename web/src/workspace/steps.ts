//! The settings a relay, fuse or rating can actually take (docs/engineering.md §1–§3, §11): JIS OCR taps
//! for 5 A relays, levers, instantaneous taps, CT primaries, PF ratings, standard kVA; the ratings
//! and classes of instrument transformers, arresters and disconnectors.

export const OCR_TAPS_A = [3, 3.5, 4, 4.5, 5, 6] as const;
export const OCR_LEVERS = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10] as const;
export const OCR_INST_TAPS_A = [10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80, 90, 100] as const;
export const CT_PRIMARIES_A = [10, 15, 20, 30, 40, 50, 60, 75, 100, 150, 200, 300, 400, 500, 600, 800] as const;
export const PF_RATINGS_A = [3, 5, 7.5, 10, 15, 20, 30, 40, 50, 60, 75, 100, 125, 150, 200] as const;
export const FUSE_TYPES = ["G", "T", "M", "C"] as const;
export const OCR_CURVES = ["ei", "vi", "ni", "dt"] as const;
export const TRANSFORMER_KVA = [10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000] as const;
export const CABLE_SIZES_MM2 = [8, 14, 22, 38, 60, 100, 150, 200, 250, 325] as const;
export const REACTOR_PERCENT = [0, 6, 13] as const;
export const DS_RATED_CURRENTS_A = [200, 400, 600] as const;
/** JIS C 4608: 4.2 kV arresters on 3.3 kV, 8.4 kV on 6.6 kV; nominal discharge currents. */
export const LA_RATED_V = [4200, 8400] as const;
export const LA_DISCHARGE_KA = [2.5, 5, 10] as const;
/** JIS C 1731-1/-2 rated burdens, VA. */
export const CT_BURDENS_VA = [5, 10, 15, 25, 40, 100] as const;
export const VT_BURDENS_VA = [15, 25, 50, 100, 200] as const;
/** A relay CT's overcurrent constant n (n>5, n>10, n>20, n>40) and overcurrent strength (× rated primary, 1 s). */
export const CT_OVERCURRENT_CONSTANTS = [5, 10, 20, 40] as const;
export const CT_OVERCURRENT_STRENGTHS = [40, 75, 150, 300] as const;
export const VT_FUSE_RATINGS_A = [0.5, 1, 2, 3] as const;
export const CT_CLASSES = ["0.1", "0.2", "0.5", "1.0", "3.0", "1PS", "3PS", "5P", "10P"] as const;
export const VT_CLASSES = ["0.1", "0.2", "0.5", "1.0", "3.0"] as const;
export const VCT_CLASSES = ["0.3W", "0.5W", "1.0W"] as const;
export const METER_KINDS = ["watt_hour", "var_hour", "max_demand", "voltmeter", "ammeter", "wattmeter", "power_factor", "frequency"] as const;
export const EARTHING_CLASSES = ["a", "b", "c", "d"] as const;
