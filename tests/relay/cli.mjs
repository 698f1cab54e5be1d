// What the relay's test servers share when run as programs (a Rust test or the
// benchmark spawns them): `--name value` options, one JSON object per stdout line, and
// an end that never outlives the parent.

import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** Whether the module at `url` is the program node was started with. */
export const isMain = (url) => Boolean(process.argv[1]) && url === pathToFileURL(process.argv[1]).href;

/**
 * `--name value` pairs (and bare `--flag`s, as true) over `defaults`; a value is a
 * number when its default is one. An option without a default is an error, so a
 * typo fails.
 */
export function cliOptions(argv, defaults) {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, '');
    const next = argv[i + 1];
    const flag = next === undefined || next.startsWith('--');
    if (!(name in defaults)) throw new Error(`unknown option --${name}`);
    if (flag) {
      options[name] = true;
      continue;
    }
    options[name] = typeof defaults[name] === 'number' ? Number(next) : next;
    i += 1;
  }
  return options;
}

/** One JSON line on stdout. */
export const printLine = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

/**
 * Ends the program after `maxSeconds`, when stdin closes (the parent is gone) or on a
 * `close` line, after `close()`; other stdin lines name `commands` to run (e.g.
 * `stop`, `start`), each answered with `{"event":"<name>"}` once done.
 */
export function exitWithParent(maxSeconds, close, commands = {}) {
  const end = async () => {
    await close();
    process.exit(0);
  };
  setTimeout(end, maxSeconds * 1000).unref();
  process.on('SIGTERM', end);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', async (line) => {
    const name = line.trim();
    if (name === 'close') return end();
    if (!commands[name]) return printLine({ event: 'error', message: `unknown command ${name}` });
    await commands[name]();
    return printLine({ event: name });
  });
  lines.on('close', end);
}

/**
 * Promises that resolve once a condition holds: `until(ready, ms, what)` resolves when
 * `ready()` is true (checked now and on every `notify()`), or rejects after `ms` with
 * `what()` in the message.
 */
export function waiters() {
  const pending = new Set();
  return {
    notify: () => pending.forEach((check) => check()),
    until(ready, ms, what) {
      if (ready()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(check);
          reject(new Error(what()));
        }, ms);
        const check = () => {
          if (!ready()) return;
          clearTimeout(timer);
          pending.delete(check);
          resolve();
        };
        pending.add(check);
      });
    },
  };
}
