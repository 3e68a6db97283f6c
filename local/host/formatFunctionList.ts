import type { RegisteredFunctionInfo } from './RegisteredFunctionInfo';

/** The start-up listing, in the spirit of Core Tools: `name: [GET,POST] http://.../api/route` or `name: timerTrigger ...`. */
export function formatFunctionList(
  functions: readonly RegisteredFunctionInfo[],
  httpUrl: string,
  routePrefix = 'api',
): string {
  const lines = ['Functions:', ''];
  for (const f of functions) {
    if (f.triggerType.toLowerCase() === 'httptrigger') {
      const prefix = routePrefix === '' ? '' : `/${routePrefix}`;
      lines.push(`        ${f.name}: [${(f.methods ?? []).join(',')}] ${httpUrl}${prefix}/${f.route ?? f.name}`);
    } else if (f.resolvedSchedule !== undefined) {
      const raw = f.schedule !== f.resolvedSchedule ? ` (${f.schedule})` : '';
      lines.push(`        ${f.name}: ${f.triggerType} schedule '${f.resolvedSchedule}'${raw}`);
    } else if (f.path !== undefined) {
      const source = f.source === undefined ? '' : `, source ${f.source}`;
      lines.push(
        `        ${f.name}: ${f.triggerType} path '${f.resolvedPath ?? f.path}' (connection ${f.connection ?? 'AzureWebJobsStorage'}${source})`,
      );
    } else if (f.queueName !== undefined) {
      lines.push(
        `        ${f.name}: ${f.triggerType} queue '${f.resolvedQueueName ?? f.queueName}' (connection ${f.connection ?? 'AzureWebJobsStorage'})`,
      );
    } else {
      lines.push(`        ${f.name}: ${f.triggerType} (not driven locally)`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
