// esbuild's binary loader inlines each .wasm file as a Uint8Array (see scripts/build.mjs).
declare module "*.wasm" {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
