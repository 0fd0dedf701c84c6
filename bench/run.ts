/** `npm run bench`: every benchmark in one process, printing figures and ratios against named baselines. */
import { benchAnalytics } from "./analytics.js";
import { benchDecodeHostile } from "./decode-hostile.js";
import { benchDlms } from "./dlms.js";
import { benchHouseholds } from "./households.js";
import { benchIec62056 } from "./iec62056.js";
import { benchInflux } from "./influx.js";
import { benchLive } from "./live.js";
import { benchScale } from "./scale.js";
import { benchStore } from "./store.js";
import { benchWeb } from "./web.js";

const sections: [string, () => Promise<void>][] = [
  ["dlms", benchDlms],
  ["iec62056-21", benchIec62056],
  ["analytics", benchAnalytics],
  ["households", benchHouseholds],
  ["decode-hostile", benchDecodeHostile],
  ["store", benchStore],
  ["live", benchLive],
  ["web", benchWeb],
  ["influx", benchInflux],
  ["scale", benchScale],
];
const only = process.argv[2];
for (const [name, section] of sections) {
  if (only && name !== only) continue;
  const started = Date.now();
  await section();
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
