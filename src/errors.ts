// Typed user errors: a code, an exit code and a hint. Only the entry point prints them.
// Exit codes: 0 success; 1 the thing checked is wrong (an invalid checklist, nothing to export);
// 2 a usage or input error (an unknown flag, a missing file, no terminal for a prompt).
import { type MessageKey, type Params, t } from "./i18n/index.js";

export type ExitCode = 0 | 1 | 2 | 130;

export class LookbackError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  /** Extra lines printed under the message (e.g. the files that would be overwritten). */
  readonly details: string[];

  constructor(
    code: string,
    message: string,
    opts: { exitCode?: ExitCode; hint?: string; details?: string[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "LookbackError";
    this.code = code;
    this.exitCode = opts.exitCode ?? 1;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
  }
}

/** Build an error from catalog keys: `key` for the message, `key.hint` when the catalog has one. */
export function userError(
  key: MessageKey,
  params: Params = {},
  opts: { exitCode?: ExitCode; hintKey?: MessageKey; details?: string[]; cause?: unknown } = {},
): LookbackError {
  return new LookbackError(key, t(key, params), {
    exitCode: opts.exitCode ?? 1,
    hint: opts.hintKey ? t(opts.hintKey, params) : undefined,
    details: opts.details,
    cause: opts.cause,
  });
}

/** Exit 2: the user typed something we cannot use. */
export function usageError(
  key: MessageKey,
  params: Params = {},
  opts: { hintKey?: MessageKey; details?: string[] } = {},
): LookbackError {
  return userError(key, params, { ...opts, exitCode: 2 });
}

export function isLookbackError(e: unknown): e is LookbackError {
  return e instanceof LookbackError;
}
