/** The InfluxDB forwarder's state, for the diagnostic entities and the panel. */
export interface ForwarderStatus {
  /** Lines waiting in the queue on disk. */
  readonly queuedLines: number;
  readonly queuedBytes: number;
  /** When the oldest waiting line was queued (epoch ms); null when the queue is empty. */
  readonly oldestQueuedMs: number | null;
  /** Lines the server acknowledged since the process started. */
  readonly writtenLines: number;
  /** Lines parked for good because the server refused them (the file's whole count). */
  readonly deadLetters: number;
  /** Lines dropped since start because the queue reached its cap. */
  readonly droppedLines: number;
  /** Why the latest write failed; null once a write succeeded again. */
  readonly lastError: string | null;
  /** The latest acknowledged write (epoch ms); null before one. */
  readonly lastWriteMs: number | null;
}
