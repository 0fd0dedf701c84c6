/** `npm run bench`: every benchmark in one process, printing figures and ratios. */
import { benchDlms } from "./dlms.js";

const sections: [string, () => Promise<void>][] = [["dlms", benchDlms]];
for (const [name, section] of sections) {
  const started = Date.now();
  await section();
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
