// Where the package's own files live, whether run from src/ (tests) or dist/ (built).
import { fileURLToPath } from "node:url";

export const packageRoot: string = fileURLToPath(new URL("..", import.meta.url));
export const builtinChecklistsDir: string = fileURLToPath(new URL("../checklists/", import.meta.url));
export const templatesDir: string = fileURLToPath(new URL("../templates/", import.meta.url));
export const docsDir: string = fileURLToPath(new URL("../docs/", import.meta.url));
