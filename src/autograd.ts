// Autograd: a graph of nodes, each made by one nnloss call whose result requires grad. A node knows
// the tensors its gradient flows to (its inputs: leaves created with `requiresGrad`, or results of
// other nodes) and turns the upstream gradient of its result into a gradient for each input.
// `Tensor.backward()` walks the graph from the result in topological order, summing the gradients of a
// tensor used more than once before its own node runs, and accumulates into the leaves' `.grad`.
//
// Loss kernels compute their local gradient ∂result/∂input in the forward pass (it costs a fraction
// of a second pass), so a loss node only multiplies it by the upstream gradient and sums it down
// broadcast dims. Saved local gradients of resident inputs live in wasm memory; so that a loop of
// forward-only calls cannot exhaust it, they are held under a budget (src/budget.ts): past it the
// oldest ones move to JS memory, where the garbage collector reclaims them with their result.
//
// `noGrad(fn)` switches all of this off, as `torch.no_grad()` does.

import { NNLossError } from "./errors.js";
import { chainGrad, floatCtor, readOut, suffix } from "./operands.js";
import { residentTensor } from "./resident.js";
import { Wasm, wasm, withArena } from "./runtime.js";
import { FloatArray, FloatDType, Tensor, convert, dtypeOf, isFloat, sameShape } from "./tensor.js";
import { Lane, jsLane, wasmLane } from "./blocks.js";
import { residentBudget } from "./budget.js";
import { uninitialized } from "./runtime.js";

// ---------------------------------------------------------------- grad mode

let gradEnabled = true;

/**
 * Run `fn` with gradient tracking off, like `with torch.no_grad():` — results do not require grad and
 * kernels compute no local gradient, so evaluation pays for the forward pass only. Returns fn's
 * result; nested calls and exceptions restore the previous mode. `fn` runs synchronously: work it
 * leaves for after an `await` runs with the mode of that later moment.
 */
export function noGrad<R>(fn: () => R): R {
  if (typeof fn !== "function") throw new NNLossError("noGrad(fn): fn must be a function");
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Whether gradients are being tracked (false inside `noGrad`), like `torch.is_grad_enabled()`. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Does a call need the gradient of `t`? */
export function needsGrad(t: Tensor): boolean {
  return gradEnabled && t.requiresGrad;
}

// ---------------------------------------------------------------- graph

/** The upstream gradient a node receives: `data` at the result's shape, or null for a one-element
 *  result, whose gradient is the number `alpha`. */
export interface Upstream {
  data: FloatArray | null;
  alpha: number;
}

/** A gradient on its way to a tensor: a JS array, or a resident tensor owned by the receiver. */
export type Grad = FloatArray | Tensor;

/** The backward of one call. */
export interface GradNode {
  /** The tensors the gradient flows to, in the order `apply` returns their gradients. */
  readonly inputs: readonly Tensor[];
  /** Gradients for `inputs` (each at its input's shape) given the result's upstream gradient; frees
   *  what the node saved unless `retain`. Throws PyTorch's error once freed. */
  apply(up: Upstream, retain: boolean): Grad[];
}

const FREED_MESSAGE =
  "Trying to backward through the graph a second time (or directly access saved tensors after they have " +
  "already been freed). Saved intermediate values of the graph are freed when you call .backward() or " +
  "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or " +
  "if you need to access saved tensors after calling backward.";

/**
 * Backpropagate `gradOutput` (null: the implicit 1 of a one-element result) from `root` through every
 * node that reaches it, accumulating into the `.grad` of the leaves that require grad.
 */
export function runBackward(root: Tensor, gradOutput: Tensor | null, retain: boolean): void {
  const start = root._gradFn!;
  // how many edges lead into each reachable node: it runs once all of them have delivered
  const waiting = new Map<GradNode, number>([[start, 0]]);
  const todo = [start];
  while (todo.length > 0) {
    for (const input of todo.pop()!.inputs) {
      const node = input._gradFn;
      if (node === null) continue;
      if (!waiting.has(node)) {
        waiting.set(node, 0);
        todo.push(node);
      }
      waiting.set(node, waiting.get(node)! + 1);
    }
  }
  const pending = new Map<GradNode, { grad: Grad; t: Tensor }>();
  const ready: [GradNode, Upstream][] = [[start, upstreamOf(root, gradOutput === null ? null : gradOutput.data as FloatArray)]];
  while (ready.length > 0) {
    const [node, up] = ready.pop()!;
    const grads = node.apply(up, retain);
    node.inputs.forEach((input, i) => {
      const grad = grads[i];
      const next = input._gradFn;
      if (next === null) {
        if (input.requiresGrad) storeGrad(input, grad);
        else if (grad instanceof Tensor) grad.dispose();
        return;
      }
      const sum = pending.get(next);
      pending.set(next, { grad: sum ? addGrads(sum.grad, grad) : grad, t: input });
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) {
        const { grad: g, t } = pending.get(next)!;
        pending.delete(next);
        ready.push([next, upstreamOf(t, gradArray(g))]);
      }
    });
  }
}

