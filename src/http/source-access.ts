// Who may connect: the source address (X-Forwarded-For only via trusted proxies) against the allow-list.
import { BlockList, isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AccessSettings } from '../config/edge-schema.js';
import { BoundedMap } from '../bounded-map.js';
import { EdgeError, toWire } from '../errors/index.js';
import { HEALTH_PATH, READY_PATH } from './observability-routes.js';

/** `::ffff:1.2.3.4` is an IPv4 peer on a dual-stack socket: check it as IPv4, like every other IPv4 client. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

function blockListOf(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [addr, bits] = range.split('/') as [string, string | undefined];
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(bits), family);
  }
  return list;
}

function contains(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Most verdicts remembered per list; past it the memory starts over (X-Forwarded-For text is the client's). */
export const VERDICTS_KEPT = 4096;

/**
 * `contains` remembered per address: BlockList.check builds a SocketAddress per call (seen in the profile
 * under load), and a relay sees few distinct peers. The lists never change after start, so a verdict holds.
 */
function memoContains(list: BlockList): (address: string) => boolean {
  const verdicts = new BoundedMap<string, boolean>(VERDICTS_KEPT);
  return (address) => {
    let verdict = verdicts.get(address);
    if (verdict === undefined) {
      verdict = contains(list, address);
      verdicts.set(address, verdict);
    }
    return verdict;
  };
}

const LOOPBACK = blockListOf(['127.0.0.0/8', '::1']);

export class SourceAccess {
  // Each memo belongs to this instance (one per app), the loopback one too.
  private readonly loopback = memoContains(LOOPBACK);
  private readonly allowed: (address: string) => boolean;
  private readonly trusted: (address: string) => boolean;

  constructor(
    settings: AccessSettings,
    /** Whether the allow-list is enforced (settings.allowList resolved against demo mode). */
    readonly enforced: boolean,
  ) {
    this.allowed = memoContains(blockListOf(settings.allowedSources));
    this.trusted = memoContains(blockListOf(settings.trustedProxies));
  }

  /**
   * The client's address: the socket peer, or, when the peer is a trusted proxy, the nearest X-Forwarded-For
   * hop that is not a trusted proxy (walking right to left: hops to the left of an untrusted one are forgeable).
   */
  clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
    let address = normalizeAddress(peer ?? '');
    if (!this.trusted(address) || forwardedFor === undefined) return address;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map(normalizeAddress);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) return address;
      address = hop;
      if (!this.trusted(hop)) return hop;
    }
    return address;
  }

  allows(address: string): boolean {
    if (!this.enforced) return true;
    return this.loopback(address) || this.allowed(address);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The client's address after trusted-proxy resolution; what the allow-list and rate limits see. */
    clientAddress: string;
  }
}

/** Open to anyone (liveness and readiness probes come from the platform, not from Google). */
const OPEN_PATHS = new Set([HEALTH_PATH, READY_PATH]);

export function registerSourceAccess(app: FastifyInstance, access: SourceAccess): void {
  app.decorateRequest('clientAddress', '');
  // Callback style: synchronous work, so no promise per request.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    request.clientAddress = access.clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for']);
    if (access.allows(request.clientAddress) || OPEN_PATHS.has(request.url.split('?')[0]!)) return done();
    const refusal = toWire(new EdgeError('EDGE_SOURCE_NOT_ALLOWED'), 'edge');
    request.log.warn({ event: 'access.refused', address: request.clientAddress, peer: request.socket.remoteAddress }, 'source address not allowed');
    reply.code(refusal.status).header('Connection', 'close').type('text/plain; charset=utf-8').send(refusal.message);
  });
}
