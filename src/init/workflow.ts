// The GitHub Actions workflow of a bureau's checklist repository (`lookback init`).
// lookback is not on a public registry, and `npx lookback` would fetch whatever package holds
// that name there; so CI installs the copy committed in tools/ and `npx --no-install` runs only it.

export function workflowYaml(opts: { version: string; tarball: string }): string {
  return `# Made by \`lookback init\` (lookback ${opts.version}).
# Checks every checklist on each push and pull request; a problem shows up as an annotation
# on the line of the YAML file, and the check fails.
name: lookback

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-node@v5
        with:
          node-version: 22
      # The lookback in tools/ is the version this bureau hands out to its schools.
      # validate never opens SQLite, so the native build of better-sqlite3 is skipped.
      - name: Install lookback
        run: npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund ./tools/${opts.tarball}
      - name: Validate the checklists
        run: npx --no-install lookback validate --format github
`;
}
