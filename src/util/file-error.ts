/** Why a file could not be read, in words a user can act on (never a raw errno code when avoidable). */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}
