/**
 * The Building page in a real headless Chromium against the built CLI reading three virtual meters
 * (`e450 run --config` with a `meters:` list: a house, a workshop behind it, a flat), under a Home
 * Assistant ingress prefix. A first run learns each virtual meter's key; with the service stopped
 * the store gets a week of quarter hours for each, then a second run serves them. Needs
 * `npm run build` first. `E450_UPDATE_SCREENSHOTS=1` writes the screenshot DOCS.md shows.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HistoryStore } from "../../../src/store/history-store.js";
import { historyFile } from "../../../src/store/location.js";
import type { StoredInterval } from "../../../src/store/types.js";
import { formatEnergy, formatMoney, formatPercent } from "../../../web/panel/src/format.js";
import { localDate } from "../../../web/panel/src/periods.js";
import { launchChromium } from "../../helpers/chromium.js";
import { IngressProxy } from "./harness.js";
import { freePort } from "../../helpers/free-port.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const IMAGES = fileURLToPath(new URL("../../../docs/images/", import.meta.url));
const UPDATE_SCREENSHOTS = process.env["E450_UPDATE_SCREENSHOTS"] === "1";
const PREFIX = "/api/hassio_ingress/bUiLdInG0123456789abcdefghijklmnopqrstuvwxyzAB";
const VIEWPORT = { width: 1280, height: 800 };
const QUARTER_MS = 15 * 60_000;

const CONFIG = `meters:
  - name: House
    connection: virtual
  - name: Workshop
    area: Garden
    behind: House
    connection: virtual
  - name: Flat 2
    area: First floor
    connection: virtual
tariff:
  currency: CHF
  import_price: 0.25
  standing_charge_per_day: 0.5
`;

/** kWh per quarter hour stored for each configured meter. */
const PER_QUARTER: Readonly<Record<string, number>> = { house: 0.2, workshop: 0.05, "flat-2": 0.1 };

interface Run {
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
}

/** `e450 run --config … --http …` until every configured meter has pushed; the keys by configured id. */
async function run(config: string, dataDir: string): Promise<Run & { keys: Map<string, string> }> {
  const port = await freePort();
  let output = "";
  const child = spawn(
    process.execPath,
    [CLI, "run", "--config", config, "--http", `127.0.0.1:${port}`, "--data-dir", dataDir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const body = (await (await fetch(`http://127.0.0.1:${port}/api/meters`)).json()) as {
        meters: { key: string; configured: string | null }[];
      };
      const keys = new Map(
        body.meters.flatMap((m) => (m.configured === null ? [] : [[m.configured, m.key]])),
      );
      if (keys.size === 3) return { port, child, keys, output: () => output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the three virtual meters did not all push; e450 said:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** SIGTERM, as systemd and the Supervisor stop it, and wait until the store is closed. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Local midnight `daysAgo` days before today. */
function midnight(daysAgo: number): Date {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo);
}

/** The quarter hours from `from` to `to` (local midnights), so a change of clock is counted as it is. */
function quarterStarts(from: Date, to: Date): number[] {
  const starts: number[] = [];
  for (let ms = from.getTime(); ms < to.getTime(); ms += QUARTER_MS) starts.push(ms);
  return starts;
}

let dataDir: string;
let service: Run;
let proxy: IngressProxy;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** The week the store holds, ending three days ago: no live interval of today reaches into it. */
const FIRST = midnight(10);
const END = midnight(3);
const QUARTERS = quarterStarts(FIRST, END);
const DAYS = 7;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "e450-building-"));
  const config = join(dataDir, "e450.yaml");
  writeFileSync(config, CONFIG);
  const first = await run(config, join(dataDir, "data"));
  await stop(first.child);
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const store = HistoryStore.open(historyFile(join(dataDir, "data")), quiet);
  try {
    for (const [id, key] of first.keys) {
      const intervals: StoredInterval[] = QUARTERS.map((startMs) => ({
        startMs,
        endMs: startMs + QUARTER_MS,
        importKwh: PER_QUARTER[id]!,
        exportKwh: 0,
        source: "imported",
      }));
      store.writeIntervals(key, intervals);
    }
  } finally {
    store.close();
  }
  service = await run(config, join(dataDir, "data"));
  proxy = new IngressProxy(service.port, PREFIX);
  await proxy.start();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light", locale: "en-GB" });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
}, 150_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await proxy?.stop();
  if (service) await stop(service.child);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Each row's cells as the page shows them (texts only for screen readers left out). */
