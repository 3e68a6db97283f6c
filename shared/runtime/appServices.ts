import { createServices, type Services } from './createServices';

let services: Services | undefined;

/**
 * The process's services, created on first use. The one shared instance in the app: Azure reuses a worker process
 * for many invocations, and clients (HTTP pools, ONNX sessions) must be reused across them, not rebuilt per call.
 */
export function appServices(): Services {
  services ??= createServices();
  return services;
}
