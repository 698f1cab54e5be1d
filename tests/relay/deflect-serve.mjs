// The real `deflect serve` for the relay's tests and benchmark: started on a free
// loopback port with a config file and secrets in its environment, on a SQLite file or
// a PostgreSQL database, restartable on the same data, killable with any signal.

import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_USER } from './smtp-sink.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const deflect = join(root, 'target', process.env.DEFLECT_CLI_PROFILE ?? 'release', 'deflect');

/** `--db FILE` in `dir`, or `--database URL` for PostgreSQL. */
const databaseArgs = ({ dir, database }) =>
  database ? ['--database', database] : ['--db', join(dir, 'inbox.sqlite')];

/** An API token for the inbox's database, made as an operator would. */
export function createToken(where, name = 'relay-tests') {
  return execFileSync(deflect, ['token', 'create', '--name', name, ...databaseArgs(where)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Adds an agent who can log in to the inbox page. */
export function addAgent(where, email, password) {
  execFileSync(deflect, ['agent', 'add', email, '--password-stdin', ...databaseArgs(where)],
    { cwd: root, input: `${password}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
}

/**
 * Starts `deflect serve` on the demo site with `config` (deflect.toml's text) and `env`; resolves once it
 * prints its URL. `token` reads as an agent. The process is killed with `kill(signal)`
 * (SIGKILL: no chance to finish anything) or stopped with `stop()` (SIGTERM).
 */
export async function startDeflect({ dir, database = null, config = '', env = {}, token, name = 'deflect' }) {
  // The demo site (`npm test` builds it first): its KB checks tickets and gives the
  // confirmation its response times.
  const site = join(root, 'dist');
  const configFile = join(dir, `${name}.toml`);
  writeFileSync(configFile, config);
  const child = spawn(deflect, [
    'serve', '--site', site, '--port', '0', ...databaseArgs({ dir, database }), '--config', configFile,
    // Benchmarks post from one address as fast as they can: the per-client limit stays out of the way.
    '--rate-burst', '1000000', '--rate-per-minute', '60000000',
  ], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/demo site: (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.stderr.on('data', (chunk) => { output += chunk; });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`${name} exited ${code ?? signal}: ${output}`)); });
  });
  const get = (path) => fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const post = (path, body, headers = {}) => fetch(`${url}${path}`, {
    method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers },
  });
  return {
    url,
    get,
    /** The server's output so far (its relay logs each failed attempt). */
    output: () => output,
    /** POSTs a ticket; resolves with its token (for follow-ups). */
    async postTicket(ticket) {
      const response = await post('/api/tickets', ticket);
      if (![200, 201].includes(response.status)) throw new Error(`ticket: HTTP ${response.status} ${await response.text()}`);
      return (await response.json()).token;
    },
    async postFollowUp(followUp, ticketToken) {
      const response = await post(`/api/tickets/${followUp.ticket_id}/messages`, followUp,
        { 'Deflect-Ticket-Token': ticketToken });
      if (![200, 201].includes(response.status)) throw new Error(`follow-up: HTTP ${response.status} ${await response.text()}`);
    },
    /** The ticket `id` as the API lists it (with `relayed`, its deliveries). */
    async ticket(id) {
      for (let path = '/api/tickets?limit=200'; path;) {
        const response = await get(path);
        const page = await response.json();
        const found = page.find((t) => t.id === id);
        if (found) return found;
        path = response.headers.get('link')?.match(/<([^>]+)>; rel="next"/)?.[1];
      }
      return null;
    },
    kill: (signal = 'SIGKILL') => { child.kill(signal); return exited; },
    stop: () => { child.kill('SIGTERM'); return exited; },
  };
}

/**
 * deflect.toml relaying to an SMTP sink on `smtpPort` (a helpdesk address, and the
 * customer's confirmation unless `confirmation` is false) and a webhook receiver at
 * `hookUrl`, each only when given (`starttls`: encrypted, trusting the sink's test
 * certificate); secrets from RELAY_SMTP_PASSWORD and RELAY_HOOK_SECRET. Retries start
 * after a second.
 */
export function relayConfig({ smtpPort = null, hookUrl = null, timeout = 2, giveUpHours = 72, confirmation = true, user = DEFAULT_USER, starttls = false }) {
  let text = `
[relay.retry]
first_delay_secs = 1
max_delay_secs = 2
give_up_after_hours = ${giveUpHours}
`;
  if (smtpPort) {
    text += `
[relay.smtp]
${starttls
    ? `host = "localhost"\nsecurity = "starttls"\nca_file = "${join(root, 'tests/relay/tls/localhost.crt')}"`
    : 'host = "127.0.0.1"\nsecurity = "none"'}
port = ${smtpPort}
username = "${user}"
password_env = "RELAY_SMTP_PASSWORD"
from = "Brushwork support <relay@brushwork.example>"
timeout_secs = ${timeout}

[[relay.email]]
name = "helpdesk"
to = "${SUPPORT}"
`;
    if (confirmation) text += `\n[relay.confirmation]\nreply_to = "${SUPPORT}"\n`;
  }
  if (hookUrl) {
    text += `
[[relay.webhook]]
name = "automation"
url = "${hookUrl}"
secret_env = "RELAY_HOOK_SECRET"
timeout_secs = ${timeout}
`;
  }
  return text;
}

/** The helpdesk address `relayConfig` relays to. */
export const SUPPORT = 'help@brushwork.example';
