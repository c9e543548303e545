//! The shapes the client reads and writes. The project document and its devices, the project
//! list and exports come straight from the types generated from `infra/openapi.yaml`
//! (`schema.d.ts`), so the client cannot drift from the server; the analysis and problem
//! details are still written here. Fields the client never touches survive a round trip
//! because every edit copies the object it changes.

import type { components } from "./schema";

type Schemas = components["schemas"];

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * `T` (each member of a union on its own) with the fields `K` optional: the schema states the
 * document as the server returns it, where a field with a documented default is always
 * present; a document the client writes may leave it out.
 */
type Defaulted<T, K extends PropertyKey> = T extends unknown ? Omit<T, K & keyof T> & Partial<Pick<T, K & keyof T>> : never;

export type OcrSettings = Defaulted<Schemas["OcrSettings"], "tap_a" | "instantaneous_tap_a">;
export type CurrentTransformer = Schemas["CurrentTransformer"];
export type GroundRelaySettings = Schemas["GroundRelaySettings"];

/** A device or bus of the single-line diagram, discriminated by `type`. */
export type Device = Defaulted<Schemas["Device"], "single_phase" | "parallel" | "so_lock">;
export type DeviceType = Device["type"];
/** The device of one kind (`DeviceOf<"vcb">`). */
export type DeviceOf<T extends DeviceType> = Extract<Device, { type: T }>;
export type MeterKind = Schemas["MeterKind"];
export type EarthingClass = Schemas["EarthingClass"];
export type CtClass = Schemas["CtClass"];
export type VtClass = Schemas["VtClass"];
export type VctClass = Schemas["VctClass"];

export type ProjectDocument = Omit<Defaulted<Schemas["ProjectDocument"], "settings">, "devices"> & { devices: Device[] };

/** A stored project: `version` is the ETag (`"3"`). Times are ms since the Unix epoch. */
export interface Project {
  id: string;
  version: number;
  created_at: number;
  updated_at: number;
  name: string;
  description: string;
  content: ProjectDocument;
}

export type ProjectListItem = Omit<Project, "content">;

export type ProjectList = Schemas["ProjectList"];

export interface FieldError {
  pointer?: string;
  header?: string;
  parameter?: string;
  code: string;
  message: string;
  message_ja?: string;
}

/** RFC 9457 problem details with Kyocho's stable `code`. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  current_version?: number;
  request_id?: string;
}

export type Tokens = Schemas["TokensView"];

export type AuthStep = Schemas["SignInStep"];

export type ChallengeKind = Schemas["ChallengeKind"];

export type Me = Schemas["Me"];

export interface CurvePoint { current_a: number; time_s: number }
export interface SampledLine { line: string; points: CurvePoint[] }
export interface DeviceCurve {
  device_id: string;
  name: string;
  role: string;
  voltage_v: number;
  current_scale: number;
  lines: SampledLine[];
}
export interface FaultMarker { bus_id: string; name: string; voltage_v: number; current_a: number }
export interface Chart {
  voltage_v: number;
  current_min_a: number;
  current_max_a: number;
  time_min_s: number;
  time_max_s: number;
  curves: DeviceCurve[];
  fault_markers: FaultMarker[];
}
export interface FaultCurrents { ik_ka: number; ip_ka: number; r_percent: number; x_percent: number; sk_mva: number; ik_at_utility_a: number }
export interface BusShortCircuit {
  bus_id: string;
  name: string;
  voltage_v: number;
  /** Series devices between the utility and this bus, source side first. */
  path: string[];
  /** Refers a current at this bus to the utility voltage (product of the transformers' ratios). */
  ratio_to_utility: number;
  percent_z: FaultCurrents;
  iec_max: FaultCurrents;
  iec_min: FaultCurrents;
  percent_z_with_contribution?: FaultCurrents;
  iec_max_with_contribution?: FaultCurrents;
}
export interface CheckResult {
  rule: string;
  devices: string[];
  status: "pass" | "warning" | "fail";
  at_current_a?: number | null;
  message_ja: string;
  message_en: string;
}
export interface Analysis {
  analysis_version: number;
  project_name: string;
  short_circuit: { buses: BusShortCircuit[]; notes: { message_ja: string; message_en: string }[] };
  chart: Chart;
  checks: CheckResult[];
  summary: { status: "pass" | "warning" | "fail"; pass: number; warning: number; fail: number };
}

export interface ExportRequest {
  what: "tcc" | "sld" | "report";
  format: "svg" | "pdf" | "dxf" | "csv";
  report?: "equipment" | "short_circuit" | "checks" | "test_sheet";
  encoding?: "utf-8" | "cp932";
  language?: "ja" | "en";
}

export type ExportFile = Schemas["Export"];
