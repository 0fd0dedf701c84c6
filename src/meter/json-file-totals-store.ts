import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic-write.js";
import {
  type GoodTotals,
  parseTotals,
  serializeTotals,
  type TotalsStore,
  TotalsStoreError,
} from "./totals-store.js";

/** The guard's state as one JSON file in the data folder (/data persists across add-on updates). */
export class JsonFileTotalsStore implements TotalsStore {
  constructor(readonly location: string) {}

  load(): GoodTotals {
    let text: string;
    try {
      text = readFileSync(this.location, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
      throw new TotalsStoreError(`cannot read ${this.location}: ${(error as Error).message}`);
    }
    try {
      return parseTotals(text);
    } catch (error) {
      throw new TotalsStoreError(`${this.location}: ${(error as Error).message}`);
    }
  }

  save(totals: GoodTotals): void {
    writeFileAtomic(this.location, serializeTotals(totals));
  }
}
