// Wasm read bandwidth: a hand-assembled wasm module (bytes below, no toolchain) whose one function sums
// a buffer with f32x4 loads into 8 independent accumulators, 128 bytes per iteration, from 1–8 streams.
// It gives the floor an elementwise loss is compared with ("≥ 70 % of the wasm read bandwidth").
const leb = (v) => {
  const out = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const sleb = (v) => { // small non-negative values only
  const out = leb(v);
  if (out[out.length - 1] & 0x40) { out[out.length - 1] |= 0x80; out.push(0); }
  return out;
};
const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
const str = (s) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

/**
 * The module's bytes: (func $sum (param $p i32) (param $end i32) (param $stride i32) (result f32)) over
 * `pages` of memory, reading `streams` equal parts of the buffer (`stride` bytes apart) side by side,
 * as an elementwise kernel reads its operands.
 */
function moduleBytes(pages, streams) {
  const ACC = 8, PER = ACC / streams, STEP = 16 * PER, GET = 0x20, SET = 0x21, TEE = 0x22;
  const load = (offset) => [0xfd, 0x00, 0x04, ...leb(offset)]; // v128.load align=16
  const add = [0xfd, 0xe4, 0x01]; // f32x4.add
  const V = 3, Q = V + ACC; // locals: v128 accumulators 3..10, i32 stream pointers 11..
  const body = [2, ACC, 0x7b, streams, 0x7f];
  // q_0 = p; q_s = q_(s-1) + stride
  body.push(GET, 0, SET, Q);
  for (let st = 1; st < streams; st++) body.push(GET, Q + st - 1, GET, 2, 0x6a, SET, Q + st);
  body.push(0x03, 0x40); // loop
  for (let a = 0; a < ACC; a++) {
    const st = Math.floor(a / PER);
    body.push(GET, V + a, GET, Q + st, ...load(16 * (a % PER)), ...add, SET, V + a);
  }
  for (let st = 1; st < streams; st++) body.push(GET, Q + st, 0x41, ...sleb(STEP), 0x6a, SET, Q + st);
  body.push(GET, Q, 0x41, ...sleb(STEP), 0x6a, TEE, Q, GET, 1, 0x49, 0x0d, 0); // q_0 += STEP; br_if q_0 < end
  body.push(0x0b); // end loop
  for (let a = 1; a < ACC; a++) body.push(GET, V, GET, V + a, ...add, SET, V);
  body.push(GET, V, 0xfd, 0x1f, 0);
  for (let l = 1; l < 4; l++) body.push(GET, V, 0xfd, 0x1f, l, 0x92); // extract lanes, f32.add
  body.push(0x0b);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, ...leb(pages)]),
    ...section(7, [2, ...str("sum"), 0, 0, ...str("mem"), 2, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

/** A summing function over `bytes` bytes (a multiple of 128) of wasm memory filled with 1.0, read as
 *  `streams` (1, 2, 4 or 8) parts side by side. */
export async function bandwidthProbe(bytes, streams = 1) {
  const pages = Math.ceil(bytes / 65536) + 1;
  const { instance } = await WebAssembly.instantiate(moduleBytes(pages, streams));
  const { sum, mem } = instance.exports;
  new Float32Array(mem.buffer, 0, bytes / 4).fill(1);
  const stride = bytes / streams;
  const got = sum(0, stride, stride);
  if (got !== bytes / 4) throw new Error(`bandwidth probe summed ${got}, expected ${bytes / 4}`);
  return () => sum(0, stride, stride);
}
