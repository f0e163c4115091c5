// `Ask` for a person at a terminal, through the three @inquirer prompt packages it uses
// (together they load in half the time of @inquirer/prompts). Ctrl-C makes inquirer
// throw ExitPromptError, which the entry point turns into exit 130; every answer given
// before it is already committed.
// The packages are ES modules only; they are imported (not required) when a prompt is shown,
// which also lets the bundled CLI be CommonJS (scripts/bundle.mjs).
import { t } from "../i18n/index.js";
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
}

export class InquirerAsk implements Ask {
  private readonly context: {
    input?: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
    clearPromptOnDone: false;
  };
  private readonly out: NodeJS.WritableStream & { rows?: number };

  constructor(opts: InquirerAskOptions) {
    this.out = opts.output;
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
          },
    );
    // Show every choice at once when the terminal allows: paging hides the actions.
    const room = Math.max(5, (this.out.rows ?? 24) - 8);
    return select<V>(
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
      this.context,
    );
  }

  async input(q: InputQuestion): Promise<string> {
    const { default: input } = await import("@inquirer/input");
    const { validate, format } = q;
    return input(
      {
        message: q.message,
        ...(q.default ? { default: q.default, prefill: "editable" as const } : {}),
        ...(validate ? { validate: (v: string) => validate(v) } : {}),
        ...(format
          ? { transformer: (v: string, { isFinal }: { isFinal: boolean }) => (isFinal ? format(v) : v) }
          : {}),
      },
      this.context,
    );
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
