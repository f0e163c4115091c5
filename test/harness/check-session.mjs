#!/usr/bin/env node
import { loadChecklistSet } from "../../dist/checklist/load.js";
import { setLang } from "../../dist/i18n/index.js";
// A person at `lookback check`, played by a script, in a process of its own: the tests
// kill it (SIGKILL) mid-session or run two at once against one database.
// Usage: node check-session.mjs '<json>' with
//   { db, checklistsDir, cwd, unit, checklist, respondent, leaders?, answers: N, after: "wait" | "exit" | "finish", new? }
// It answers N items with 符合, then: waits at the next prompt forever ("wait"), stops ("exit"),
// or finishes the run from the summary ("finish"). Everything shown is echoed to stdout.
import { ScriptExhausted, ScriptedAsk } from "../../dist/interactive/ask/scripted.js";
import { runSession } from "../../dist/interactive/check/session.js";
import { startInteractive } from "../../dist/interactive/check/setup.js";
import { chooseUnit } from "../../dist/interactive/check/unit.js";
import { openStore } from "../../dist/store/open.js";
import { palette } from "../../dist/util/color.js";
import { localToday } from "../../dist/util/dates.js";

const spec = JSON.parse(process.argv[2]);
setLang("en");
const steps = [];
if (spec.leaders !== undefined) steps.push(spec.leaders);
for (let i = 0; i < spec.answers; i++) steps.push("pass", "", "");
if (spec.after === "finish") steps.push("finish", true);

const echo = (line) => process.stdout.write(`${line}\n`);
const ask = new ScriptedAsk(steps, {
  echo,
  onExhausted:
    spec.after === "wait"
      ? (message) => {
          echo(`WAITING at: ${message}`);
          // Sit at the prompt, as a person who walked away; only a signal ends this.
          setInterval(() => {}, 60_000);
          return new Promise(() => {});
        }
      : undefined,
});

const store = await openStore(spec.db, { intent: "write" });
const style = palette(false);
try {
  const unitName = await chooseUnit(store, ask, spec.unit);
  const started = await startInteractive(
    {
      store,
      ask,
      checklists: () => loadChecklistSet({ checklistsDir: spec.checklistsDir, cwd: spec.cwd }),
      lang: "en",
      style,
    },
    { checklist: spec.checklist, respondent: spec.respondent, new: spec.new === true },
    unitName,
  );
  const state = await runSession(
    {
      store,
      ask,
      checklist: started.checklist,
      unitName: started.unit.name,
      today: localToday(),
      lang: "en",
      style,
    },
    started.state,
  );
  echo(`DONE ${state.mode}`);
} catch (e) {
  if (!(e instanceof ScriptExhausted)) throw e;
  echo("EXHAUSTED");
} finally {
  await store.close();
}
