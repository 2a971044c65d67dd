/**
 * The `lookup` option of our UDP sockets. dgram resolves the destination of every send() through
 * it, by default with dns.lookup, which answers an IP literal only on the next tick. Ours are
 * always literals (taken from recvfrom or resolved once at connect), so answering at once sends the
 * packet without the detour.
 */
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

export function literalLookup(hostname: string, options: LookupOneOptions, callback: (error: Error | null, address: string, family: number) => void): void {
  const family = isIP(hostname);
  if (family === 0) dnsLookup(hostname, options, callback);
  else callback(null, hostname, family);
}
