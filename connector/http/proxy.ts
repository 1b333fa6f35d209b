/**
 * Which way a request goes out: straight to the API, or through the proxy the
 * environment names. The choice is proxy-from-env's, the library axios and
 * many other Node clients use, reading the same variables as curl:
 * `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY` for
 * http URLs, `all_proxy`/`ALL_PROXY` for either, lower case before upper case;
 * `no_proxy`/`NO_PROXY` exempts hosts (`api.example.com`), domain suffixes
 * (`.example.com` or `*.example.com`), host:port pairs, or everything (`*`).
 *
 * Through a proxy, https URLs are tunnelled with CONNECT (https-proxy-agent) and
 * http URLs are sent in absolute form (http-proxy-agent); both send the proxy
 * URL's user name and password as Proxy-Authorization: Basic. The agents pool
 * keep-alive sockets with the same maxSockets as the direct ones, so concurrency
 * and keep-alive are the same either way; timeouts, cut bodies and retries are
 * the transport's and do not depend on the route.
 *
 * The environment is the process's: proxy-from-env reads `process.env`, and so
 * does `proxyVariable` below, to name the variable in messages.
 */
import http from 'http';
import https from 'https';
import { getProxyForUrl } from 'proxy-from-env';
import type { Lookup } from './cloud-guard';
import { Env, NetworkSetupError, ProxyEndpoint } from './types';

export interface Route {
  agent: http.Agent;
  /** The proxy the request goes through; absent when it goes straight to the API. */
  proxy?: ProxyEndpoint;
}

export interface Router {
  /** The agent for `url`, and the proxy it goes through. Throws NetworkSetupError on an unusable proxy URL. */
  route(url: URL): Route;
  /** Closes every pooled socket. */
  close(): void;
}

export interface RouterOptions {
  /** Sockets kept open per host, direct or through the proxy. */
  maxSockets: number;
  /**
   * The DNS lookup of direct connections (Cloud mode's, cloud-guard.ts); Node's own when absent.
   * Through a proxy the connector dials only the proxy, which the operator chose, and the proxy
   * resolves the API's host.
   */
  lookup?: Lookup;
}

/** Every variable a proxy (and so its credentials) can come from. */
export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const;

export function createRouter(opts: RouterOptions): Router {
  const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets };
  const directOptions = opts.lookup ? { ...agentOptions, lookup: opts.lookup as NonNullable<http.AgentOptions['lookup']> } : agentOptions;
  const direct: Record<string, http.Agent> = { 'http:': new http.Agent(directOptions), 'https:': new https.Agent(directOptions) };
  const viaProxy = new Map<string, Route>();
  return {
    route(url: URL): Route {
      const proxyUrl = getProxyForUrl(url.href);
      if (!proxyUrl) return { agent: direct[url.protocol] ?? direct['http:'] };
      const key = `${url.protocol} ${proxyUrl}`;
      let route = viaProxy.get(key);
      if (!route) {
        const variable = proxyVariable(url.protocol, process.env);
        const proxy = parseProxyUrl(proxyUrl, variable);
        const agent = url.protocol === 'https:' ? newHttpsProxyAgent(proxy, agentOptions) : newHttpProxyAgent(proxy, agentOptions);
        route = { agent, proxy: { address: proxyAddress(proxy), variable, hasCredentials: Boolean(proxy.username || proxy.password) } };
        viaProxy.set(key, route);
      }
      return route;
    },
    close() {
      for (const agent of Object.values(direct)) agent.destroy();
      for (const route of viaProxy.values()) route.agent.destroy();
    },
  };
}

/*
 * The proxy agents are loaded when a proxy is first used (most runs have none):
 * loading them and their dependencies costs about 20 ms of every start.
 */
function newHttpsProxyAgent(proxy: URL, options: http.AgentOptions): http.Agent {
  const { HttpsProxyAgent } = require('https-proxy-agent') as typeof import('https-proxy-agent');
  return new HttpsProxyAgent(proxy, options);
}

function newHttpProxyAgent(proxy: URL, options: http.AgentOptions): http.Agent {
  const { HttpProxyAgent } = require('http-proxy-agent') as typeof import('http-proxy-agent');
  return new HttpProxyAgent(proxy, options);
}

/** The variable proxy-from-env took the proxy of a `protocol` URL from (same order). */
export function proxyVariable(protocol: string, env: Env): string {
  const scheme = protocol.replace(/:$/, '');
  const order = [`${scheme}_proxy`, `${scheme}_proxy`.toUpperCase(), 'all_proxy', 'ALL_PROXY'];
  return order.find((name) => env[name]) ?? order[1];
}

function parseProxyUrl(text: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Never quote the value: it holds the password.
    throw new NetworkSetupError(
      `${variable} is not a valid proxy URL. Write it as http://host:port, with user:password@ before the host ` +
        'when the proxy wants credentials (percent-encode special characters in them).',
      'EPROXYURL',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NetworkSetupError(
      `${variable} names a ${url.protocol.replace(/:$/, '')} proxy at ${proxyAddress(url)}; this connector supports http:// and https:// proxies.`,
      'EPROXYURL',
    );
  }
  return url;
}

function proxyAddress(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/**
 * Every spelling in which the proxy credentials of `env` could reach a message:
 * each proxy variable's whole value, its password as written (percent-encoded)
 * and decoded, and the Basic credentials sent as Proxy-Authorization. For the
 * redactor, before anything is printed.
 */
export function proxySecrets(env: Env): string[] {
  const secrets = new Set<string>();
  for (const name of PROXY_VARIABLES) {
    const value = env[name];
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value.includes('://') ? value : `http://${value}`);
    } catch {
      secrets.add(value); // unreadable, so it may hold a password anywhere; route() reports it as invalid
      continue;
    }
    if (!url.password) continue;
    secrets.add(value);
    const user = safeDecode(url.username);
    const password = safeDecode(url.password);
    secrets.add(url.password);
    secrets.add(password);
    secrets.add(Buffer.from(`${user}:${password}`).toString('base64'));
  }
  return [...secrets];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
