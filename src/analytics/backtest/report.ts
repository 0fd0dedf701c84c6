/** Plain-text and CSV renderings of a backtest; pure, so the CLI only writes what these return. */
import type { AnomalyEvent } from "../anomaly/types.js";
import type { ZonedCalendar } from "../../time/zoned.js";
import type { ForecastRow } from "./forecast-backtest.js";
import type { BacktestResult } from "./run.js";

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : "–");
const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "–");

export function renderTable(result: BacktestResult, calendar: ZonedCalendar): string {
  const { series, forecast, anomalies } = result;
  const lines: string[] = [];
  lines.push(
    `series   ${calendar.formatIso(series.startMs)} → ${calendar.formatIso(series.endMs)}  ` +
      `${series.hours} h (${series.missingHours} missing), native step ${series.stepMinutes} min, ${calendar.timeZone}`,
  );
  lines.push("");
  lines.push(`forecast: rolling origin at local midnight, 24 h horizon, ${forecast.scoredDays} scored days`);
  lines.push(
    `  ${"method".padEnd(14)} ${"MAE kWh".padStart(8)} ${"NMAE".padStart(8)} ${"NRMSE".padStart(8)} ${"rel. MAE".padStart(9)} ${"day-total APE".padStart(14)}`,
  );
  for (const m of forecast.methods) {
    lines.push(
      `  ${m.name.padEnd(14)} ${num(m.mae).padStart(8)} ${pct(m.nmae).padStart(8)} ${pct(m.nrmse).padStart(8)} ` +
        `${num(m.relativeMae).padStart(9)} ${pct(m.dailyTotalMape).padStart(14)}`,
    );
  }
  lines.push(
    `  80 % interval coverage ${pct(forecast.coverage80)}, mean width ${num(forecast.meanIntervalWidthKwh)} kWh`,
  );
  lines.push(
    `  month-end projection APE: ${forecast.monthEnd.map((m) => `day ${m.day} ${pct(m.mape)} (${m.months} months)`).join(", ")}`,
  );
  lines.push("");
  lines.push(`anomalies: ${anomalies.months.toFixed(1)} household-months`);
  lines.push(`  clean data: ${num(anomalies.falseAlarmsPerMonth, 2)} statistical alarms per household-month`);
  const facts = anomalies.clean.filter((e) => e.kind !== "unusual-consumption" && e.kind !== "spike");
  for (const e of facts) lines.push(`    ${describe(e, calendar)}`);
  const inj = anomalies.injected;
  if (inj) {
    const s = inj.evaluation.statistical;
    lines.push(`  injected faults (seed ${inj.seed}): ${inj.faults.length}`);
    lines.push(
      `    statistical: precision ${num(s.precision, 2)}, recall ${num(s.recall, 2)}, event-F1 ${num(s.f1, 2)} ` +
        `(${s.truePositives}/${s.detections} detections, ${s.recalled}/${s.faults} faults)`,
    );
    lines.push(
      `    by kind: ${inj.evaluation.recallByKind.map((k) => `${k.kind} ${k.found}/${k.injected}`).join(", ")}`,
    );
    lines.push(
      `    deterministic: ${inj.evaluation.deterministic.map((k) => `${k.kind} ${k.found}/${k.injected}`).join(", ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function describe(e: AnomalyEvent, calendar: ZonedCalendar): string {
  return `${e.kind.padEnd(16)} ${calendar.formatIso(e.startMs)} → ${calendar.formatIso(e.endMs)}  ${e.message}`;
}

function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1e6) / 1e6) : "";
}

export const FORECAST_CSV_HEADER = "origin,target,actual_kwh,forecast_kwh,p10_kwh,p90_kwh\n";

export function forecastCsvRow(row: ForecastRow, calendar: ZonedCalendar): string {
  return `${calendar.formatIso(row.originMs)},${calendar.formatIso(row.targetMs)},${csvNumber(row.actualKwh)},${csvNumber(row.forecastKwh)},${csvNumber(row.p10Kwh)},${csvNumber(row.p90Kwh)}\n`;
}

export function anomaliesCsv(
  events: readonly AnomalyEvent[],
  injected: readonly boolean[] | null,
  calendar: ZonedCalendar,
): string {
  const rows = events.map(
    (e, i) =>
      `${calendar.formatIso(e.startMs)},${calendar.formatIso(e.endMs)},${e.kind},${csvNumber(e.score)},${injected?.[i] ?? false}`,
  );
  return `start,end,kind,score,injected\n${rows.map((r) => `${r}\n`).join("")}`;
}
