// The wasm module's exports: the shared tensor ops plus one file per loss family (the same families
// as src/losses/ and src/modules/), and the heap base the TS runtime allocates from.
// Kernels take pointers into this module's memory and sizes; they never allocate.

export * from "./tensorops";
export * from "./regression";
export * from "./classification";
export * from "./binary";
export * from "./probabilistic";
export * from "./margin";
export * from "./embedding";
export * from "./ctc";
// ops that feed losses
export * from "./arithmetic";
export * from "./reductions";
export * from "./activations";

/** First free byte after static data: the TS arena starts here. */
export function heapBase(): usize { return __heap_base; }
