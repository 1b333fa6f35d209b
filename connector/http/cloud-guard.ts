/**
 * Cloud mode. Airbyte Cloud starts sources with DEPLOYMENT_MODE=CLOUD; there a
 * source may talk only to public endpoints over TLS, never to the platform's
 * own network. The Python CDK does the same (airbyte_cdk/entrypoint.py: in
 * Cloud every request must be https, and a host any of whose resolved
 * addresses is private is refused with a config_error).
 *
 * Here the guard does two things, both before a byte is sent:
 * - `admit(baseUrl)`, once, before the API client exists: base_url must be
 *   https://, its host must not be a non-public address, and every address a
 *   host name resolves to must be public.
 * - `lookup`, given to the agents as their DNS lookup: each connection resolves
 *   the host again, refuses if any answer is not public, and hands Node exactly
 *   the addresses it checked, so the socket connects to a checked address. A
 *   later DNS answer (rebinding, a short TTL) can never reach a refused one.
 *   A literal IP address is never looked up by Node; `admit` has checked it.
 *
 * OSS mode (no DEPLOYMENT_MODE, `OSS`, or anything but `cloud` in any case)
 * has no guard: every URL the spec accepts works as before.
 */
import dns from 'dns';
import { BlockList, isIP } from 'net';
import type { LookupAddress, LookupOptions } from 'dns';
import { configError } from '../protocol/errors';
import type { Env } from './types';

/** What a resolver answers: every address of a host name. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

/** net's `lookup` option, in the two shapes Node calls it with (one address, or `all`). */
export type Lookup = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

export interface CloudGuard {
  /** Resolves when base_url may be used in Cloud mode; rejects with a config_error saying why not. */
  admit(baseUrl: string): Promise<void>;
  /** For the agents: resolve, refuse non-public answers, connect only to what was checked. */
  lookup: Lookup;
}

/** The error code of a connection refused at connect time (network-failures.ts makes it a config_error). */
export const REFUSED_CODE = 'ERR_CLOUD_NON_PUBLIC_ADDRESS';

const MODE = 'Cloud mode (DEPLOYMENT_MODE=CLOUD)';
const FIX = "Set base_url to the API's public https:// URL.";

/** True when the platform runs the connector in Airbyte Cloud (the CDK's is_cloud_environment). */
export function isCloud(env: Env): boolean {
  return (env.DEPLOYMENT_MODE ?? '').trim().toLowerCase() === 'cloud';
}

/** The guard for this environment: undefined in OSS mode. */
export function cloudGuardFor(env: Env, resolve: Resolve = resolveAll): CloudGuard | undefined {
  return isCloud(env) ? createCloudGuard(resolve) : undefined;
}

export function createCloudGuard(resolve: Resolve = resolveAll): CloudGuard {
  return {
    async admit(baseUrl: string): Promise<void> {
      const url = new URL(baseUrl); // the spec's pattern has accepted it, so it parses
      if (url.protocol !== 'https:') {
        throw configError(`${MODE} accepts only https:// URLs, and base_url starts with ${url.protocol}//. ${FIX}`);
      }
      const host = bare(url.hostname);
      if (isIP(host)) {
        const why = nonPublicReason(host);
        if (why) throw configError(`${MODE} reaches only public endpoints, and base_url's host ${host} is ${why}. ${FIX}`);
        return;
      }
      let addresses: LookupAddress[];
      try {
        addresses = await resolve(host);
      } catch {
        // Nothing to check yet: the connection resolves again (through `lookup`), and a host that
        // does not resolve fails there as it does in OSS mode.
        return;
      }
      const refused = firstRefused(addresses);
      if (refused) throw configError(refusedMessage(host, refused.address, refused.why));
    },

    lookup(hostname, options, callback) {
      dns.lookup(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses) => {
        if (err) return callback(err, []);
        const refused = firstRefused(addresses);
        if (refused) {
          const e: NodeJS.ErrnoException = new Error(refusedMessage(hostname, refused.address, refused.why));
          e.code = REFUSED_CODE;
          return callback(e, []);
        }
        if (options.all) return callback(null, addresses);
        if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
        callback(null, addresses[0].address, addresses[0].family);
      });
    },
  };
}

function refusedMessage(host: string, address: string, why: string): string {
  return `${MODE} reaches only public endpoints, and base_url's host ${host} resolves to ${address}, ${why}. ${FIX}`;
}

function firstRefused(addresses: readonly LookupAddress[]): { address: string; why: string } | undefined {
  for (const { address } of addresses) {
    const why = nonPublicReason(address);
    if (why) return { address, why };
  }
  return undefined;
}

async function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return dns.promises.lookup(hostname, { all: true, verbatim: true });
}

