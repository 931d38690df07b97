// `npm run bench` runs every benchmark part; `npm run bench -- <part> [<part>...]` runs the named
// ones. Each part measures its subject and a baseline in the same run and prints ratios, so the
// numbers compare across machines. To add a part, add one line to PARTS.
// The service runs compiled, as `npm start` runs it: it is built once here (BENCH_SERVICE=tsx
// runs the sources through tsx instead, without a build).
import { spawnSync } from 'node:child_process';

type Part = () => Promise<void>;

const PARTS: Record<string, Part> = {
  emulator: async () => (await import('./emulator-create.js')).run(),
  ingest: async () => (await import('./ingest.js')).run(),
  delivery: async () => (await import('./delivery.js')).run(),
  drain: async () => (await import('./drain.js')).run(),
  storm: async () => (await import('./storm.js')).run(),
  backlog: async () => (await import('./backlog.js')).run(),
  sync: async () => (await import('./sync-latency.js')).run(),
  'two-way': async () => (await import('./two-way.js')).run(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in PARTS));
if (unknown.length > 0) {
  console.error(`bench: unknown part(s) ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}
if (process.env.BENCH_SERVICE !== 'tsx') {
  const root = new URL('../', import.meta.url).pathname;
  const build = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('bench: building the service (tsc -p tsconfig.build.json) failed');
    process.exit(1);
  }
}
for (const name of wanted.length > 0 ? wanted : Object.keys(PARTS)) {
  console.log(`== ${name}`);
  await (PARTS[name] as Part)();
}
