import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runTrain } from '../../cli/train';
import { LocalStack } from '../../local/LocalStack';
import type { Forecast } from '../../shared/forecast/Forecast';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { ScaledClock } from '../../shared/time/ScaledClock';
import { trainAndPublish, type TrainOptions } from '../../shared/training/trainAndPublish';

const SPEED = 120;
let stack: LocalStack;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
  const clock = new ScaledClock({
    virtualStart: new Date('2026-06-15T09:00:00Z'),
    realStartMs: Date.now(),
    speed: SPEED,
  });
  stack = await LocalStack.start({
    dataDir,
    clock: clock.options,
    backfillDays: 8,
    ports: { http: 0, azurite: 0, cosmos: 0, providers: [] },
  });
});

after(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function train(options: Partial<TrainOptions>) {
  const s = stack.services;
  const progress: [string, number, number][] = [];
  const report = await trainAndPublish(
    {
      config: s.config,
      blobs: s.blobs,
      clock: s.clock,
      runtime: new OnnxModelRuntime(),
      registry: s.registry,
      onProgress: (step, done, total) => progress.push([step, done, total]),
    },
    { historyDays: 7, sourceSets: 'all', codeVersion: 'test', ...options },
  );
  // The progress bar ends at its total: every source read, every model trained (the aged twins too), published.
  const last = progress.at(-1);
  assert.ok(last && last[1] === last[2], `progress ended at ${JSON.stringify(last)}`);
  assert.ok(progress.every(([, done, total]) => done <= total));
  return report;
}

/** The first forecast issued after `after` (the host keeps running throughout). */
async function nextForecast(after: Date): Promise<Forecast> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const f = await stack.services.forecasts.latest('park-1');
    if (f && new Date(f.issueTime) > after) return f;
    await sleep(250);
  }
  throw new Error(`no forecast issued after ${after.toISOString()}`);
}

// A crude model (two stumps) and a proper one: the proper one beats persistence, the crude one not the proper one.
const CRUDE: Partial<TrainOptions> = { kinds: ['gbdt'], gbdt: { nEstimators: 2, maxDepth: 1, learningRate: 0.1 } };
const PROPER: Partial<TrainOptions> = { kinds: ['gbdt'], gbdt: { nEstimators: 150 } };

test('a first training whose held-out set is too small to judge is published, not promoted: persistence serves, the card and the log say why', async () => {
  const s = stack.services;
  const lines: string[] = [];
  // Five per cent of 7 days held out: about 50 slots, fewer than the 72 informative rows a decision needs.
  const report = await runTrain(
    ['--days', '7', '--held-out', '0.05', '--sets', 'all', '--trees', '30'],
    stack.settings,
    (l) => lines.push(l),
    false,
  );
  assert.ok(report);
  assert.equal(report.promoted, false, report.reason);
  assert.match(report.reason, /held-out/);
  assert.deepEqual(report.card.decision, { promoted: false, reason: report.reason }, 'the card says why');
  assert.ok(lines.includes(`published, not promoted: ${report.reason}`), `the log says why: ${lines.join(' | ')}`);
  assert.equal(await s.registry.champion(), undefined, 'no champion');
  assert.ok(
    (await s.registry.versions()).some((c) => c.version === report.card.version),
    'but the version is published',
  );
  const f = await nextForecast(s.clock.now());
  assert.equal(f.model.kind, 'smart-persistence', 'smart persistence (the target is solar) keeps serving');
  assert.equal(f.model.version, null);
});

test('train, publish and promote; predict switches without a restart; a worse challenger is not promoted; rollback works', async () => {
  const s = stack.services;
  const before = await nextForecast(new Date(0));
  assert.equal(before.model.kind, 'smart-persistence', 'smart persistence serves before any model is trained');

  const v1 = await train(PROPER);
  assert.equal(v1.promoted, true, v1.reason);
  assert.match(v1.reason, /^no champion yet; .* beats persistence on every lead/);
  assert.deepEqual(v1.card.decision, { promoted: true, reason: v1.reason }, 'the card says why');
  for (const l of v1.card.models.find((m) => m.id === v1.card.serving)?.heldOut.perLead ?? [])
    assert.ok(l.skill > 0, `+${l.leadMinutes}m skill ${l.skill}`);
  assert.equal((await s.registry.champion())?.pointer.version, v1.card.version);
  const f1 = await nextForecast(s.clock.now());
  assert.equal(
    f1.model.version,
    v1.card.version,
    `the next run uses the new champion; it served ${f1.model.id}: ${f1.choice?.reason ?? '(no reason)'}; inputs ${JSON.stringify(f1.inputs)}`,
  );

  const v2 = await train(CRUDE);
  assert.equal(v2.promoted, false, `a worse challenger is not promoted (${v2.reason})`);
  assert.match(v2.reason, /does not beat/);
  assert.deepEqual(v2.card.decision, { promoted: false, reason: v2.reason });
  assert.ok(v2.card.comparison?.championRmse, 'compared with the champion on the same rows');
  assert.ok(
    (await s.registry.versions()).some((c) => c.version === v2.card.version),
    'but it is published',
  );
  assert.equal((await s.registry.champion())?.pointer.version, v1.card.version);

  // An operator may still promote any version by hand; predict follows, and a rollback moves the pointer back.
  await s.registry.promote(v2.card.version, 'promoted by hand');
  const f2 = await nextForecast(s.clock.now());
  // Predict follows the pointer: it serves v2's model, or, where the chooser expects a baseline to do better than
  // anything in v2 (this crude model), the baseline; never v1's model any more.
  const v2Best = Math.min(
    ...v2.card.models.map((m) => {
      const fresh = m.expectedError?.bands.find((b) => b.band === 0)?.rmse ?? m.heldOut.perLead.map((l) => l.rmse);
      return fresh.reduce((x, y) => x + y, 0) / fresh.length;
    }),
  );
  assert.ok(
    f2.model.version === v2.card.version ||
      (f2.model.version === null &&
        f2.choice?.rule === 'expected-error' &&
        (f2.choice.expectedRmse ?? Number.POSITIVE_INFINITY) <= v2Best * 1.01),
    `${f2.model.id} (version ${f2.model.version}) serves after v2 was promoted: ${f2.choice?.reason ?? ''}; v2's best expected ${v2Best}`,
  );

  const back = await s.registry.rollback();
  assert.equal(back.version, v1.card.version);
  const f3 = await nextForecast(s.clock.now());
  assert.equal(f3.model.version, v1.card.version, 'a rollback takes effect on the next run');
  for (const f of [f1, f2, f3]) {
    for (const l of f.leads) assert.ok(l.validTime > f.issueTime);
    for (const i of f.inputs) assert.ok(i.availableAt <= f.issueTime);
  }
});

test('the model card records what the design asks for', async () => {
  const champion = await stack.services.registry.champion();
  assert.ok(champion);
  const card = await stack.services.registry.card(champion.pointer.version);
  assert.ok(card);
  assert.deepEqual(card.leadsMinutes, [20, 40, 60]);
  assert.ok(card.trainingWindow.to <= card.heldOutWindow.from, 'held-out window follows the training window');
  assert.equal(card.exporter.opset['ai.onnx.ml'], 3);
  assert.equal(card.codeVersion, 'test');
  for (const m of card.models) {
    assert.ok(m.inputs.length > 0 && m.sources.length > 0);
    assert.equal(m.heldOut.perLead.length, 3);
    assert.match(m.sha256, /^[0-9a-f]{64}$/);
  }
});