function floatDtypeOf(t: Tensor): FloatDType {
  return t.dtype === "float64" ? "float64" : "float32";
}

function upstreamOf(t: Tensor, data: FloatArray | null): Upstream {
  if (data === null) return { data: null, alpha: 1 };
  return t.numel === 1 ? { data: null, alpha: Number(data[0]) } : { data, alpha: 1 };
}

/** A gradient as a JS array (a resident one is copied out and freed). */
function gradArray(g: Grad): FloatArray {
  if (!(g instanceof Tensor)) return g;
  const a = (g.data as FloatArray).slice();
  g.dispose();
  return a;
}

function addGrads(a: Grad, b: Grad): FloatArray {
  const x = gradArray(a), y = convert(gradArray(b), x instanceof Float64Array ? "float64" : "float32") as FloatArray;
  const d: FloatDType = x instanceof Float64Array ? "float64" : "float32";
  return withArena((w) => {
    const p = w.copyIn(x);
    w.k[`axpy_${suffix(d)}`](p, w.copyIn(y), 1, x.length);
    return readOut(w, d, p, x.length);
  });
}

// ---------------------------------------------------------------- nodes with precomputed local gradients

export interface GradSlot {
  /** The argument that receives the gradient (a leaf, or the result of another node). */
  input: Tensor;
  /** ∂(result)/∂(input) per element for an upstream gradient of 1, at `localShape`: a JS array, or a
   *  resident tensor for a resident input. */
  local: FloatArray | Tensor;
  localShape: readonly number[];
  /** How the result's shape lines up against localShape (same rank, 1 along dims the loss reduced).
   *  Defaults to localShape (elementwise losses). */
  gShape?: readonly number[];
}

/** The node of a call whose kernel wrote every local gradient in the forward pass. `beforeApply` may
 *  refuse the backward with a clearer error than the graph could give. */
class LocalGradNode implements GradNode {
  readonly inputs: Tensor[];
  private freed = false;

  constructor(private readonly slots: GradSlot[], private readonly beforeApply?: () => void) {
    this.inputs = slots.map((s) => s.input);
  }

  apply(up: Upstream, retain: boolean): Grad[] {
    this.beforeApply?.();
    if (this.freed) throw new NNLossError(FREED_MESSAGE);
    const grads = this.slots.map((s) => localTimesUpstream(s, up, retain));
    if (!retain) {
      this.freed = true;
      for (const s of this.slots) if (s.local instanceof Tensor) releaseFromBudget(s.local);
      this.slots.length = 0;
    }
    return grads;
  }
}

/**
 * The node of an op whose backward runs its own kernel on what the forward kept (softmax: its output):
 * `backward(g)` gets the upstream gradient at the result's shape (expanded from the scalar form) and
 * returns the gradients of the inputs that need one, in order, each at its input's shape. Its closure,
 * and so what it keeps, is dropped when the graph is freed.
 */
class FunctionNode implements GradNode {
  readonly inputs: Tensor[];
  private backward: ((g: FloatArray) => Grad[]) | null;

  constructor(inputs: Tensor[], private readonly out: Tensor, backward: (g: FloatArray) => Grad[]) {
    this.inputs = inputs;
    this.backward = backward;
  }

