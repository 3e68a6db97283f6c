import { World } from './World';
import type { SensorSourceId } from './WorldSource';

/**
 * Times two weeks of every source for one site (2016 ten-minute slots, PNGs and hourly weather model runs included): the local stack backfills
 * history on start, so this must stay at a few seconds. Run: node dist/local/world/benchWorld.js [days]
 */
function main(): void {
  const days = Number(process.argv[2] ?? 14);
  const world = new World({ seed: 42, sites: [{ id: 'park-1', latitude: 55.68, longitude: 12.57 }] });
  const sensors: SensorSourceId[] = ['site-meter', 'neighbors', 'weather'];
  const start = Date.UTC(2026, 5, 1);
  const slots = days * 144;
  let pngBytes = 0;
  const began = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < slots; i++) {
    const t = new Date(start + i * 600_000);
    for (const source of sensors) {
      world.sensorValues(source, 'park-1', t);
      world.publishedAt(source, 'park-1', t);
    }
    pngBytes += world.skycamPng('park-1', t).length;
    world.publishedAt('skycam', 'park-1', t);
    // The weather model runs once an hour.
    if (i % 6 === 0) {
      world.nwpRun('park-1', t);
      world.publishedAt('nwp', 'park-1', t);
    }
  }
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  // CPU time too: on a busy machine the wall time says more about the neighbours than about the world.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `${days} days x 5 sources for 1 site: ${slots} slots in ${ms.toFixed(0)} ms ` +
      `(${(ms / slots).toFixed(2)} ms/slot, ${cpuMs.toFixed(0)} ms CPU, mean PNG ${(pngBytes / slots).toFixed(0)} bytes)`,
  );
}

main();
