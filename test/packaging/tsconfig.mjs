// The tsconfig an application on Node's own module resolution uses to check nnloss's published types
// (strict, nodenext), written into `dir` as `name` for `files`. Shared by the packaging tests.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function writeNodenextTsconfig(dir, files, { skipLibCheck = false, name = "tsconfig.json" } = {}) {
  writeFileSync(join(dir, name), JSON.stringify({
    compilerOptions: {
      module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true,
      skipLibCheck, types: [], lib: ["es2022", "dom"],
    },
    files,
  }, null, 2));
}
