//! The settings a relay, fuse or rating can actually take (docs/engineering.md §1–§3): JIS OCR taps
//! for 5 A relays, levers, instantaneous taps, CT primaries, PF ratings, standard kVA.

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
