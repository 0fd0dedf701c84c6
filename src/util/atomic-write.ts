import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join, basename } from "node:path";

/**
 * Replaces `path` with `text` so that a reader (or the next start after a power cut) sees either the
 * old or the new content, never a torn file: write a temporary file in the same folder, fsync it,
 * then rename(2) over the target (atomic within one file system, POSIX rename). The fsync matters on
 * the SD cards Home Assistant often runs from: without it a power cut can leave a renamed but empty
 * file.
 */
export function writeFileAtomic(path: string, text: string): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  const temporary = join(folder, `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
