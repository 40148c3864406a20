// PyTorch 2.x's per-element `weight` of mseLoss, l1Loss and huberLoss (functions only, as in 2.x):
// every case of test/fixtures/weighted.json (the 2.x formula evaluated by torch 1.13), values and the
// gradients of input and target, and the 2.x errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD, fromFixture, mismatch } from "./_setup.mjs";
import { throwsNN } from "./util.mjs";
import fx from "./fixtures/weighted.json" with { type: "json" };

const options = (o) => ({ ...o, weight: fromFixture(o.weight) });

function checkTensor(actual, expected, what) {
  assert.equal(actual.shape, expected.shape, `${what}: shape`);
  const bad = mismatch(actual.data, expected.data, expected.dtype ?? actual.dtype);
  assert.ok(bad === null, `${what}: ${bad}`);
}

for (const c of fx.cases) {
  test(`[${BUILD}] weighted: ${c.id}`, () => {
    const args = c.args.map(fromFixture);
    const out = nn[c.fn](...args, options(c.options));
    assert.is(out.dtype, c.output.dtype, "output dtype");
    checkTensor(out, c.output, "output");
    out.backward(c.gradOutput ? fromFixture(c.gradOutput) : undefined);
    c.grads.forEach((g, i) => {
      if (g === null) return assert.is(args[i].grad, null, `arg ${i} has no grad`);
      checkTensor(args[i].grad, g, `grad of arg ${i}`);
    });
  });
}

for (const e of fx.errors) {
  test(`[${BUILD}] weighted error: ${e.id}`, () => {
    throwsNN(() => nn[e.fn](...e.args.map(fromFixture), options(e.options)), e.message);
  });
}

test(`[${BUILD}] weighted: the modules take no weight (as in PyTorch 2.x); a weight that requires grad is refused`, () => {
  const w = nn.tensor([1, 2], [2]);
  throwsNN(() => new nn.MSELoss({ weight: w }), "MSELoss.__init__() got an unexpected keyword argument 'weight'");
  throwsNN(() => new nn.HuberLoss({ weight: w }), "HuberLoss.__init__() got an unexpected keyword argument 'weight'");
  throwsNN(() => nn.smoothL1Loss(w, w, { weight: w }), "smooth_l1_loss() got an unexpected keyword argument 'weight'");
  throwsNN(() => nn.l1Loss(w, w, { weight: nn.tensor([1, 2], [2], { requiresGrad: true }) }), /gradient .* weight/);
  // without a weight nothing changed: the unweighted mean
  const x = nn.tensor([1, 2], [2]), y = nn.tensor([0, 0], [2]);
  assert.is(nn.mseLoss(x, y, { weight: nn.tensor([1, 1], [2]) }).item(), nn.mseLoss(x, y).item());
});

test.run();
