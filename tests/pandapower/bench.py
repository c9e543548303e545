#!/usr/bin/env python3
"""Kyocho's engine against pandapower's IEC 60909 calc_sc, side by side on the same networks.

The networks are Kyocho's synthetic receiving stations (`domain::synthetic::site_json(n)`: a
PAS, a lead-in cable, a main VCB, then feeders of VCB → cable → 300 kVA transformer → ACB →
two MCCBs with a load and a motor, and every fifth feeder a capacitor bank behind a PF). For
each size the bench program (`shared/domain/examples/bench_engine.rs`) writes the project
files and times Kyocho; this script converts each project file into the equivalent pandapower
net with compare.py's mapping (`project_to_spec` below gives compare.py's network description,
`compare.build_pandapower` builds the net), checks that both give the same maximum I_k'' at
every bus (within 0.5 %; Kyocho's `iec_max_with_contribution`, motors included, with
Kyocho's 1 % neglect rule applied to the pandapower side as compare.py does), and only then
times pandapower's `calc_sc(net, case="max", ip=True, ith=True, ...)` in-process (median of
several runs after one warm-up; numpy's BLAS on one thread, see below). Loads and capacitor banks do not enter either IEC 60909
calculation and are left out of the pandapower net.

Usage:
    cargo build -p domain --release --examples
    tests/.venv/bin/python tests/pandapower/bench.py target/release/examples/bench_engine
        [--sizes 75 480 1690 2000] [--runs 7] [--min-time 1.0] [--json]

Prints one table: devices, buses (Kyocho's; pandapower's in brackets), pandapower median ms,
Kyocho in-process median ms (parse + analysis + compact JSON) and pandapower/Kyocho ratio,
the whole Kyocho process (`kyocho analyze --json FILE` with `--kyocho PATH`, else the `analyze`
example: read, parse, analyse, write compact JSON to stdout — the same code)
and its ratio, the JSON size, Kyocho's split (parse + validation, short-circuit, chart curve
sampling, checks incl. sheets and design study, serialisation), then the time per device at
each size, then the time budgets of the goal (pandapower's time / 100 in-process, / 10 for
the whole process) beside two floors no analysis gets under: scanning the project's JSON
without building anything, and starting the binary and exiting (`--version`). `pp/sc` compares pandapower with Kyocho's short-circuit study alone (which
computes more cases than calc_sc's maximum). `--json` prints the same figures as one JSON
document. Exit code 1 when the two engines disagree at any bus.
"""

from __future__ import annotations

import argparse
import json
import math
import os

# One BLAS thread, as Kyocho uses one core: on a machine shared with other jobs OpenBLAS's
# worker threads wait for cores and calc_sc takes about a second instead of 15 ms (set
# before numpy is imported; an explicit setting in the environment is kept).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (imports pandapower)
import pandapower.shortcircuit as sc  # noqa: E402

# R and X (Ω/km) of the built-in library cables the synthetic sites use
# (shared/domain/src/library.rs, CVT 6.6 kV: R at 20 °C, X).
LIBRARY_CABLES = {
    "cable.cvt.14": (1.31, 0.14), "cable.cvt.22": (0.850, 0.13), "cable.cvt.38": (0.491, 0.12),
    "cable.cvt.60": (0.311, 0.11), "cable.cvt.100": (0.187, 0.10), "cable.cvt.150": (0.124, 0.095),
    "cable.cvt.200": (0.0933, 0.092), "cable.cvt.250": (0.0754, 0.090),
    "cable.cvt.325": (0.0579, 0.088),
}
# Kyocho's defaults (shared/domain/src/model.rs) where a project leaves a value out.
MOTOR_DEFAULTS = dict(efficiency=0.9, power_factor=0.85, starting_current_multiple=6.0,
                      pole_pairs=2)
DEFAULT_LV_TOLERANCE = 10
DEFAULT_CABLE_END_TEMPERATURE_C = 20  # only the minimum case uses it; not compared here
SWITCHGEAR = {"vcb", "lbs_pf", "lv_breaker", "ground_switch", "ds", "lbs", "cb"}


