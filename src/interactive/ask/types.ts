// The one seam between the check flow and whoever answers it: a person at a terminal
// (inquirer) or a script (tests, the kill harness). The flow only ever talks to `Ask`.

export interface Choice<V> {
  value: V;
  name: string;
  description?: string;
  /** A reason shown beside a choice that cannot be picked right now. */
  disabled?: boolean | string;
  /**
   * What the echo line shows once it is picked (default: `name`); false for a menu action
   * (查看依据, 上一项…), which is not an answer and leaves no echo.
   */
  echo?: string | false;
}

export interface SeparatorLine {
  separator: true;
  line?: string;
}

export type ChoiceEntry<V> = Choice<V> | SeparatorLine;

export interface SelectQuestion<V> {
  message: string;
  choices: readonly ChoiceEntry<V>[];
  default?: V;
  pageSize?: number;
}

export interface InputQuestion {
  message: string;
  /** Shown as the starting value; Enter keeps it. */
  default?: string;
  /** `true` when the value is acceptable, else the message to show before asking again. */
  validate?: (value: string) => true | string;
  /** How the accepted value is shown once given (e.g. `+30` as the date it means). */
  format?: (value: string) => string;
  /** Called with the text typed so far when the prompt is interrupted (Ctrl-C) before Enter. */
  keep?: (typed: string) => void;
}

export interface ConfirmQuestion {
  message: string;
  default?: boolean;
}

export interface Ask {
  select<V>(q: SelectQuestion<V>): Promise<V>;
  input(q: InputQuestion): Promise<string>;
  confirm(q: ConfirmQuestion): Promise<boolean>;
  /** Show text that is not a question: the item, a summary, a notice. */
  say(text: string): void;
}

export const separator = (line?: string): SeparatorLine =>
  line === undefined ? { separator: true } : { separator: true, line };

export function isSeparator<V>(c: ChoiceEntry<V>): c is SeparatorLine {
  return "separator" in c;
}