  apply(up: Upstream, retain: boolean): Grad[] {
    if (this.backward === null) throw new NNLossError(FREED_MESSAGE);
    const d = floatDtypeOf(this.out);
    const g = up.data !== null ? convert(up.data, d) as FloatArray : new (floatCtor(d))(this.out.numel).fill(up.alpha);
    const grads = this.backward(g);
    if (!retain) this.backward = null;
    return grads;
  }
}

/** Make an op's result `out` differentiable: `backward(g, needed)` (see FunctionNode) maps the upstream
 *  gradient to the gradients of the inputs that need one (`needed[i]`), in order, skipping the others.
 *  A no-op when none does (or inside noGrad). */
export function attachBackward(out: Tensor, inputs: (Tensor | null)[], backward: (g: FloatArray, needed: boolean[]) => Grad[]): Tensor {
  const needed = inputs.map((t) => t !== null && needsGrad(t));
  if (!needed.some(Boolean)) return out;
  out.requiresGrad = true;
  out._gradFn = new FunctionNode(inputs.filter((_, i) => needed[i]) as Tensor[], out, (g) => backward(g, needed));
  return out;
}

/** Make `out` differentiable through `slots` (a no-op when there are none). */
export function attachGrad(out: Tensor, slots: GradSlot[], beforeApply?: () => void): Tensor {
  if (slots.length === 0) return out;
  out.requiresGrad = true;
  out._gradFn = new LocalGradNode(slots, beforeApply);
  return out;
}

/** The slot's gradient for upstream `up`: local · upstream, summed down to the input's shape. */
function localTimesUpstream(s: GradSlot, up: Upstream, retain: boolean): Grad {
  const { local } = s;
  const targetShape = s.input.shape;
  if (up.data !== null) up = { data: convert(up.data, local instanceof Tensor ? local.dtype : dtypeOf(local)) as FloatArray, alpha: up.alpha };
  if (!(local instanceof Tensor)) {
    const grad = chainGrad(local, s.localShape, up.data, s.gShape ?? s.localShape, up.alpha, targetShape);
    // the local array may be handed over as the gradient itself only when the graph is freed
    return grad === local && retain ? grad.slice() : grad;
  }
  const d = local.dtype as FloatDType;
  if (up.data !== null || !sameShape(s.localShape, targetShape)) {
    // broadcast or non-scalar upstream gradient: the general (copying) path
    const copy = (local.data as FloatArray).slice();
    if (!retain) local.dispose();
    return chainGrad(copy, s.localShape, up.data, s.gShape ?? s.localShape, up.alpha, targetShape);
  }
  // the common case: a scalar upstream on an unbroadcast resident input; the block itself (or, when
  // the graph is kept, a copy of it) scaled in place becomes the gradient
  const g = retain ? residentCopy(local.data as FloatArray, targetShape) : local;
  if (up.alpha !== 1) wasm().k[`scale_${suffix(d)}`](g._storage!.ptr, up.alpha, g.numel);
  return g;
}

/** Accumulate a gradient into leaf.grad (creating it, resident for a resident leaf). */
function storeGrad(leaf: Tensor, grad: Grad): void {
  const d = floatDtypeOf(leaf);
  if (grad instanceof Tensor && (grad.dtype !== d || !leaf.resident)) grad = gradArray(grad);
  if (!(grad instanceof Tensor) && grad.constructor !== floatCtor(d) && isFloat(leaf.dtype)) grad = convert(grad, d) as FloatArray;
  if (leaf.grad === null) {
    if (grad instanceof Tensor) leaf.grad = sameShape(grad.shape, leaf.shape) ? grad : reshapeResident(grad, leaf.shape);
    else leaf.grad = leaf.resident ? residentCopy(grad, leaf.shape) : new Tensor(grad, leaf.shape);
    return;
  }
  const dst = leaf.grad;
  const src = grad;
  try {
    withArena((w) => {
      const sp = src instanceof Tensor ? (src.data, src._storage!.ptr) : w.copyIn(src);
      const n = dst.numel;
      const dd = dst.dtype as FloatDType;
      if (dst.resident && dd === d) {
        dst.data; // validates the target (throws if it was disposed)
        w.k[`axpy_${suffix(d)}`](dst._storage!.ptr, sp, 1, n);
      } else {
        const s2 = dd === d ? sp : w.copyIn(convert(w.view(floatCtor(d), sp, n), dd));
        const a = w.copyIn(dst.data);
        w.k[`axpy_${suffix(dd)}`](a, s2, 1, n);
        (dst.data as FloatArray).set(w.view(floatCtor(dd), a, n));
      }
    });
  } finally {
    if (src instanceof Tensor) src.dispose(); // also when the target was unusable: never leak the block
  }
}

