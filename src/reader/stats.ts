/** Counters for diagnostics: what arrived, what was thrown away and why. */
export class DecoderStats {
  bytesReceived = 0;
  framesReceived = 0;
  snapshots = 0;
  lostFrames = 0;
  decryptionFailures = 0;
  discardedBytes = 0;
  lastFrameAt: number | null = null;
  /** Frames or pushes rejected, by reason code (framer discard reasons and decoder error codes). */
  readonly rejected = new Map<string, number>();

  discard(reason: string, bytes: number): void {
    this.discardedBytes += bytes;
    if (reason !== "noise") this.reject(reason);
  }

  reject(reason: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }
}
