import { isIP } from 'node:net';

/**
 * Whether a URL's hostname names this machine: `localhost`, an IPv4 address in 127.0.0.0/8, or `::1` (as a URL
 * writes it, `[::1]`). Names are not resolved: `127.0.0.1.example.com` is no loopback host.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost') return true;
  if (host === '[::1]' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
