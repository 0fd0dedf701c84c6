/**
 * A frame from any of the link layers, tagged with the one it came from, so that code after the
 * framer branches on the tag and the type follows (no casts).
 */
import type { HdlcFrame } from "./hdlc.js";
import type { Iec62056Frame } from "./iec62056-21.js";
import type { MbusFrame } from "./mbus.js";
import type { Framer, FramerOutput } from "./types.js";

export type LinkFrame =
  | { readonly link: "hdlc"; readonly frame: HdlcFrame }
  | { readonly link: "mbus"; readonly frame: MbusFrame }
  | { readonly link: "iec62056-21"; readonly frame: Iec62056Frame };

export type LinkProtocol = LinkFrame["link"];

type FrameOf<L extends LinkProtocol> = Extract<LinkFrame, { link: L }>["frame"];

/** Wraps a framer so that its frames carry their link's tag. */
export function tagged<L extends LinkProtocol>(link: L, framer: Framer<FrameOf<L>>): Framer<LinkFrame> {
  const tag = (outputs: FramerOutput<FrameOf<L>>[]) =>
    outputs.map(
      (output): FramerOutput<LinkFrame> =>
        output.kind === "frame"
          ? { kind: "frame", frame: { link, frame: output.frame } as LinkFrame }
          : output,
    );
  return {
    push: (chunk, now) => tag(framer.push(chunk, now)),
    reset: () => framer.reset(),
    flush: () => tag(framer.flush?.() ?? []),
  };
}
