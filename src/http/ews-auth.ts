// Who is calling the EWS endpoint: a Bearer token of a configured Google client, or a Basic role account.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { BasicAccounts } from '../auth/basic-accounts.js';
import { EdgeError, ERRORS } from '../errors/index.js';
import type { RateLimits } from './edge-limits.js';

export interface EwsCallerIdentity {
  clientId: string;
  method: 'bearer' | 'basic';
  /** Domains this caller may look up; undefined: every served domain. */
  allowedDomains?: ReadonlySet<string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    ewsCaller?: EwsCallerIdentity;
  }
}

export interface EwsAuthOptions {
  tokens: AccessTokens;
  basic: BasicAccounts;
  /** Configured Google clients by id, with the domains each may look up. */
  clients: ReadonlyMap<string, { domains?: readonly string[] }>;
  /** Failed Basic logins per source address: over the limit, no password is even checked. */
  basicFailures?: RateLimits['basicFailures'];
}

const REALM = 'calendar-relay';

/** RFC 6750 section 3 (and RFC 7617 when Basic is offered): one challenge per scheme the relay accepts. */
function challenge(reply: FastifyReply, basicOffered: boolean, error?: 'invalid_token') {
  const bearer = error ? `Bearer realm="${REALM}", error="${error}"` : `Bearer realm="${REALM}"`;
  const challenges = basicOffered ? [bearer, `Basic realm="${REALM}", charset="UTF-8"`] : [bearer];
  return reply
    .code(401)
    .header('WWW-Authenticate', challenges.length === 1 ? challenges[0] : challenges)
    .header('Cache-Control', 'no-store')
    .send({ error: (error ? ERRORS.AUTH_INVALID_TOKEN : ERRORS.AUTH_UNAUTHORIZED).wire });
}

export function ewsAuthenticator(opts: EwsAuthOptions) {
  const domainSets = new Map<string, ReadonlySet<string> | undefined>(
    [...opts.clients].map(([id, c]) => [id, c.domains ? new Set(c.domains.map((d) => d.toLowerCase())) : undefined]),
  );
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    if (/^bearer\s+\S/i.test(header)) {
      const verdict = await opts.tokens.verify(header.replace(/^bearer\s+/i, '').trim());
      // A token stays valid only while its client is configured: removing a client revokes its tokens.
      if (verdict.ok && domainSets.has(verdict.token.clientId)) {
        const allowed = domainSets.get(verdict.token.clientId);
        request.ewsCaller = { clientId: verdict.token.clientId, method: 'bearer', ...(allowed ? { allowedDomains: allowed } : {}) };
        return;
      }
      const reason = verdict.ok ? 'unknown_client' : verdict.reason;
      request.log.info({ event: 'ews.token_rejected', reason }, 'bearer token rejected');
      return challenge(reply, opts.basic.enabled, 'invalid_token');
    }
    if (opts.basic.enabled && /^basic\s+\S/i.test(header)) {
      const address = request.clientAddress || request.ip;
      const guarded = await opts.basicFailures?.check(request, address);
      if (guarded?.limited) {
        request.log.warn({ event: 'ews.basic_locked', address }, 'too many failed Basic logins from this address');
        throw new EdgeError('EDGE_RATE_LIMITED', 'basic login locked', guarded.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: guarded.retryAfterSeconds });
      }
      const verdict = await opts.basic.verify(header);
      if (verdict.ok) {
        request.ewsCaller = { clientId: `basic:${verdict.username}`, method: 'basic', allowedDomains: new Set([verdict.domain]) };
        return;
      }
      await opts.basicFailures?.record(request, address);
      request.log.info({ event: 'ews.basic_rejected', address }, 'basic credentials rejected');
      return challenge(reply, true);
    }
    return challenge(reply, opts.basic.enabled);
  };
}
