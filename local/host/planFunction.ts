import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { LoadedFunction } from './AppRegistry';
import { BlobPathPattern } from './BlobPathPattern';
import { BlobReceiptStore } from './BlobReceiptStore';
import { blobServiceFromSetting } from './blobServiceFromSetting';
import { queueServiceFromSetting } from './queueServiceFromSetting';
import { HostError } from './HostError';
import type { HttpRoute } from './HttpFront';
import { HttpRouteTemplate } from './HttpRouteTemplate';
import type { RegisteredFunctionInfo } from './RegisteredFunctionInfo';
import { resolveSettingReferences } from './resolveSettingReferences';
import { TimerSchedule } from './TimerSchedule';
import { triggerBindingOf } from './triggerBindingOf';

/** How the host will drive one function, validated before anything starts. */
export interface FunctionPlan {
  info: RegisteredFunctionInfo;
  timer?: TimerSchedule;
  blob?: { pattern: BlobPathPattern; service: BlobServiceClient; receipts: BlobReceiptStore };
  queue?: { name: string; service: QueueServiceClient };
  http?: HttpRoute;
  /** Things the local host will not do for this function (unbound bindings, undriven trigger types). */
  warnings: string[];
}

/** What planning needs: settings, and state shared between functions. */
export interface PlanContext {
  settings: Readonly<Record<string, string | undefined>>;
  timeZone: string;
  hostId: string;
  /** Receipt stores by host connection string, so functions on one account share one. */
  receiptStores: Map<string, BlobReceiptStore>;
}

/**
 * Reads a function's trigger into what the host reports and drives: schedules and paths with `%SETTING%`s
 * resolved, connections looked up, routes parsed. Any bad value fails here, naming the function.
 */
export function planFunction(fn: LoadedFunction, ctx: PlanContext): FunctionPlan {
  const name = fn.metadata.name;
  const what = `function '${name}'`;
  const trigger = triggerBindingOf(fn.metadata);
  const info: RegisteredFunctionInfo = { name, triggerType: trigger.type, otherBindings: [] };
  const plan: FunctionPlan = { info, warnings: [] };
  for (const [bindingName, b] of Object.entries(fn.metadata.bindings)) {
    if (bindingName === trigger.name) continue;
    info.otherBindings.push({ name: bindingName, type: String(b.type), direction: String(b.direction) });
    if (String(b.type).toLowerCase() !== 'http')
      plan.warnings.push(`binding '${bindingName}' (${String(b.type)}) is not bound by the local host`);
  }
  const retry = fn.metadata.retryOptions;
  if (retry?.retryStrategy) info.retry = { strategy: retry.retryStrategy, maxRetryCount: retry.maxRetryCount ?? 0 };

  switch (trigger.type.toLowerCase()) {
    case 'timertrigger': {
      const raw = stringOption(trigger, 'schedule', what);
      const schedule = TimerSchedule.parse(
        resolveSettingReferences(raw, ctx.settings, `${what} schedule`),
        what,
        ctx.timeZone,
      );
      Object.assign(info, { schedule: raw, resolvedSchedule: schedule.expression });
      plan.timer = schedule;
      break;
    }
    case 'blobtrigger': {
      const rawPath = stringOption(trigger, 'path', what);
      const resolvedPath = resolveSettingReferences(rawPath, ctx.settings, `${what} path`);
      const pattern = BlobPathPattern.parse(resolvedPath, what);
      const connection = optionalString(trigger, 'connection');
      Object.assign(info, { path: rawPath, resolvedPath, connection, source: optionalString(trigger, 'source') });
      const { service, connectionString } = blobServiceFromSetting(connection, ctx.settings, what);
      // Receipts live in the host's own storage (AzureWebJobsStorage) as in Azure, else in the trigger's account.
      const hostConnection = ctx.settings['AzureWebJobsStorage'] || connectionString;
      let receipts = ctx.receiptStores.get(hostConnection);
      if (receipts === undefined) {
        const hostService =
          hostConnection === connectionString
            ? service
            : blobServiceFromSetting('AzureWebJobsStorage', ctx.settings, what).service;
        receipts = new BlobReceiptStore(hostService, ctx.hostId);
        ctx.receiptStores.set(hostConnection, receipts);
      }
      plan.blob = { pattern, service, receipts };
      break;
    }
    case 'queuetrigger': {
      const rawName = stringOption(trigger, 'queueName', what);
      const queueName = resolveSettingReferences(rawName, ctx.settings, `${what} queueName`);
      if (!QUEUE_NAME.test(queueName))
        throw new HostError(
          'BAD_BINDING',
          `${what}: queue name "${queueName}" is not a Storage queue name (3-63 lower-case letters, digits and single dashes)`,
        );
      const connection = optionalString(trigger, 'connection');
      Object.assign(info, { queueName: rawName, resolvedQueueName: queueName, connection });
      plan.queue = { name: queueName, service: queueServiceFromSetting(connection, ctx.settings, what) };
      break;
    }
    case 'httptrigger': {
      const route = optionalString(trigger, 'route') || name;
      const methods = (
        Array.isArray(trigger['methods']) ? (trigger['methods'] as unknown[]).map(String) : ['GET', 'POST']
      ).map((m) => m.toUpperCase());
      Object.assign(info, { route, methods, authLevel: optionalString(trigger, 'authLevel') });
      plan.http = { fn, template: HttpRouteTemplate.parse(route, what), methods };
      break;
    }
    default:
      plan.warnings.push(`${trigger.type} is not driven by the local host; the function is listed but never runs`);
  }
  return plan;
}

/** Azure's rule for queue names. */
const QUEUE_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

function stringOption(binding: Record<string, unknown>, key: string, what: string): string {
  const value = binding[key];
  if (typeof value !== 'string' || value === '') throw new HostError('BAD_BINDING', `${what}: trigger has no "${key}"`);
  return value;
}

function optionalString(binding: Record<string, unknown>, key: string): string | undefined {
  const value = binding[key];
  return typeof value === 'string' ? value : undefined;
}
