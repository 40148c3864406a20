// The parent side of bench/peers/host.mjs: a JavaScript peer (tfjs, onnxruntime-web) in a child process,
// with the same shape as the PyTorch peer — set a case up, get its first results for the correctness
// check, then time batches of calls measured inside the child.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const HOST = fileURLToPath(new URL("./host.mjs", import.meta.url));

/** Starts peer `name` in its own process; resolves to a peer or to { skip: reason }. */
export async function startHosted(name) {
  const child = fork(HOST, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const pending = [];
  child.on("message", (m) => pending.shift()?.resolve(m));
  child.on("exit", (code) => { for (const p of pending.splice(0)) p.reject(new Error(`the ${name} process exited (${code})`)); });
  const request = (msg) => new Promise((resolve, reject) => {
    pending.push({ resolve, reject });
    child.send(msg);
  }).then((r) => {
    if (r.error) throw new Error(r.error);
    return r;
  });
  const hello = await request({ cmd: "start", peer: name }).catch((e) => ({ skip: e.message }));
  if (hello.skip) {
    child.kill();
    return { skip: hello.skip };
  }
  return {
    version: hello.version,
    simd: hello.simd,
    /** Sets one case up; resolves to { first: { fwd, fwdBwd? }, firstMs, batch(pass), release() }. */
    async setup(loss, size, caseName) {
      const r = await request({ cmd: "setup", loss: loss.name, size: size.label, caseName });
      return {
        first: r.first,
        firstMs: r.firstMs,
        batch: (pass) => async (k, lead) => (await request({ cmd: "time", pass, calls: k, lead })).times,
        release: async () => (await request({ cmd: "release" })).numTensors,
      };
    },
    close: () => child.disconnect(),
  };
}