def project_to_spec(project):
    """compare.py's network description of a Kyocho project (three-phase, radial)."""
    spec = {"name": project.get("name", "project"), "f": project["utility"]["frequency_hz"],
            "buses": {}, "elements": []}
    settings = project.get("settings", {})
    spec["tol"] = settings.get("lv_tolerance_percent", DEFAULT_LV_TOLERANCE)
    spec["temp"] = settings.get("cable_end_temperature_c", DEFAULT_CABLE_END_TEMPERATURE_C)
    u = project["utility"]

    def source(s):
        if s["form"] == "current":
            return ("current", s["ik_ka"], s["x_over_r"])
        if s["form"] == "power":
            return ("power", s["sk_mva"], s["x_over_r"])
        return ("percent", s["r_percent"], s["x_percent"])

    spec["source"] = source(u["short_circuit"])
    spec["source_min"] = source(u["short_circuit_min"]) if "short_circuit_min" in u else None
    if u["bus"] != "SP":
        raise ValueError("compare.build_pandapower expects the utility at bus SP")
    for d in project["devices"]:
        t = d["type"]
        if t == "bus":
            if d.get("single_phase"):
                raise ValueError(f"{d['id']}: single-phase buses are not converted")
            spec["buses"][d["id"]] = d["voltage_v"]
        elif t == "cable":
            if "r_ohm_per_km" in d:
                r, x = d["r_ohm_per_km"], d["x_ohm_per_km"]
            else:
                r, x = LIBRARY_CABLES[d["library_ref"]]
            spec["elements"].append(("cable", d["from"], d["to"], d["length_m"], r, x,
                                     d.get("parallel", 1)))
        elif t == "transformer":
            if d.get("phases", "three") != "three":
                raise ValueError(f"{d['id']}: single-phase transformers are not converted")
            imp = d["impedance"]
            if imp["form"] == "rx":
                r, x = imp["r_percent"], imp["x_percent"]
            else:
                z, xr = imp["z_percent"], imp["x_over_r"]
                r = z / math.sqrt(1 + xr * xr)
                x = r * xr
            spec["elements"].append(("trafo", d["from"], d["to"], d["rated_kva"], d["primary_v"],
                                     d["secondary_v"], r, x))
        elif t == "motor":
            m = {**MOTOR_DEFAULTS, **d}
            spec["elements"].append(("motor", d["bus"], d["rated_kw"], d["rated_voltage_v"],
                                     m["efficiency"], m["power_factor"],
                                     m["starting_current_multiple"], m["pole_pairs"]))
        elif t == "generator":
            raise ValueError(f"{d['id']}: generators are not converted")
        elif t in SWITCHGEAR or ("from" in d and "to" in d):
            # Zero impedance: compare.build_pandapower joins both buses into one.
            spec["elements"].append(("switch", d["from"], d["to"], t))
        # Loads and capacitor banks: not in IEC 60909 (no contribution).
    return spec


def kyocho_ik(analysis):
    """bus id → (I_k'' max with contribution kA, motors neglected at the bus)."""
    return {row["bus_id"]: (row["iec_max_with_contribution"]["ik_ka"],
                            row["motors_neglected"][1]) for row in analysis["short_circuit"]["buses"]}


def pandapower_ik(spec, net, mapping):
    sc.calc_sc(net, case="max", ip=True, ith=True, lv_tol_percent=spec["tol"], tk_s=1.0)
    return {b: float(net.res_bus_sc.at[i, "ikss_ka"]) for b, i in mapping.items()}


def agree(spec, net, mapping, analysis, tolerance):
    """Worst relative deviation (%) of I_k'' over every bus, and the bus."""
    pp_with = pandapower_ik(spec, net, mapping)
    pp_without = None
    worst = (0.0, "")
    for bus, (ik_ky, neglected) in kyocho_ik(analysis).items():
        ik_pp = pp_with[bus]
        if neglected:
            # Kyocho leaves the motors out here (Σ I_rM ≤ 1 % of I_k''); pandapower has no
            # such rule: compare with the same network without motors.
            if pp_without is None:
                spec0 = {**spec, "elements": [e for e in spec["elements"] if e[0] != "motor"]}
                net0, map0 = compare.build_pandapower(spec0)
                pp_without = pandapower_ik(spec0, net0, map0)
            ik_pp = pp_without[bus]
        d = abs(100.0 * (ik_ky - ik_pp) / ik_pp)
        if not d <= worst[0]:
            worst = (d, bus)
    return worst


