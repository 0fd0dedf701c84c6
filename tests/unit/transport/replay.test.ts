/** Capture files as people paste them, replayed as a transport into the decoder. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { captureBytes, parseHexText } from "../../../src/transport/capture-file.js";
import { ReplayTransport } from "../../../src/transport/replay.js";
import { caseBytes, REAL_FRAMES } from "../../helpers/real-frames.js";

const ekz = REAL_FRAMES.find((c) => c.id === "e450-ch-ekz-vse2026-hdlc-gbt")!;

describe("capture files", () => {
  it("reads hex with comments, separators and 0x prefixes", () => {
    expect(parseHexText("# header\n7E A0:0x84 // flag\n; note\nce-ff,03")).toEqual(
      Uint8Array.of(0x7e, 0xa0, 0x84, 0xce, 0xff, 0x03),
    );
  });

  it("treats anything that is not hex as raw bytes", () => {
    expect(parseHexText("7E A0 zz")).toBeNull();
    expect(captureBytes(Uint8Array.of(0x7e, 0xa0, 0x84))).toEqual(Uint8Array.of(0x7e, 0xa0, 0x84));
    const ascii = Buffer.from("/LGZ4ZMF100AC.M26\r\n");
    expect(Buffer.from(captureBytes(ascii)).equals(ascii)).toBe(true);
  });
});

describe("ReplayTransport", () => {
  it("replays a capture in chunks, then reports the end", async () => {
    const folder = mkdtempSync(join(tmpdir(), "e450-replay-"));
    const path = join(folder, "ekz.hex");
    writeFileSync(path, `# ${ekz.id}\n${ekz.payload}\n`);
    const transport = new ReplayTransport({ path, chunkBytes: 17 });
    const chunks: Uint8Array[] = [];
    transport.on("data", (chunk) => chunks.push(chunk));
    const ended = new Promise<string | undefined>((resolve) =>
      transport.on("state", (state, reason) => state === "down" && resolve(reason)),
    );
    await transport.start();
    expect(await ended).toBe("end of the capture file");
    await transport.stop();
    const bytes = Buffer.concat(chunks);
    expect(bytes.equals(Buffer.from(caseBytes(ekz)))).toBe(true);
    expect(chunks[0]).toHaveLength(17);
    expect(decodeBytes(bytes).snapshots).toHaveLength(1);
  });
});
