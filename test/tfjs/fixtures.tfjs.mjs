// tfjsLoss against real PyTorch 1.13 where tfjs has no such loss (test/fixtures/tfjs.json, made by
// test/fixtures/families/tfjs.py): batch-first CTC, channels-last and weighted/ignored cross-entropy,
// triplet, KLDiv, GaussianNLL, MarginRanking, CosineEmbedding, MultiMargin — the loss and the gradient of
// every tensor argument through tf.grads (PyTorch's .grad, or zeros where PyTorch has none), with the
// arguments in the layout a tfjs model gives. Labels go in as float32 tensors (what tfjs users have) in
// one pass and as int32 tensors in the other.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fx from "../fixtures/tfjs.json" with { type: "json" };
import { BACKEND, close, nn, tf, tfFromFixture, tfjsLoss } from "./_setup.mjs";

function options(opts) {
  const out = {};
  for (const [k, v] of Object.entries(opts ?? {})) out[k] = v && typeof v === "object" && "data" in v ? new Float32Array(v.data) : v;
  return out;
}

for (const floatLabels of [true, false]) {
  for (const c of fx.cases) {
    test(`[tfjs ${BACKEND}] ${c.id} (${floatLabels ? "float32" : "int32"} labels)`, () => {
      const before = tf.memory().numTensors;
      const args = c.args.map((a) => tfFromFixture(a, { floatLabels }));
      const loss = tfjsLoss(new nn[c.module](options(c.options)), c.adapter);
      const f = c.pre === "logSoftmax" ? (x, ...rest) => loss(tf.logSoftmax(x), ...rest) : loss;
      const dy = c.gradOutput ? tf.tensor(c.gradOutput.data, c.gradOutput.shape) : undefined;
      const { value, grads } = tf.valueAndGrads(f)(args, dy);
      close(value, c.output, "output");
      c.grads.forEach((g, i) => {
        if (g !== null) close(grads[i], g, `∂/∂args[${i}]`);
        else assert.ok(grads[i].dataSync().every((v) => v === 0), `args[${i}]: zero gradient where PyTorch has none`);
        assert.equal(grads[i].shape, args[i].shape, `args[${i}]: the gradient has the argument's shape`);
      });
      // the forward-only path (no tape) gives the same value
      close(tf.tidy(() => f(...args).dataSync()), c.output, "output without a tape");
      tf.dispose([value, ...grads, ...args, dy]);
      assert.is(tf.memory().numTensors, before, "no tensor left behind");
    });
  }
}

test.run();
