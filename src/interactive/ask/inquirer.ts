// `Ask` for a person at a terminal, through the three @inquirer prompt packages it uses
// (together they load in half the time of @inquirer/prompts). Ctrl-C makes inquirer
// throw ExitPromptError, which the entry point turns into exit 130; every answer given
// before it is already committed.
// The packages are ES modules only; they are imported (not required) when a prompt is shown,
// which also lets the bundled CLI be CommonJS (scripts/bundle.mjs).
import { t } from "../../i18n/index.js";
import { type Palette, palette } from "../../util/color.js";
import {
  type Ask,
  type ConfirmQuestion,
  type InputQuestion,
  isSeparator,
  type SelectQuestion,
} from "./types.js";

export interface InquirerAskOptions {
  input?: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { rows?: number };
  /** Colours of the echo lines this adapter writes itself (as inquirer's: green ✔, bold, cyan). */
  style?: Palette;
}

export class InquirerAsk implements Ask {
  private readonly context: {
    input?: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
    clearPromptOnDone: false;
  };
  private readonly out: NodeJS.WritableStream & { rows?: number };
  private readonly style: Palette;

  constructor(opts: InquirerAskOptions) {
    this.out = opts.output;
    this.style = opts.style ?? palette(false);
    this.context = {
      ...(opts.input ? { input: opts.input } : {}),
      output: opts.output,
      clearPromptOnDone: false,
    };
  }

  say(text: string): void {
    this.out.write(`${text}\n`);
  }

  async select<V>(q: SelectQuestion<V>): Promise<V> {
    const { default: select, Separator } = await import("@inquirer/select");
    const choices = q.choices.map((c) =>
      isSeparator(c)
        ? new Separator(c.line)
        : {
            value: c.value,
            name: c.name,
            ...(c.description ? { description: c.description } : {}),
            ...(c.disabled ? { disabled: c.disabled } : {}),
            ...(typeof c.echo === "string" ? { short: c.echo } : {}),
          },
    );
    // Show every choice at once when the terminal allows: paging hides the actions.
    const room = Math.max(5, (this.out.rows ?? 24) - 8);
    // A menu action is no answer: the prompt is cleared and only an answer is echoed (by us).
    const actions = q.choices.some((c) => !isSeparator(c) && c.echo === false);
    const value = await select<V>(
      {
        message: q.message,
        choices,
        ...(q.default === undefined ? {} : { default: q.default }),
        pageSize: q.pageSize ?? Math.min(choices.length, room),
        loop: false,
        theme: {
          style: {
            keysHelpTip: () => t("ask.help.select"),
          },
        },
      },
      actions ? { ...this.context, clearPromptOnDone: true } : this.context,
    );
    if (actions) {
      const picked = q.choices.find((c) => !isSeparator(c) && c.value === value);
      if (picked && !isSeparator(picked) && picked.echo !== false) {
        const c = this.style;
        this.out.write(`${c.green("✔")} ${c.bold(q.message)} ${c.cyan(picked.echo ?? picked.name)}\n`);
      }
    }
    return value;
  }

  async input(q: InputQuestion): Promise<string> {
    const { default: input } = await import("@inquirer/input");
    const { validate, format, keep } = q;
    // The line as typed so far: inquirer renders it on every key, through the transformer.
    let typed = q.default ?? "";
    const c = this.style;
    try {
      return await input(
        {
          message: q.message,
          ...(q.default ? { default: q.default, prefill: "editable" as const } : {}),
          ...(validate ? { validate: (v: string) => validate(v) } : {}),
          transformer: (v: string, { isFinal }: { isFinal: boolean }) => {
            if (!isFinal) typed = v;
            return isFinal ? c.cyan(format ? format(v) : v) : v;
          },
        },
        this.context,
      );
    } catch (e) {
      if (keep && e instanceof Error && e.name === "ExitPromptError" && typed.trim() !== "") keep(typed);
      throw e;
    }
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const { default: confirm } = await import("@inquirer/confirm");
    return confirm(
      {
        message: q.message,
        ...(q.default === undefined ? {} : { default: q.default }),
        transformer: (yes: boolean) => t(yes ? "ask.yes" : "ask.no"),
      },
      this.context,
    );
  }
}
