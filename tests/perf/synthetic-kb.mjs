// A synthetic help centre of N articles with distinct text, for measuring how the
// widget scales: every article names a product of its own (a made-up word), so titles,
// example questions and bodies differ, and the vocabulary grows with the KB as a real
// one's does. Deterministic (a seeded generator): the same N gives the same files.
// No copied text: the words are common English support vocabulary and invented names.
//
//   node tests/perf/synthetic-kb.mjs <out-dir> [articles=5000]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CATEGORIES = ['billing', 'tech', 'access', 'delivery', 'community'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ran', 'te', 'vo', 'zu', 'bel', 'dor', 'fi', 'gan', 'hu', 'jel', 'kor', 'lin', 'mar',
  'nes', 'pol', 'quin', 'ros', 'sil', 'tav', 'ur', 'vex', 'wen', 'yor', 'zan', 'bro', 'cal', 'dex'];
const KINDS = ['sensor', 'board', 'kit', 'app', 'plan', 'course', 'printer', 'camera', 'speaker', 'charger', 'cable',
  'module', 'controller', 'headset', 'licence', 'template', 'plugin', 'theme', 'bundle', 'subscription'];
const TASKS = [
  ['set up', 'setting up'], ['update', 'updating'], ['reset', 'resetting'], ['connect', 'connecting'],
  ['return', 'returning'], ['register', 'registering'], ['calibrate', 'calibrating'], ['cancel', 'cancelling'],
  ['install', 'installing'], ['pair', 'pairing'], ['back up', 'backing up'], ['transfer', 'transferring'],
];
const PROBLEMS = ['keeps disconnecting', 'shows an error light', 'will not turn on', 'is not recognised',
  'runs slowly', 'stopped syncing', 'was charged twice', 'never arrived', 'shows the wrong language',
  'asks for a code', 'overheats', 'drains the battery', 'loses its settings', 'cannot find the network'];
const PLACES = ['the settings page', 'your account dashboard', 'the mobile app', 'the desktop app', 'the order history',
  'the device menu', 'the billing page', 'the downloads area', 'the community forum', 'the status page'];
const STEPS = ['Sign in to {place} and open the {product} section.', 'Check that the {product} {kind} has the latest firmware.',
  'Unplug the {kind} for ten seconds, then plug it in again.', 'Choose {task} from the menu and follow the prompts.',
  'Wait until the indicator turns green before you continue.', 'Write down the serial number printed under the {kind}.',
  'If a code is asked for, use the one in your order email.', 'Restart the app after the change so it takes effect.'];
const NOTES = ['Most {product} owners finish this in under five minutes.',
  'The {product} {kind} keeps your data while you do this.',
  'If {place} looks different, your account may use an older layout; the steps are the same.',
  'Orders of the {product} placed before the last update follow the same steps.',
  'When the {product} {kind} {problem}, this usually fixes it as well.',
  'Teams that share one {product} licence should let the owner do this.'];

/** Mulberry32: a small seeded generator, so every run writes the same KB. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The i-th product name: distinct for every i (two or three syllables in base 30). */
function productName(i) {
  let n = i + SYLLABLES.length;
  let name = '';
  while (n > 0) {
    name += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return name[0].toUpperCase() + name.slice(1);
}

function article(i, count) {
  const rnd = random(i + 1);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const product = productName(i);
  const kind = pick(KINDS);
  const [task, doing] = pick(TASKS);
  const problem = pick(PROBLEMS);
  const fill = (s) => s.replaceAll('{product}', product).replaceAll('{kind}', kind).replaceAll('{task}', doing)
    .replaceAll('{place}', pick(PLACES)).replaceAll('{problem}', problem);
  const title = `How to ${task} the ${product} ${kind}`;
  const questions = [
    `how do I ${task} my ${product} ${kind}`,
    `my ${product} ${kind} ${problem}`,
    `${doing} ${product} ${kind} help`,
  ];
  const steps = Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => fill(pick(STEPS)));
  const notes = Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => fill(pick(NOTES)));
  const body = [
    `This guide covers ${doing} the **${product} ${kind}**. ${fill(pick(NOTES))}`,
    '## Steps',
    steps.map((s, n) => `${n + 1}. ${s}`).join('\n'),
    `## If the ${kind} ${problem}`,
    notes.join(' '),
    `See also [the ${productName((i + 1) % count)} guide](#article=synthetic-${(i + 1) % count}) for a related ${pick(KINDS)}.`,
  ].join('\n\n');
  const toml = (s) => JSON.stringify(s);
  return `+++
id = "synthetic-${i}"
title = ${toml(title)}
category = "${CATEGORIES[i % CATEGORIES.length]}"
tags = [${toml(kind)}]
questions = [${questions.map(toml).join(', ')}]
+++
${body}
`;
}

/** Writes a KB of `count` articles to `dir` (settings, empty rules and checklists). */
export function writeSyntheticKb(dir, count) {
  mkdirSync(join(dir, 'articles'), { recursive: true });
  mkdirSync(join(dir, 'flows'), { recursive: true });
  writeFileSync(join(dir, 'settings.toml'), `brand_name = "Synthetic help centre"
greeting = "Hi! Ask me anything about our products."
brand_color = "#4f46e5"
response_time = "within 24 hours"
ticket_endpoint = "/api/tickets"
default_lang = "en"
`);
  writeFileSync(join(dir, 'rules.toml'), '[routing]\nescalation_queue = "urgent"\ndefault_queue = "support"\n');
  writeFileSync(join(dir, 'checklists.toml'), '');
  for (let i = 0; i < count; i++) {
    writeFileSync(join(dir, 'articles', `synthetic-${i}.md`), article(i, count));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, count = '5000'] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node tests/perf/synthetic-kb.mjs <out-dir> [articles=5000]');
    process.exit(2);
  }
  writeSyntheticKb(out, Number(count));
  console.log(`wrote ${count} articles to ${out}`);
}
