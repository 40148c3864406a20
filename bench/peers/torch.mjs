// PyTorch peer: drives bench/peers/torch_peer.py (a JSON-lines server under /usr/bin/python3, or
// $NNLOSS_BENCH_PYTHON) and hands its data over as raw files in /dev/shm (or the temp dir).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./torch_peer.py", import.meta.url));

/** Starts PyTorch; resolves to a peer, or to { skip: reason } when python or torch is missing. */
export async function startTorch() {
  const python = process.env.NNLOSS_BENCH_PYTHON ?? "/usr/bin/python3";
  if (!existsSync(python)) return { skip: `${python} not found` };
  const child = spawn(python, [SCRIPT], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error("the PyTorch process ended");
    return JSON.parse(value);
  };
  let hello;
  try {
    hello = await Promise.race([next(), new Promise((_, rej) => child.once("error", rej))]);
  } catch (e) {
    return { skip: `could not run ${python}: ${e.message}` };
  }
  if (hello.error) {
    child.stdin.end();
    return { skip: `${python}: ${hello.error}` };
  }
  const shm = existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
  const dir = mkdtempSync(path.join(shm, "nnloss-bench-"));
  const request = async (obj) => {
    child.stdin.write(`${JSON.stringify(obj)}\n`);
    const r = await next();
    if (r.error) throw new Error(`PyTorch: ${r.error}`);
    return r;
  };
  return {
    version: hello.torch,
    threads: hello.threads,
    /** Loads one case; returns { loss, grad } of PyTorch's forward and forward+backward, and firstMs. */
    async load(expr, args) {
      const files = args.map((a, i) => {
        const p = path.join(dir, `a${i}.bin`);
        writeFileSync(p, new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
        return { path: p, dtype: a.data instanceof BigInt64Array ? "int64" : "float32", shape: a.shape };
      });
      const gradPath = path.join(dir, "grad.bin");
      const r = await request({ cmd: "load", expr, args: files, grad_path: gradPath });
      const buf = readFileSync(gradPath);
      for (const f of files) rmSync(f.path);
      rmSync(gradPath);
      return { loss: r.loss, grad: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4),
        firstMs: { fwd: r.fwd_ms, fwdBwd: r.fwdBwd_ms } };
    },
    /** A batch runner (see measureInterleaved): times measured inside Python. */
    batch: (pass) => async (k, lead) => (await request({ cmd: "time", pass, calls: k, lead })).times,
    close() {
      child.stdin.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
