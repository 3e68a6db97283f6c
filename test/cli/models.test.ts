import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireStorage } from '../../cli/cliSettings';
import { runModels } from '../../cli/models';

test('models --help prints the usage; an unknown or missing command names itself and prints it, before any storage is needed', async () => {
  const out: string[] = [];
  await runModels(['--help'], {}, (l) => out.push(l));
  assert.match(out.join('\n'), /^npm run models -- <command>/);
  await assert.rejects(runModels(['lsit'], {}), /unknown command "lsit"\n\nnpm run models -- <command>/);
  await assert.rejects(runModels([], {}), /no command\n\nnpm run models -- <command>/);
});

test('with no running stack and no storage account named, models and train say in one line to run npm start', async () => {
  const none = '/nonexistent/local.settings.json';
  assert.throws(
    () => requireStorage({}, none),
    (e: Error) =>
      /^no stored data to read: start the local stack with `npm start`/.test(e.message) && !e.message.includes('\n'),
  );
  assert.doesNotThrow(() => requireStorage({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }, none));
  assert.doesNotThrow(() =>
    requireStorage({ AzureWebJobsStorage__blobServiceUri: 'https://acct.blob.core.windows.net/' }, none),
  );
  await assert.rejects(runModels(['list'], {}), /no stored data to read|names no storage account/);
});
