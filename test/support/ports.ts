import { execFileSync } from 'node:child_process';

/** A port that was free a moment ago on 127.0.0.1 (for child processes that need one up front). */
export function freePortSync(): number {
  const out = execFileSync(process.execPath, ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"]);
  return Number(String(out).trim());
}