def median_ms(f, runs, min_time):
    f()  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < runs or (time.perf_counter() - start < min_time and len(times) < 1000):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000.0)
    return statistics.median(times), len(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bench", help="path of the bench_engine example (release build)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[75, 480, 1690, 2000],
                    help="device counts (default: about 30, 200, 700 buses and the 2 000 cap)")
    ap.add_argument("--runs", type=int, default=7, help="at least this many pandapower runs")
    ap.add_argument("--min-time", type=float, default=1.0,
                    help="seconds of repetitions per figure at least (both engines)")
    ap.add_argument("--tolerance", type=float, default=0.5, help="I_k'' agreement, percent")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--kyocho", help="time this kyocho binary (`kyocho analyze --json FILE`) as "
                    "the whole process instead of the analyze example")
    args = ap.parse_args()

    bench = Path(args.bench).resolve()
    with tempfile.TemporaryDirectory(prefix="kyocho-bench-") as tmp:
        whole = ["--kyocho", str(Path(args.kyocho).resolve())] if args.kyocho else []
        proc = subprocess.run([str(bench), "--json", "--min-time", str(args.min_time), *whole,
                               "--keep", tmp, *map(str, args.sizes)], capture_output=True,
                              text=True, check=True)
        ky = json.loads(proc.stdout)["kyocho"]
        analyze = bench.parent / "analyze"
        rows = []
        failures = 0
        for n, k in zip(args.sizes, ky):
            project_path = Path(tmp) / f"site_{n}.json"
            project = json.loads(project_path.read_text())
            out = subprocess.run([str(analyze), str(project_path)], capture_output=True,
                                 text=True)
            if out.returncode not in (0, 1):
                raise RuntimeError(f"analyze {project_path}: exit {out.returncode} {out.stderr}")
            analysis = json.loads(out.stdout)
            spec = project_to_spec(project)
            net, mapping = compare.build_pandapower(spec)
            worst, where = agree(spec, net, mapping, analysis, args.tolerance)
            ok = worst <= args.tolerance
            failures += not ok
            pp_ms, pp_runs = median_ms(lambda: sc.calc_sc(net, case="max", ip=True, ith=True,
                                                          lv_tol_percent=spec["tol"], tk_s=1.0),
                                       args.runs, args.min_time)
            rows.append({
                "devices": k["devices"], "buses": k["buses"], "pandapower_buses": len(net.bus),
                "ik_worst_deviation_percent": worst, "ik_worst_bus": where, "agree": ok,
                "pandapower_ms": pp_ms, "pandapower_runs": pp_runs,
                "kyocho_ms": k["ms"]["total"], "kyocho_process_ms": k["ms"]["process"],
                "ratio_in_process": pp_ms / k["ms"]["total"],
                "ratio_process": pp_ms / k["ms"]["process"],
                "ratio_short_circuit": pp_ms / k["ms"]["short_circuit"],
                "json_bytes": k["json_bytes"], "chart_points": k["chart_points"],
                "kyocho_split_ms": {s: k["ms"][s] for s in
                                    ("parse", "short_circuit", "chart", "checks", "serialize")},
                "floor_ms": {"read_json": k["ms"]["scan"], "start_exit": k["ms"]["spawn"]},
            })
    if args.json:
        print(json.dumps({"rows": rows, "tolerance_percent": args.tolerance}, indent=2))
        return 0 if failures == 0 else 1
    print(f"{'devices':>7} {'buses':>11} {'dIk%max':>8} {'pp ms':>9} {'ky ms':>8} {'pp/ky':>7} "
          f"{'proc ms':>8} {'pp/proc':>7} {'pp/sc':>7} {'JSON B':>10}   split ms: {'parse':>6} {'sc':>6} "
          f"{'chart':>6} {'checks':>6} {'ser':>6}")
    for r in rows:
        s = r["kyocho_split_ms"]
        print(f"{r['devices']:>7} {r['buses']:>5} ({r['pandapower_buses']:>3}) "
              f"{r['ik_worst_deviation_percent']:>8.1e} {r['pandapower_ms']:>9.2f} "
              f"{r['kyocho_ms']:>8.3f} {r['ratio_in_process']:>6.1f}x {r['kyocho_process_ms']:>8.2f} "
              f"{r['ratio_process']:>6.1f}x {r['ratio_short_circuit']:>6.1f}x {r['json_bytes']:>10}             {s['parse']:>6.2f} "
              f"{s['short_circuit']:>6.2f} {s['chart']:>6.2f} {s['checks']:>6.2f} "
              f"{s['serialize']:>6.2f}{'' if r['agree'] else '  <-- I_k DISAGREES'}")
    print("\nGrowth, µs per device (linear when flat across sizes):")
    print(f"{'devices':>7} {'pandapower':>11} {'kyocho':>8} {'process':>8} {'JSON B/dev':>11}")
    for r in rows:
        d = r["devices"]
        print(f"{d:>7} {1000 * r['pandapower_ms'] / d:>11.1f} {1000 * r['kyocho_ms'] / d:>8.2f} "
              f"{1000 * r['kyocho_process_ms'] / d:>8.2f} {r['json_bytes'] / d:>11.0f}")
    print("\nAgainst the goal (in-process >= 100x, whole process >= 10x faster than pandapower), ms:")
    print(f"{'devices':>7} {'pp/100':>8} {'ky':>8} {'read JSON':>10} {'pp/10':>8} {'proc':>8} "
          f"{'start+exit':>11} {'+read JSON':>11}")
    for r in rows:
        f = r["floor_ms"]
        spawn = f["start_exit"]
        print(f"{r['devices']:>7} {r['pandapower_ms'] / 100:>8.3f} {r['kyocho_ms']:>8.3f} "
              f"{f['read_json']:>10.3f} {r['pandapower_ms'] / 10:>8.3f} {r['kyocho_process_ms']:>8.2f} "
              + (f"{spawn:>11.2f} {spawn + f['read_json']:>11.2f}" if spawn is not None else f"{'-':>11} {'-':>11}"))
    print("(read JSON: only scanning the project file, building nothing; start+exit: the same "
          "binary run with --version. Both are floors under any analysis.)")
    print(f"\nI_k'' agreement at every bus within {args.tolerance} %: "
          f"{'yes' if failures == 0 else f'NO ({failures} size(s) disagree)'}; medians; "
          f"pp = pandapower calc_sc(case='max') in-process, ky = Kyocho parse + analysis + "
          f"compact JSON in-process, proc = whole Kyocho process, sc = Kyocho's short-circuit "
          f"study alone (max, min, two-phase, with and without machines)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
