// Portable twin of uvu's own runner (uvu/run, which only loads file:// paths): queue every test file
// as one uvu group, then run them all and print uvu's usual Total/Passed/Skipped report. Used by the
// Node/Bun, Deno and browser entries (uvu's CLI does not start under Bun).
export async function runFiles(files, { base, bail = false } = {}) {
  globalThis.UVU_DEFER = 1;
  const uvu = await import("uvu");
  let index = 0;
  for (const file of files) {
    globalThis.UVU_INDEX = index++;
    globalThis.UVU_QUEUE.push([file]);
    await import(new URL(file, base).href);
  }
  await uvu.exec(bail);
}
