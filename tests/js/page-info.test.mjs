// Page URLs without their secrets: the rule tests/vectors/page-urls.json pins for the
// widget and the server alike.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ALLOWED_PARAMETERS, withoutSecrets } from '../../www/widget/page-info.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/page-urls.json', import.meta.url), 'utf8'));

test('every case in tests/vectors/page-urls.json', () => {
  assert.ok(vectors.cases.length >= 20);
  for (const { name, input, output } of vectors.cases) assert.equal(withoutSecrets(input), output, name);
});

test('the widget allows the parameters the vectors name, and no other', () => {
  assert.deepEqual(ALLOWED_PARAMETERS, vectors.allowed_parameters);
});