/** `[::1]` → `::1`: URL keeps the brackets of an IPv6 host. */
const bare = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1');

// ---- which addresses are public ---------------------------------------------
// IANA's special-purpose registries (RFC 6890 and successors): every block that
// is not globally reachable, plus multicast. The matching is net.BlockList's.

type Family = 'ipv4' | 'ipv6';
const RULES: readonly [why: string, family: Family, network: string, prefix: number][] = [
  ['an unspecified ("this network") address', 'ipv4', '0.0.0.0', 8],
  ['a private (RFC 1918) address', 'ipv4', '10.0.0.0', 8],
  ['a shared (carrier-grade NAT, RFC 6598) address', 'ipv4', '100.64.0.0', 10],
  ['a loopback address', 'ipv4', '127.0.0.0', 8],
  ['a link-local address', 'ipv4', '169.254.0.0', 16],
  ['a private (RFC 1918) address', 'ipv4', '172.16.0.0', 12],
  ['a special-purpose (IETF protocol assignments) address', 'ipv4', '192.0.0.0', 24],
  ['a documentation address', 'ipv4', '192.0.2.0', 24],
  ['a special-purpose (6to4 relay anycast) address', 'ipv4', '192.88.99.0', 24],
  ['a private (RFC 1918) address', 'ipv4', '192.168.0.0', 16],
  ['a special-purpose (benchmarking) address', 'ipv4', '198.18.0.0', 15],
  ['a documentation address', 'ipv4', '198.51.100.0', 24],
  ['a documentation address', 'ipv4', '203.0.113.0', 24],
  ['a multicast address', 'ipv4', '224.0.0.0', 4],
  ['a reserved address', 'ipv4', '240.0.0.0', 4],
  ['an unspecified address', 'ipv6', '::', 128],
  ['a loopback address', 'ipv6', '::1', 128],
  ['a special-purpose (local-use NAT64) address', 'ipv6', '64:ff9b:1::', 48],
  ['a special-purpose (discard-only) address', 'ipv6', '100::', 64],
  ['a special-purpose (IETF protocol assignments) address', 'ipv6', '2001::', 23],
  ['a documentation address', 'ipv6', '2001:db8::', 32],
  ['a special-purpose (6to4) address', 'ipv6', '2002::', 16],
  ['a documentation address', 'ipv6', '3fff::', 20],
  ['a special-purpose (SRv6) address', 'ipv6', '5f00::', 16],
  ['a unique-local address', 'ipv6', 'fc00::', 7],
  ['a link-local address', 'ipv6', 'fe80::', 10],
  ['a site-local address', 'ipv6', 'fec0::', 10],
  ['a multicast address', 'ipv6', 'ff00::', 8],
];

function blockList(family: Family, network: string, prefix: number): BlockList {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return list;
}

const MATCHERS = RULES.map(([why, family, network, prefix]) => ({ why, family, list: blockList(family, network, prefix) }));
/** IPv6 global unicast: anything outside it is not a public address. */
const GLOBAL_UNICAST = blockList('ipv6', '2000::', 3);
/** IPv6 forms that carry an IPv4 address in their last 32 bits, which is what they reach. */
const EMBEDDING = [blockList('ipv6', '::ffff:0:0', 96), blockList('ipv6', '64:ff9b::', 96)];

/**
 * Why `address` (an IP address, IPv6 without brackets, with or without a zone)
 * is not a public address, or undefined when it is one. An IPv4-mapped
 * (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) address is judged by the IPv4
 * address it reaches. Anything that is not an IP address is refused.
 */
export function nonPublicReason(address: string): string | undefined {
  const ip = address.replace(/%.*$/, '');
  const version = isIP(ip);
  if (version === 4) return matchRule(ip, 'ipv4');
  if (version !== 6) return 'not an IP address';
  if (EMBEDDING.some((list) => list.check(ip, 'ipv6'))) {
    const embedded = embeddedIpv4(ip);
    const why = nonPublicReason(embedded);
    return why && `${why} (${embedded}, in IPv6 form)`;
  }
  return matchRule(ip, 'ipv6') ?? (GLOBAL_UNICAST.check(ip, 'ipv6') ? undefined : 'a reserved IPv6 address');
}

function matchRule(ip: string, family: Family): string | undefined {
  return MATCHERS.find((m) => m.family === family && m.list.check(ip, family))?.why;
}

/** The IPv4 address in the last 32 bits of a valid IPv6 address (any spelling: `::`, a dotted tail). */
function embeddedIpv4(ip: string): string {
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted) return dotted[1];
  const [head, tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right].map((g) => parseInt(g, 16));
  const [high, low] = groups.slice(6);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
