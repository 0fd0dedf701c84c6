/**
 * From transport units (an HDLC information field without its LLC header, the APDU part of M-Bus
 * DLMS segments, a bare APDU) to pushes: General Block Transfer blocks are labelled and joined in
 * block-number order, everything else is a push of its own. Sequencing follows dlms/gbt.ts
 * GbtReassembler, so a block the decoder drops is shown as dropped, with the same reason.
 *
 *   E0 | block-control (b7 last, b6 streaming, b0–5 window) | block-number u16 | ack u16 | length | data
 *
 * (DLMS Green Book §9.1.4.6.12.)
 */
import { Reader } from "../dlms/axdr.js";
import { GBT_TAG, parseGbtBlock } from "../dlms/gbt.js";
import { hex } from "../model/bytes.js";
import { DecodeError } from "../model/issue.js";
import type { WalkContext } from "./context.js";
import { walkPush } from "./push.js";
import { Region } from "./region.js";

interface Block {
  readonly number: number;
  readonly last: boolean;
  readonly data: Region;
  readonly depth: number;
}

export class PushAssembler {
  private blocks: Block[] = [];

  constructor(private readonly context: WalkContext) {}

  /** A unit whose layers sit at `depth`. */
  accept(unit: Region, depth: number): void {
    if (unit.bytes[0] !== GBT_TAG) {
      walkPush(this.context, unit, depth);
      return;
    }
    const block = this.walkBlock(unit, depth);
    if (block) this.add(block);
  }

  /** End of the input: blocks of a push whose last block never came. */
  finish(): void {
    const last = this.blocks.at(-1);
    if (last) this.abandon("gbt-incomplete", `the input ended after block ${last.number}`);
  }

  private add(block: Block): void {
    const last = this.blocks.at(-1);
    if (block.number === 1) {
      if (last) this.abandon("gbt-incomplete", `a new push began after block ${last.number}`);
    } else if (!last) {
      this.drop([block], "gbt-out-of-order", `block ${block.number} without the blocks before it`);
      return;
    } else if (block.number === last.number) {
      this.abandon("gbt-duplicate", `block ${block.number} received twice`, block);
      return;
    } else if (block.number !== last.number + 1) {
      this.abandon("gbt-out-of-order", `block ${block.number} after block ${last.number}`, block);
      return;
    }
    this.blocks.push(block);
    if (!block.last) return;
    const blocks = this.blocks;
    this.blocks = [];
    walkPush(this.context, Region.join(blocks.map((b) => b.data)), block.depth);
  }

  private abandon(code: string, detail: string, also?: Block): void {
    const blocks = also ? [...this.blocks, also] : this.blocks;
    this.blocks = [];
    this.drop(blocks, code, detail);
  }

  private drop(blocks: readonly Block[], code: string, detail: string): void {
    const message = `push dropped: ${detail}`;
    for (const block of blocks) {
      this.context.out.leaf(block.data, 0, block.data.length, block.depth, {
        layer: "gbt",
        label: `block ${block.number} data`,
        value: `${block.data.length} bytes`,
        note: `not decoded: ${message}`,
      });
    }
    this.context.out.issue({ code, message });
  }

  /** Labels a block's header; returns the block, or null when it is malformed (labelled unparsed). */
  private walkBlock(unit: Region, depth: number): Block | null {
    const { out } = this.context;
    const inner = depth + 1;
    const reader = new Reader(unit.bytes, 1);
    try {
      const block = parseGbtBlock(unit.bytes);
      const control = reader.u8();
      reader.u32();
      const lengthStart = reader.offset;
      const length = reader.length();
      out.group(unit, 0, unit.length, depth, {
        layer: "gbt",
        label: `GBT block ${block.number}`,
        value: `${length} bytes of data`,
      });
      out.leaf(unit, 0, 1, inner, { layer: "gbt", label: "GBT tag", value: "general-block-transfer (E0)" });
      out.leaf(unit, 1, 2, inner, {
        layer: "gbt",
        label: "block control",
        value: hex(control),
        note: `last block: ${control & 0x80 ? "yes" : "no"}, streaming: ${control & 0x40 ? "yes" : "no"}, window ${control & 0x3f}`,
      });
      out.leaf(unit, 2, 4, inner, { layer: "gbt", label: "block number", value: String(block.number) });
      out.leaf(unit, 4, 6, inner, {
        layer: "gbt",
        label: "block number ack",
        value: String((unit.bytes[4]! << 8) | unit.bytes[5]!),
        note: "meaningful only to a client acknowledging blocks",
      });
      out.leaf(unit, lengthStart, reader.offset, inner, {
        layer: "gbt",
        label: "block data length",
        value: `${length} bytes`,
      });
      return {
        number: block.number,
        last: block.last,
        data: unit.sub(reader.offset, unit.length),
        depth: inner,
      };
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      out.unparsed(unit, 0, unit.length, depth, {
        code: error.code,
        message: `general-block-transfer block: ${error.message}`,
      });
      return null;
    }
  }
}
