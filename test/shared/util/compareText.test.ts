import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareText } from '../../../shared/util/compareText';

test('compareText orders as localeCompare does (case, digits, punctuation, accents)', () => {
  const words = ['site-10', 'site-9', 'Site-1', 'site_2', 'park', 'Park', 'élan', 'elan', 'zeta', '', 'a b', 'a-b'];
  for (const a of words)
    for (const b of words) assert.equal(Math.sign(compareText(a, b)), Math.sign(a.localeCompare(b)), `${a} ~ ${b}`);
  assert.deepEqual(
    [...words].sort(compareText),
    [...words].sort((a, b) => a.localeCompare(b)),
  );
});
