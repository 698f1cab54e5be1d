// A real PostgreSQL for the relay's tests and benchmark: Debian's server binaries,
// a fresh cluster in a temporary directory, listening on 127.0.0.1 at a free port with
// its socket in that directory, trust authentication for loopback only, removed when
// stopped. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user
// the Debian package creates. It stops with the test process too (`stop()`, or
// the exit hook), so no server outlives a test run.

import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The directory of Debian's PostgreSQL server binaries (the newest installed). */
function binDir() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin/initdb'))) : [];
  if (!versions.length) {
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql');
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return join(base, versions[0], 'bin');
}

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawn options that run a server binary as `postgres` when we are root. */
function owner() {
  if (userInfo().uid !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts a cluster; resolves with `{ url, stop() }` once it accepts connections. */
export async function startPostgres() {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'deflect-pg-'));
  const as = owner();
  if (as.uid !== undefined) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'deflect', '--auth=trust', '-E', 'UTF8', '--no-instructions'],
    { stdio: ['ignore', 'ignore', 'pipe'], ...as });
  const port = await freePort();
  const child = spawn(join(bin, 'postgres'), [
    '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    '-c', 'max_connections=200',
  ], { stdio: ['ignore', 'ignore', 'pipe'], ...as });
  const stopOnExit = () => child.kill('SIGINT');
  process.on('exit', stopOnExit);
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start: ${log}`)), 30_000);
    const check = () => {
      if (/ready to accept connections/.test(log)) { clearTimeout(timer); resolve(); }
    };
    child.stderr.on('data', check);
    exited.then((code) => { clearTimeout(timer); reject(new Error(`postgres exited ${code}: ${log}`)); });
  });
  execFileSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'deflect', 'deflect'], as);
  return {
    url: `postgres://deflect@127.0.0.1:${port}/deflect`,
    async stop() {
      process.off('exit', stopOnExit);
      child.kill('SIGINT'); // fast shutdown
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
