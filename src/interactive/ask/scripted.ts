// A scripted stand-in for a person: answers come from a list, and everything asked and
// shown is recorded. Tests drive the check flow through it; the kill harness uses
// `onExhausted` to sit at a prompt until it is killed.
import {
  type Ask,
  type Choice,
  type ConfirmQuestion,
  type InputQuestion,
  isSeparator,
  type SelectQuestion,
} from "./types.js";

/** One scripted reply: the value itself, or with the text the question must contain. */
export type Step =
  | string
  | number
  | boolean
  | { answer: string | number | boolean; expect?: string | RegExp };

export interface TranscriptEntry {
  kind: "select" | "input" | "confirm" | "say";
  message: string;
  default?: string | boolean | undefined;
  answer?: string | boolean;
  /** A validation message the flow gave for the scripted answer (the next step is the retry). */
  error?: string;
  choices?: string[];
  /** For a select: what the echo line shows once picked (null for a menu action, which has none). */
  echo?: string | null;
}

/** A scripted reply that stands for Ctrl-C: the prompt throws as inquirer's does. */
export const INTERRUPT = "\u0000interrupt";

/** A scripted reply typed but cut off by Ctrl-C before Enter: `keep` gets `typed`. */
export const interruptTyping = (typed: string): string => `${INTERRUPT}${typed}`;

export class ExitPromptError extends Error {
  constructor() {
    super("User force closed the prompt");
    this.name = "ExitPromptError";
  }
}

export class ScriptExhausted extends Error {
  constructor(message: string) {
    super(`script exhausted at: ${message}`);
    this.name = "ScriptExhausted";
  }
}

export interface ScriptedOptions {
  /** Called when the script has no step left; its promise stands in for the reply (e.g. never resolves). */
  onExhausted?: (message: string) => Promise<never>;
  /** Also write what is said and asked to this function (the harness forwards it to stdout). */
  echo?: (line: string) => void;
}

export class ScriptedAsk implements Ask {
  readonly transcript: TranscriptEntry[] = [];
  private readonly steps: Step[];
  private readonly opts: ScriptedOptions;
  /** How many scripted steps were consumed. */
  used = 0;

  constructor(steps: readonly Step[], opts: ScriptedOptions = {}) {
    this.steps = [...steps];
    this.opts = opts;
  }

  /** What was shown with `say`, joined: handy for `toContain` assertions. */
  get output(): string {
    return this.transcript
      .filter((e) => e.kind === "say")
      .map((e) => e.message)
      .join("\n");
  }

  get remaining(): number {
    return this.steps.length;
  }

  private async next(message: string): Promise<string | number | boolean> {
    const step = this.steps.shift();
    if (step === undefined) {
      if (this.opts.onExhausted) return this.opts.onExhausted(message);
      throw new ScriptExhausted(message);
    }
    this.used++;
    if (typeof step === "object") {
      if (step.expect !== undefined) {
        const ok =
          typeof step.expect === "string" ? message.includes(step.expect) : step.expect.test(message);
        if (!ok)
          throw new Error(
            `scripted step ${this.used} expected a question matching ${String(step.expect)}, got: ${message}`,
          );
      }
      return step.answer;
    }
    return step;
  }

  say(text: string): void {
    this.transcript.push({ kind: "say", message: text });
    this.opts.echo?.(text);
  }

  async select<V>(q: SelectQuestion<V>): Promise<V> {
    const choices = q.choices.filter((c): c is Choice<V> => !isSeparator(c));
    const entry: TranscriptEntry = {
      kind: "select",
      message: q.message,
      default: q.default === undefined ? undefined : String(q.default),
      choices: choices.map((c) => String(c.value)),
    };
    this.transcript.push(entry);
    this.opts.echo?.(`? ${q.message}`);
    const raw = await this.next(q.message);
    if (raw === INTERRUPT) throw new ExitPromptError();
    const picked =
      choices.find((c) => String(c.value) === String(raw)) ?? choices.find((c) => c.name === String(raw));
    if (!picked) {
      throw new Error(
        `scripted answer "${String(raw)}" is not a choice of "${q.message}": ${entry.choices?.join(", ")}`,
      );
    }
    if (picked.disabled) throw new Error(`scripted answer "${String(raw)}" is disabled in "${q.message}"`);
    entry.answer = String(picked.value);
    entry.echo = picked.echo === false ? null : (picked.echo ?? picked.name);
    return picked.value;
  }

  async input(q: InputQuestion): Promise<string> {
    for (;;) {
      const entry: TranscriptEntry = { kind: "input", message: q.message, default: q.default };
      this.transcript.push(entry);
      this.opts.echo?.(`? ${q.message}`);
      const raw = String(await this.next(q.message));
      if (raw.startsWith(INTERRUPT)) {
        const typed = raw.slice(INTERRUPT.length);
        if (typed !== "") q.keep?.(typed);
        throw new ExitPromptError();
      }
      // An empty reply keeps the default, as Enter does at a real prompt.
      const value = raw === "" && q.default !== undefined ? q.default : raw;
      entry.answer = value;
      const verdict = q.validate ? q.validate(value) : true;
      if (verdict === true) return value;
      entry.error = verdict;
      this.opts.echo?.(`! ${verdict}`);
    }
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const entry: TranscriptEntry = { kind: "confirm", message: q.message, default: q.default };
    this.transcript.push(entry);
    this.opts.echo?.(`? ${q.message}`);
    const raw = await this.next(q.message);
    const value = raw === "" ? (q.default ?? false) : raw === true || raw === "y" || raw === "yes";
    entry.answer = value;
    return value;
  }
}