function residentCopy(a: FloatArray, shape: readonly number[]): Tensor {
  const w = wasm();
  const ptr = w.heap.alloc(a.byteLength);
  const t = residentTensor(w, ptr, shape, a instanceof Float64Array ? "float64" : "float32");
  (t.data as FloatArray).set(a);
  return t;
}

function reshapeResident(t: Tensor, shape: readonly number[]): Tensor {
  const copy = residentCopy(t.data as FloatArray, shape);
  t.dispose();
  return copy;
}

// ---------------------------------------------------------------- where kernels write local gradients

/**
 * Where a blocked kernel writes the local gradient of `input` (n elements, `perUnit` per unit): absent
 * (0) when no gradient is needed; for a resident input of dtype d a scratch block that becomes
 * resident; else a fresh JS array. `gradSlotOf` turns it into the input's slot.
 */
export function gradLane(w: Wasm, input: Tensor, d: FloatDType, n: number, perUnit = 1): Lane {
  const bytes = floatCtor(d).BYTES_PER_ELEMENT;
  if (!needsGrad(input)) return wasmLane(0, bytes, perUnit);
  if (input.resident && input.dtype === d) return wasmLane(w.allocFor(floatCtor(d), n), bytes, perUnit);
  return jsLane(uninitialized(floatCtor(d), n), perUnit);
}

/** The slot of `input` whose local gradient a kernel wrote through `lane` (from `gradLane`); [] when
 *  it needs none, so callers can spread it into their slot list. */
export function gradSlotOf(w: Wasm, input: Tensor, lane: Lane, d: FloatDType, localShape: readonly number[],
                           gShape?: readonly number[]): GradSlot[] {
  if (lane.js) return [{ input, local: lane.js as FloatArray, localShape, gShape }];
  if (lane.ptr === 0) return [];
  w.keep(lane.ptr);
  const local = residentTensor(w, lane.ptr, localShape, d);
  const slot: GradSlot = { input, local, localShape, gShape };
  keepUnderBudget(slot, local);
  return [slot];
}

// ---------------------------------------------------------------- saved gradients under the budget

/** Slots whose result the GC collected: their saved local is freed (between jobs). */
const collectedSlots = typeof FinalizationRegistry === "function"
  ? new FinalizationRegistry<Tensor>((local) => {
    residentBudget.forget(local);
    local.dispose();
  })
  : null;

/** Put a saved resident local gradient under the budget: spilled, it moves into its slot as a JS array. */
function keepUnderBudget(slot: GradSlot, local: Tensor): void {
  const ref = typeof WeakRef === "function" ? new WeakRef(slot) : null; // held weakly: a dropped result is collected
  collectedSlots?.register(slot, local, local);
  residentBudget.add(local, local.numel * floatCtor(local.dtype as FloatDType).BYTES_PER_ELEMENT, () => {
    collectedSlots?.unregister(local);
    const owner = ref ? ref.deref() : slot;
    if (owner !== undefined && owner.local === local) {
      const copy = uninitialized(floatCtor(local.dtype as FloatDType), local.numel);
      copy.set(local.data as FloatArray);
      owner.local = copy;
    }
    local.dispose();
  });
}

/** A saved local leaves the budget (handed on by backward, or freed with its graph). */
function releaseFromBudget(local: Tensor): void {
  collectedSlots?.unregister(local);
  residentBudget.forget(local);
}
