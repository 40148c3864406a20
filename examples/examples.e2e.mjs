// The Node examples as a user runs them (`node examples/...`, the built dist/ through the package's
// own name): seeds.mjs prints ✓ for every value and exits 0; train-iris.mjs with a small epoch count
// reaches ≥ 95 % training accuracy and writes its SVG. Run by scripts/test.mjs (the examples page has
// its own Chromium test, examples/web/web.e2e.mjs).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const node = (...args) => {
  const p = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: p.status, out: p.stdout, err: p.stderr };
};

test("seeds.mjs: every PyTorch seed example agrees (✓ on every value line, none ✗, exit 0)", () => {
  const { code, out, err } = node("examples/seeds.mjs");
  assert.is(code, 0, `exit ${code}\n${out}\n${err}`);
  const seeds = JSON.parse(readFileSync(join(ROOT, "examples/seeds.json"), "utf8")).seeds;
  const values = seeds.reduce((n, s) => n + Object.keys(s.values).length, 0);
  const ticks = out.split("\n").filter((l) => /^\s+✓ /.test(l)).length;
  assert.not.match(out, /✗/);
  assert.ok(ticks >= values, `${ticks} ✓ lines for ${values} PyTorch values`);
  assert.match(out, new RegExp(`${seeds.length} examples, \\d+ values: all agree with PyTorch`));
  for (const id of ["1.344727", "2.211252", "0.6436677", "1.177099"]) assert.ok(out.includes(id), `prints ${id}`);
});

test("seeds.mjs --code: prints the PyTorch and the nnloss code of each example", () => {
  const { code, out } = node("examples/seeds.mjs", "--code");
  assert.is(code, 0);
  assert.ok(out.includes("nn.CrossEntropyLoss()(x, torch.tensor([0]))"), "PyTorch lines");
  assert.ok(out.includes("new CrossEntropyLoss().forward(x, [0])"), "nnloss lines");
});

test("train-iris.mjs --epochs 40: a line per epoch, ≥ 95 % training accuracy, the SVG loss curve written", () => {
  const dir = mkdtempSync(join(tmpdir(), "nnloss-iris-"));
  try {
    const svg = join(dir, "loss.svg");
    const { code, out, err } = node("examples/train-iris.mjs", "--epochs", "40", "--svg", svg);
    assert.is(code, 0, `exit ${code}\n${out}\n${err}`);
    const epochs = out.split("\n").filter((l) => /^epoch\s+\d+\/40\s+loss \d+\.\d+\s+accuracy \d+\.\d%$/.test(l));
    assert.is(epochs.length, 40, "one progress line per epoch");
    const final = /^final: epoch 40 {2}loss (\d+\.\d+) {2}accuracy (\d+\.\d)%/m.exec(out);
    assert.ok(final, `a final line in\n${out}`);
    const [loss, accuracy] = [Number(final[1]), Number(final[2])];
    assert.ok(accuracy >= 95, `final training accuracy ${accuracy}%`);
    const first = Number(/^epoch\s+1\/40\s+loss (\d+\.\d+)/m.exec(out)[1]);
    assert.ok(loss < first, `loss went down: ${first} → ${loss}`);
    const text = readFileSync(svg, "utf8");
    assert.match(text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const d = /<path class="loss" d="([^"]+)"/.exec(text)?.[1] ?? "";
    assert.is((d.match(/[ML]/g) ?? []).length, 40, "a point per epoch on the loss curve");
    console.log(`\n  train-iris: 40 epochs, loss ${loss}, accuracy ${accuracy}%`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train-iris.mjs --quiet: only the summary lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "nnloss-iris-"));
  try {
    const { code, out } = node("examples/train-iris.mjs", "--epochs", "3", "--quiet", "--svg", join(dir, "x.svg"));
    assert.is(code, 0);
    assert.not.match(out, /^epoch /m);
    assert.match(out, /^final: epoch 3 /m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
