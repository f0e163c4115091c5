// Running main() in the test process with captured streams: the code of bin/lookback.js
// without a process per call, for tests that walk many command lines.
import { Writable } from "node:stream";
import { main } from "../../src/cli.js";

export function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

export async function runMain(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await main(argv, {
    stdout: out.stream as unknown as NodeJS.WriteStream,
    stderr: err.stream as unknown as NodeJS.WriteStream,
    stdinIsTTY: false,
    env,
    cwd,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}
