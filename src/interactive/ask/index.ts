// The prompt adapter (see types.ts). The inquirer implementation is imported on its own
// (./inquirer.ts) so that tests and the answers-file path never load a terminal UI.
export {
  ExitPromptError,
  INTERRUPT,
  interruptTyping,
  ScriptExhausted,
  ScriptedAsk,
  type Step,
  type TranscriptEntry,
} from "./scripted.js";
export * from "./types.js";
