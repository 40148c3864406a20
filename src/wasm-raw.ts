// The raw-wasm entry's wasm source (`nnloss/raw`, and the `workerd` export condition): the two
// builds stay separate files, `nnloss.simd.wasm` and `nnloss.scalar.wasm`, imported as modules next
// to dist/index-raw.js. This is what runtimes that forbid compiling wasm from bytes require:
// Cloudflare workerd (and wrangler) hand such an import over as a precompiled WebAssembly.Module.
// Bundlers that turn a .wasm import into a file URL (esbuild's `file` loader, webpack's
// `asset/resource`) or into bytes (esbuild's `binary` loader) work too; so does a `WebAssembly.Module`
// from `import source`. Nothing here compiles from bytes unless the import itself gave bytes.

import simdAsset from "./nnloss.simd.wasm";
import scalarAsset from "./nnloss.scalar.wasm";
import { NNLossError } from "./errors.js";
import { Build, InitOptions, WasmSource, initWith } from "./runtime.js";

// The smallest module using a v128 instruction (i8x16.splat + i8x16.popcnt), as wasm-feature-detect
// does: validating it needs no compilation, so it is allowed where code generation is not.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

const compiled = new Map<Build, Promise<WebAssembly.Module>>();

async function toModule(asset: unknown, name: string): Promise<WebAssembly.Module> {
  if (asset instanceof WebAssembly.Module) return asset;
  if (asset !== null && typeof asset === "object" && "default" in asset) return toModule(asset.default, name);
  if (ArrayBuffer.isView(asset) || asset instanceof ArrayBuffer) return WebAssembly.compile(asset as BufferSource);
  if (typeof asset === "string" || asset instanceof URL) {
    const response = await fetch(new URL(asset, import.meta.url));
    if (!response.ok) throw new NNLossError(`init: could not fetch ${name} (${response.status} ${response.statusText})`);
    // compileStreaming insists on Content-Type: application/wasm; fall back to bytes for servers without it.
    if (typeof WebAssembly.compileStreaming === "function" && response.headers.get("content-type")?.startsWith("application/wasm")) {
      return WebAssembly.compileStreaming(response);
    }
    return WebAssembly.compile(await response.arrayBuffer());
  }
  throw new NNLossError(
    `init: importing ${name} gave ${typeof asset}, not a WebAssembly.Module, URL or bytes; ` +
      `the "nnloss/raw" entry needs a runtime or bundler that imports .wasm files (workerd, esbuild's file ` +
      `loader); everywhere else use the default "nnloss" entry`,
  );
}

const rawSource: WasmSource = {
  simdSupported: () => WebAssembly.validate(SIMD_PROBE),
  module(build) {
    let m = compiled.get(build);
    if (m === undefined) {
      const simd = build !== "scalar"; // this source has no relaxed build, so it is never asked for one
      m = toModule(simd ? simdAsset : scalarAsset, simd ? "nnloss.simd.wasm" : "nnloss.scalar.wasm");
      m.catch(() => compiled.delete(build));
      compiled.set(build, m);
    }
    return m;
  },
};

/** Does this engine support wasm SIMD? (Validates a tiny SIMD probe; compiles nothing.) */
export function simdSupported(): boolean {
  return rawSource.simdSupported();
}

/** Load the wasm kernels (once; idempotent). `init({ simd: false })` forces the scalar build. */
export function init(options: InitOptions = {}): Promise<void> {
  return initWith(rawSource, options);
}
