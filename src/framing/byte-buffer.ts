/** A growable byte queue for framers: append chunks, inspect, drop from the front. */
export class ByteBuffer {
  private data = new Uint8Array(256);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.data.length) this.compact(chunk.length);
    this.data.set(chunk, this.end);
    this.end += chunk.length;
  }

  at(index: number): number {
    return this.data[this.start + index]!;
  }

  /** A view valid until the next append or drop. */
  view(from = 0, to = this.length): Uint8Array {
    return this.data.subarray(this.start + from, this.start + to);
  }

  /** A copy that outlives the buffer. */
  copy(from: number, to: number): Uint8Array {
    return this.data.slice(this.start + from, this.start + to);
  }

  indexOf(byte: number, from = 0): number {
    return this.data.subarray(this.start, this.end).indexOf(byte, from);
  }

  drop(count: number): void {
    this.start += Math.min(count, this.length);
    if (this.start === this.end) this.start = this.end = 0;
  }

  clear(): void {
    this.start = this.end = 0;
  }

  private compact(extra: number): void {
    const needed = this.length + extra;
    const target =
      needed > this.data.length ? new Uint8Array(Math.max(needed, this.data.length * 2)) : this.data;
    target.set(this.data.subarray(this.start, this.end), 0);
    this.end = this.length;
    this.start = 0;
    this.data = target;
  }
}
