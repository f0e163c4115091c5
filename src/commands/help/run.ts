// `lookback help [TOPIC]`: the manuals that ship in the package's docs/ folder, printed in the
// user's language, so that what --help and the error messages point to is there wherever
// lookback is installed (and `lookback help answers > 回答文件说明.md` keeps a copy).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ProgramView } from "../../cli/declare.js";
import type { Context } from "../../context.js";
import { LookbackError } from "../../errors.js";
import { type MessageKey, t } from "../../i18n/index.js";
import { docsDir } from "../../paths.js";
import { closest } from "../../util/similar.js";
import { renderFields } from "../../util/table.js";
import { paragraph } from "../../util/width.js";

interface Topic {
  name: string;
  /** File in docs/; `{lang}` is `.zh-CN` in Chinese, nothing in English. */
  file: string;
  about: MessageKey;
}

export const TOPICS: readonly Topic[] = [
  { name: "checklists", file: "checklists{lang}.md", about: "help.topic.checklists" },
  { name: "answers", file: "answers-file{lang}.md", about: "help.topic.answers" },
  { name: "answers-example", file: "answers-example.yaml", about: "help.topic.answersExample" },
  { name: "export", file: "export{lang}.md", about: "help.topic.export" },
  { name: "briefings", file: "report{lang}.md", about: "help.topic.report" },
];

/** The file a topic prints in a language (the English one when there is no translation). */
export function topicFile(topic: Topic, lang: Context["lang"]): string {
  const localized = path.join(docsDir, topic.file.replace("{lang}", lang === "en" ? "" : `.${lang}`));
  return existsSync(localized) ? localized : path.join(docsDir, topic.file.replace("{lang}", ""));
}

function overview(ctx: Context): string {
  const rows = TOPICS.map((topic) => [topic.name, t(topic.about)] as const);
  return [
    t("help.topics.title"),
    ...renderFields(rows, { width: ctx.width, indent: 2 }),
    "",
    paragraph(t("help.topics.commands"), ctx.width),
    paragraph(t("help.topics.where", { dir: docsDir }), ctx.width),
  ].join("\n");
}

export async function run(
  topic: string | undefined,
  _opts: unknown,
  ctx: Context,
  program: ProgramView,
): Promise<number> {
  if (topic === undefined) {
    ctx.stdout.write(`${overview(ctx)}\n`);
    return 0;
  }
  // `lookback help check` is `lookback check --help`.
  if (program.outputHelp(topic)) return 0;
  const found = TOPICS.find((x) => x.name === topic.trim().toLowerCase());
  if (!found) {
    const meant = closest(topic, [...TOPICS.map((x) => x.name), ...program.commands]);
    const params = { topic, topics: TOPICS.map((x) => x.name).join(t("table.separator")) };
    throw new LookbackError("help.unknownTopic", t("help.unknownTopic", params), {
      exitCode: 2,
      hint: meant
        ? t("usage.hint.didYouMean", { suggestion: `lookback help ${meant}` })
        : t("help.unknownTopic.hint", params),
    });
  }
  ctx.stdout.write(readFileSync(topicFile(found, ctx.lang), "utf8"));
  return 0;
}
