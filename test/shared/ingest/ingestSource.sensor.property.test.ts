import { test } from 'node:test';
import { checkIngestProperty, PAGES_PER_RUN, RUNS } from './ingestProperty';

test(`property: ${RUNS * PAGES_PER_RUN} random and mutated sensor payloads through ingestion: nothing escapes but retryable provider errors, every record stored once or quarantined with a reason and its bytes, counts add up`, async () => {
  const started = performance.now();
  const runs = await checkIngestProperty('sensor');
  console.log(
    `# sensor: ${RUNS * PAGES_PER_RUN} payloads in ${runs} ingest runs, ${Math.round(performance.now() - started)} ms`,
  );
});
