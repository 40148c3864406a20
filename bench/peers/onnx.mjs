// A minimal ONNX ModelProto writer: just enough protobuf to build the small loss graphs that the
// benchmark runs through onnxruntime-web (tensors in, a scalar loss out). No dependencies.
//
//   const g = new Graph();
//   const x = g.input("x", "float32", [n]), y = g.input("y", "float32", [n]);
//   const d = g.op("Sub", [x, y]);
//   g.output(g.op("ReduceMean", [g.op("Mul", [d, d])], { keepdims: 0 }));
//   const bytes = g.model();   // Uint8Array for ort.InferenceSession.create
const ELEM = { float32: 1, int32: 6, int64: 7, bool: 9 };
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 };
const utf8 = new TextEncoder();

/** Protobuf writer: fields are appended in order; nested messages are written as byte arrays. */
class Pb {
  bytes = [];
  varint(v) {
    let b = BigInt.asUintN(64, BigInt(v)); // negative int64 → two's complement, 10 bytes
    do {
      const low = Number(b & 0x7fn);
      b >>= 7n;
      this.bytes.push(b ? low | 0x80 : low);
    } while (b);
    return this;
  }
  key(field, wire) { return this.varint((field << 3) | wire); }
  int(field, v) { return this.key(field, 0).varint(v); }
  float(field, v) {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.key(field, 5).bytes.push(...b);
    return this;
  }
  raw(field, bytes) {
    this.key(field, 2).varint(bytes.length);
    for (const b of bytes) this.bytes.push(b);
    return this;
  }
  str(field, s) { return this.raw(field, utf8.encode(s)); }
  msg(field, pb) { return this.raw(field, pb.bytes); }
}

function valueInfo(name, dtype, shape) {
  const tensorType = new Pb().int(1, ELEM[dtype]);
  if (shape) {
    const dims = new Pb();
    for (const d of shape) dims.msg(1, new Pb().int(1, d));
    tensorType.msg(2, dims);
  }
  return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
}

function attribute(name, v) {
  const a = new Pb().str(1, name);
  if (typeof v === "string") return a.raw(4, utf8.encode(v)).int(20, ATTR.STRING);
  if (Array.isArray(v)) {
    const ints = v.every(Number.isInteger);
    for (const e of v) ints ? a.int(8, e) : a.float(7, e);
    return a.int(20, ints ? ATTR.INTS : ATTR.FLOATS);
  }
  if (typeof v === "object" && "float" in v) return a.float(2, v.float).int(20, ATTR.FLOAT);
  return Number.isInteger(v) ? a.int(3, v).int(20, ATTR.INT) : a.float(2, v).int(20, ATTR.FLOAT);
}

export class Graph {
  nodes = [];
  inputs = [];
  outputs = [];
  inits = [];
  count = 0;

  input(name, dtype, shape) {
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }
  /** A constant: float32 by default, int64 for `dtype: "int64"` (e.g. ReduceSum's axes). */
  constant(values, dtype = "float32", shape = Array.isArray(values) ? [values.length] : []) {
    const name = `c${this.count++}`;
    const vals = Array.isArray(values) ? values : [values];
    const raw = dtype === "int64" ? new BigInt64Array(vals.map(BigInt)) : new Float32Array(vals);
    const t = new Pb();
    for (const d of shape) t.int(1, d);
    t.int(2, ELEM[dtype]).str(8, name).raw(9, new Uint8Array(raw.buffer));
    this.inits.push(t);
    return name;
  }
  /** Adds a node; returns its (first) output name. Numbers among the inputs become float constants;
   *  attribute values: integer → INT, other number or { float } → FLOAT, arrays → INTS/FLOATS. */
  op(type, inputs, attrs = {}, nOut = 1) {
    const ins = inputs.map((i) => (typeof i === "number" ? this.constant(i) : i));
    const outs = Array.from({ length: nOut }, () => `t${this.count++}`);
    const n = new Pb();
    for (const i of ins) n.str(1, i);
    for (const o of outs) n.str(2, o);
    n.str(3, outs[0]).str(4, type);
    for (const [k, v] of Object.entries(attrs)) n.msg(5, attribute(k, v));
    this.nodes.push(n);
    return outs[0];
  }
  output(name, dtype = "float32") {
    this.outputs.push(valueInfo(name, dtype, null));
    return name;
  }
  /** Serialized ModelProto (IR version 8, default-domain opset `opset`). */
  model(opset = 17) {
    const g = new Pb();
    for (const n of this.nodes) g.msg(1, n);
    g.str(2, "loss");
    for (const t of this.inits) g.msg(5, t);
    for (const i of this.inputs) g.msg(11, i);
    for (const o of this.outputs) g.msg(12, o);
    const m = new Pb().int(1, 8).str(2, "nnloss-bench").msg(7, g).msg(8, new Pb().str(1, "").int(2, opset));
    return Uint8Array.from(m.bytes);
  }
}
