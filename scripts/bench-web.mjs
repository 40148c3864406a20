// `npm run bench:web`: serves the repo on 127.0.0.1 and prints the URL of the browser benchmark page
// (bench/web/), and of the test suite page. Ctrl-C to stop. `--port N` picks the port (default: free).
import { ISOLATED, serve } from "./lib/server.mjs";
import { ROOT, SUITE_PAGE, suitePage } from "./lib/suite-page.mjs";

const i = process.argv.indexOf("--port");
const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 0);
const server = await serve(ROOT, { port, pages: { [SUITE_PAGE]: suitePage }, headers: () => ISOLATED });
console.log(`nnloss browser benchmark: ${server.url}bench/web/   (quick run: ${server.url}bench/web/?quick=1)`);
console.log(`test suite in this browser: ${server.url}${SUITE_PAGE.slice(1)}?build=simd   (or ?build=scalar)`);
console.log("Ctrl-C to stop.");
const stop = () => server.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
