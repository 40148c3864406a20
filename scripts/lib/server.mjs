// A tiny static file server for the browser tests and the benchmark page: 127.0.0.1 on a free port,
// real MIME types (JSON modules and compileStreaming insist on them), query strings ignored, nothing
// served from outside `root`. `pages` adds generated pages (path → HTML), `headers(path)` extra headers.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** Headers that make a page cross-origin isolated: finer performance.now() (5 µs, not 100 µs). */
export const ISOLATED = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

/** Serve `root`; resolves to { url, port, close() } once listening. */
export function serve(root, { port = 0, pages = {}, headers = () => ({}), log = false } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      return send(res, 400, "bad request");
    }
    if (log) console.error(`${req.method} ${req.url}`);
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "method not allowed");
    const extra = headers(path) ?? {};
    if (Object.hasOwn(pages, path)) {
      const body = typeof pages[path] === "function" ? await pages[path]() : pages[path];
      return send(res, 200, body, { "content-type": TYPES[".html"], ...extra }, req.method);
    }
    let file = join(base, path);
    if (file !== base && !file.startsWith(base + sep)) return send(res, 403, "forbidden");
    try {
      if ((await stat(file)).isDirectory()) {
        if (!path.endsWith("/")) return send(res, 301, "", { location: `${path}/` });
        file = join(file, "index.html");
      }
      const body = await readFile(file);
      send(res, 200, body, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", ...extra }, req.method);
    } catch {
      send(res, 404, `not found: ${path}`);
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      const { port } = server.address();
      ok({
        port,
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}

function send(res, status, body, headers = {}, method = "GET") {
  res.writeHead(status, { "cache-control": "no-store", ...headers });
  res.end(method === "HEAD" ? undefined : body);
}
