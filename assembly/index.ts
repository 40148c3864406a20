// The wasm module's exports: every kernel family plus the heap base the TS runtime allocates from.
// Kernels take pointers into this module's memory and sizes; they never allocate.

export * from "./tensorops";
export * from "./elementwise";
export * from "./classification";
export * from "./margin";
export * from "./embedding";
export * from "./ctc";

/** First free byte after static data: the TS arena starts here. */
export function heapBase(): usize { return __heap_base; }
