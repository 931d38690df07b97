// Public entry point of the Jira Cloud emulator for in-process use (tests, demo, benchmarks).
import { Emulator, type EmulatorOptions } from './server.js';

export type { EmulatorOptions } from './server.js';
export type { FaultSettings } from './faults/faults.js';
export type { HeldCreate } from './faults/create-hook.js';
export { Emulator } from './server.js';
export { adfToWiki, wikiToAdf, type AdfDoc } from './adf-wiki.js';
export { spawnEmulator, type SpawnedEmulator, type SpawnOptions } from './spawn.js';

export interface RunningEmulator {
  url: string;
  port: number;
  adminToken: string;
  emulator: Emulator;
  /** Basic authorization header for a seeded user, by email or accountId */
  authFor(who: string): string;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  await emulator.listen();
  return {
    url: emulator.url,
    port: emulator.port,
    adminToken: emulator.adminToken,
    emulator,
    authFor(who: string): string {
      const u = emulator.store.users.get(who) ?? [...emulator.store.users.values()].find((x) => x.email === who);
      if (!u) throw new Error(`no seeded user ${who}`);
      return `Basic ${Buffer.from(`${u.email}:${u.apiToken}`).toString('base64')}`;
    },
    close: () => emulator.close(),
  };
}
