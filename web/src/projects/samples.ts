//! The sample projects (`tests/fixtures/*.json`), bundled at build time so "create from a
//! sample" needs no request, plus the blank project a new design starts from.

import type { ProjectDocument } from "../api/types";

const files = import.meta.glob<ProjectDocument>("../../../tests/fixtures/*.json", { eager: true, import: "default" });

export interface Sample {
  key: string;
  doc: ProjectDocument;
}

export const samples: Sample[] = Object.entries(files)
  .map(([path, doc]) => ({ key: path.split("/").pop()!.replace(/\.json$/, ""), doc }))
  .sort((a, b) => a.key.localeCompare(b.key));

/** A blank design: the utility's service point at 6.6 kV, 60 Hz, 12.5 kA available. */
export function blankDocument(name: string): ProjectDocument {
  return {
    schema_version: 1,
    name,
    utility: {
      bus: "SP",
      voltage_v: 6600,
      frequency_hz: "60",
      short_circuit: { form: "current", ik_ka: 12.5, x_over_r: 10 },
    },
    devices: [{ type: "bus", id: "SP", name: "受電点", voltage_v: 6600 }],
  };
}
