import { test } from 'node:test';
import { checkIngestProperty, PAGES_PER_RUN, RUNS } from './ingestProperty';

test(`property: ${RUNS * PAGES_PER_RUN} random and mutated image payloads through ingestion: nothing escapes but retryable provider errors, every record stored once or quarantined with a reason and its bytes, counts add up`, async () => {
  const started = performance.now();
  const runs = await checkIngestProperty('image');
  console.log(
    `# image: ${RUNS * PAGES_PER_RUN} payloads in ${runs} ingest runs, ${Math.round(performance.now() - started)} ms`,
  );
});