async function tableText(): Promise<string[][]> {
  return page.locator('[data-testid="building-row"], [data-testid="building-total"]').evaluateAll((rows) =>
    rows.map((row) =>
      [...row.querySelectorAll("td")].map((cell) => {
        const copy = cell.cloneNode(true) as typeof cell;
        for (const hidden of copy.querySelectorAll(".visually-hidden")) hidden.remove();
        for (const reason of copy.querySelectorAll(".row-reason")) reason.remove();
        return (copy.textContent ?? "").trim();
      }),
    ),
  );
}

describe("the Building page", () => {
  it("is in the navigation with three meters configured, and opens from it under the ingress prefix", async () => {
    await page.goto(proxy.entry);
    await page.getByTestId("nav-building").click();
    await page.getByTestId("building-period").waitFor();
    expect(page.url()).toBe(`${proxy.entry}#/building`);
  });

  it("splits a chosen week between the meters: the workshop inside the house, its rest, and the flat", async () => {
    await page.getByTestId("building-period").selectOption("custom");
    await page.getByTestId("building-from").fill(localDate(FIRST));
    await page.getByTestId("building-to").fill(localDate(midnight(4)));
    const answered = page.waitForResponse((response) => response.url().includes("/api/building?"));
    await page.getByTestId("building-show").click();
    expect((await answered).status()).toBe(200);
    await page.getByTestId("building-table").waitFor();

    const quarters = QUARTERS.length;
    const kwh = (id: string) => PER_QUARTER[id]! * quarters;
    const standing = 0.5 * DAYS;
    const house = kwh("house") * 0.25 + standing;
    const workshop = kwh("workshop") * 0.25;
    const flat = kwh("flat-2") * 0.25 + standing;
    const total = house + flat;
    const energy = (value: number) => formatEnergy("en", value);
    const money = (value: number) => formatMoney("en", value, "CHF");
    const percent = (value: number) => formatPercent("en", value);
    // 0.2 + 0.1 kWh a quarter at the top: the house 2/3 of the building, the workshop's 0.05 a sixth.
    expect(await tableText()).toEqual([
      ["House", "", energy(kwh("house")), percent(200 / 3), money(house), percent((house / total) * 100)],
      [
        "Workshop",
        "Garden",
        energy(kwh("workshop")),
        percent(50 / 3),
        money(workshop),
        percent((workshop / total) * 100),
      ],
      [
        "Rest of House",
        "",
        energy(kwh("house") - kwh("workshop")),
        percent(50),
        money(house - workshop),
        percent(((house - workshop) / total) * 100),
      ],
      [
        "Flat 2",
        "First floor",
        energy(kwh("flat-2")),
        percent(100 / 3),
        money(flat),
        percent((flat / total) * 100),
      ],
      ["Building total", "", energy(kwh("house") + kwh("flat-2")), percent(100), money(total), percent(100)],
    ]);
    expect(
      await page
        .getByTestId("building-row")
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-depth"))),
    ).toEqual(["0", "1", "1", "0"]);
    // The pieces that make the building: the workshop, the house's rest, the flat.
    const widths = await page
      .getByTestId("building-split-energy")
      .locator(".split-part")
      .evaluateAll((parts) => parts.map((part) => part.getAttribute("style") ?? ""));
    expect(widths.map((style) => Number.parseFloat(/width: ([\d.]+)%/.exec(style)?.[1] ?? ""))).toEqual([
      16.6667, 50, 33.3333,
    ]);
    expect(await page.getByTestId("building-split-cost").locator(".split-part").count()).toBe(3);
    expect(await page.getByTestId("api-error").count()).toBe(0);
    if (UPDATE_SCREENSHOTS) writeFileSync(`${IMAGES}panel-building-light.png`, await page.screenshot());
  }, 60_000);

  it("asks for last month with whole local dates", async () => {
    const asked = page.waitForRequest((request) => request.url().includes("/api/building?"));
    await page.getByTestId("building-period").selectOption("lastMonth");
    const now = new Date();
    const from = localDate(new Date(now.getFullYear(), now.getMonth() - 1, 1));
    const to = localDate(new Date(now.getFullYear(), now.getMonth(), 0));
    expect(new URL((await asked).url()).searchParams.get("period")).toBe(`${from}/${to}`);
    await page.getByTestId("building-table").waitFor();
  });
});
