/**
 * Collects the layers and issues of one inspection. Walkers label ranges of a Region; a range that
 * spans several pieces of the input (a field split between two GBT blocks) becomes one layer per
 * piece. At the end every byte no walker labelled becomes an "unparsed bytes" leaf, so the leaves
 * always cover the input and the plaintext exactly once.
 */
import { concat, hex } from "../model/bytes.js";
import type { Issue } from "../model/issue.js";
import { Region, type Space } from "./region.js";
import type { InspectLayer, LayerName } from "./types.js";

export interface Fields {
  readonly layer: LayerName;
  readonly label: string;
  readonly value: string;
  readonly note?: string;
}

/** Plaintext bytes shown per unparsed layer before the value says "…". */
const UNPARSED_PREVIEW = 16;

export class Annotation {
  private readonly layers: InspectLayer[] = [];
  private readonly issueList: Issue[] = [];
  private readonly plaintextParts: Uint8Array[] = [];
  private plaintextLength = 0;

  constructor(private readonly input: Uint8Array) {}

  /** A field: the bytes [start, end) of `region`. */
  leaf(region: Region, start: number, end: number, depth: number, fields: Fields): void {
    this.add(region, start, end, depth, fields, false);
  }

  /** A range whose bytes the layers that follow label in detail. */
  group(region: Region, start: number, end: number, depth: number, fields: Fields): void {
    this.add(region, start, end, depth, fields, true);
  }

  /** Bytes no structure explains, with the reason as an issue. */
  unparsed(region: Region, start: number, end: number, depth: number, issue: Issue): void {
    if (start >= end) return;
    this.leaf(region, start, end, depth, unparsedFields(region.bytes.subarray(start, end), issue.message));
    this.issue(issue);
  }

  /**
   * Segments of a push whose last segment never came (the input ended): each labelled as data
   * that could not be decoded, and one `truncated` issue.
   */
  unfinishedSegments(
    segments: readonly Region[],
    layer: "hdlc" | "mbus",
    why: string,
    message: string,
  ): void {
    for (const segment of segments) {
      this.leaf(segment, 0, segment.length, 2, {
        layer,
        label: "segment data",
        value: `${segment.length} bytes`,
        note: `not decoded: ${why}`,
      });
    }
    if (segments.length > 0) this.issue({ code: "truncated", message });
  }

  issue(issue: Issue): void {
    if (!this.issueList.some((known) => known.code === issue.code && known.message === issue.message))
      this.issueList.push(issue);
  }

  /** Appends decrypted bytes to the plaintext buffer; their layers point into it. */
  addPlaintext(bytes: Uint8Array): Region {
    const start = this.plaintextLength;
    this.plaintextParts.push(bytes);
    this.plaintextLength += bytes.length;
    return Region.placed(bytes, "plaintext", start);
  }

  get issues(): readonly Issue[] {
    return this.issueList;
  }

  /** The layers in order (input first, then plaintext; by offset; groups before what they hold). */
  finish(): { layers: InspectLayer[]; plaintext: Uint8Array | null } {
    const plaintext = this.plaintextParts.length > 0 ? concat(this.plaintextParts) : null;
    this.fillGaps("input", this.input);
    if (plaintext) this.fillGaps("plaintext", plaintext);
    const order = (layer: InspectLayer) => [
      layer.source === "plaintext" ? 1 : 0,
      layer.start,
      layer.group ? 0 : 1,
      layer.depth,
    ];
    const layers = this.layers
      .map((layer, index) => ({ layer, key: order(layer), index }))
      .sort((a, b) => compareKeys(a.key, b.key) || a.index - b.index)
      .map(({ layer }) => layer);
    return { layers, plaintext };
  }

  private add(region: Region, start: number, end: number, depth: number, fields: Fields, group: boolean) {
    const ranges = region.ranges(start, end);
    ranges.forEach((range, index) => {
      const label =
        ranges.length > 1 ? `${fields.label} (part ${index + 1} of ${ranges.length})` : fields.label;
      this.layers.push({
        layer: fields.layer,
        label,
        start: range.start,
        end: range.end,
        value: fields.value,
        ...(fields.note === undefined ? {} : { note: fields.note }),
        ...(region.space === "plaintext" ? { source: "plaintext" as const } : {}),
        depth,
        ...(group ? { group: true as const } : {}),
      });
    });
  }

  /** A walker that stopped early left bytes unlabelled: they become unparsed leaves. */
  private fillGaps(space: Space, all: Uint8Array): void {
    const covered = this.layers
      .filter((layer) => !layer.group && (layer.source === "plaintext") === (space === "plaintext"))
      .sort((a, b) => a.start - b.start);
    let at = 0;
    const gaps: [number, number][] = [];
    for (const layer of covered) {
      if (layer.start > at) gaps.push([at, layer.start]);
      at = Math.max(at, layer.end);
    }
    if (at < all.length) gaps.push([at, all.length]);
    const whole = Region.of(all, space);
    for (const [start, end] of gaps) {
      this.unparsed(whole, start, end, 0, {
        code: "unparsed",
        message: `${end - start} byte(s) at offset ${start} are not part of any frame or field`,
      });
    }
  }
}

export function unparsedFields(bytes: Uint8Array, why: string): Fields {
  const shown = hex(bytes.subarray(0, UNPARSED_PREVIEW));
  return {
    layer: "unknown",
    label: "unparsed bytes",
    value: bytes.length > UNPARSED_PREVIEW ? `${shown}…` : shown,
    note: why,
  };
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = a[i]! - b[i]!;
    if (difference !== 0) return difference;
  }
  return 0;
}
