import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runModels } from '../../cli/models';

test('models --help prints the usage; an unknown or missing command names itself and prints it, before any storage is needed', async () => {
  const out: string[] = [];
  await runModels(['--help'], {}, (l) => out.push(l));
  assert.match(out.join('\n'), /^npm run models -- <command>/);
  await assert.rejects(runModels(['lsit'], {}), /unknown command "lsit"\n\nnpm run models -- <command>/);
  await assert.rejects(runModels([], {}), /no command\n\nnpm run models -- <command>/);
});
