/**
 * What a failure below HTTP means, as data: a NetworkError is retried like a
 * 503; a NetworkSetupError stops the sync at once with what to change, because
 * no retry can fix it (a certificate nobody vouches for, a proxy that refuses
 * the credentials). Through a proxy, a connection that cannot be opened at all
 * is the proxy's failure, and the message names the proxy, not the API.
 */
import { REFUSED_CODE } from './cloud-guard';
import { NetworkError, NetworkSetupError, ProxyEndpoint } from './types';

/** The connection itself could not be opened. Through a proxy, only the proxy is ever dialled. */
const CONNECT_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name could not be resolved',
  EAI_AGAIN: 'host name could not be resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

const OTHER_FAILURES: Record<string, string> = {
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the response was complete',
};

/** OpenSSL's verdicts on a certificate chain no trusted authority signed. */
/** What a network error code means, in the words every message uses (undefined for codes not in the tables). */
export function networkWords(code: string | undefined): string | undefined {
  return code === undefined ? undefined : (CONNECT_FAILURES[code] ?? OTHER_FAILURES[code]);
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
]);
const OUT_OF_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** The NetworkError or NetworkSetupError for an error the request to `url` failed with. */
export function classifyNetworkError(err: unknown, url: URL, proxy: ProxyEndpoint | undefined): NetworkError | NetworkSetupError {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const detail = typeof e.message === 'string' ? e.message : String(err);
  // Cloud mode refused the address a host name resolved to when connecting: no retry can change that.
  if (code === REFUSED_CODE) return new NetworkSetupError(detail, code);
  if (code) {
    const setup = certificateFailure(code, detail, url);
    if (setup) return setup;
  }
  if (proxy && (code === undefined || code in CONNECT_FAILURES)) {
    // No code: the proxy agent's own complaint about the proxy's answer to CONNECT.
    const what = code ? CONNECT_FAILURES[code] : detail;
    return new NetworkError(`could not reach the proxy at ${proxy.address} (${proxy.variable}): ${what}`, code ?? 'EPROXY', proxy);
  }
  const known = networkWords(code);
  return new NetworkError(known ?? detail, code ?? 'NETWORK');
}

function certificateFailure(code: string, detail: string, url: URL): NetworkSetupError | undefined {
  const host = url.host;
  if (UNTRUSTED.has(code)) {
    return new NetworkSetupError(
      `The TLS certificate of ${host} could not be verified (${detail}): no certificate authority this connector trusts signed it. ` +
        `If the API, or a proxy that inspects TLS on your network, uses a private certificate authority, add that authority: ` +
        `set NODE_EXTRA_CA_CERTS to the path of its PEM file (for the image: docker run -e NODE_EXTRA_CA_CERTS=/certs/ca.pem ` +
        `-v <folder with ca.pem>:/certs:ro …).`,
      code,
    );
  }
  if (OUT_OF_DATE.has(code)) {
    return new NetworkSetupError(
      `The TLS certificate of ${host} is not valid now (${detail}). Check this machine's clock; otherwise the certificate must be renewed by whoever runs ${host}.`,
      code,
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new NetworkSetupError(`The TLS certificate presented for ${host} is not valid for that name (${detail}). Check base_url.`, code);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new NetworkSetupError(`${host} does not speak TLS (${detail}). Check base_url: http:// or https://, and the port.`, code);
  }
  return undefined;
}

/**
 * A failure when the answer to a request is the proxy's, not the API's: a 407
 * (the proxy wants other credentials), or any other status with which the
 * proxy refused to open the CONNECT tunnel (`tunnelStatus`). Undefined when the
 * answer is the API's.
 */
export function proxyAnswerFailure(
  proxy: ProxyEndpoint | undefined,
  status: number,
  tunnelStatus: number | undefined,
  url: URL,
): NetworkError | NetworkSetupError | undefined {
  if (!proxy) return undefined;
  if (status === 407) {
    const fix = `Correct the user:password@ part of ${proxy.variable} (percent-encode special characters).`;
    return new NetworkSetupError(
      proxy.hasCredentials
        ? `The proxy at ${proxy.address} refused the credentials in ${proxy.variable} (HTTP 407). ${fix}`
        : `The proxy at ${proxy.address} asks for credentials (HTTP 407) and ${proxy.variable} has none. ${fix}`,
      'PROXY_407',
    );
  }
  if (tunnelStatus === undefined || tunnelStatus === 200) return undefined;
  if (tunnelStatus >= 500) {
    return new NetworkError(`the proxy at ${proxy.address} (${proxy.variable}) could not open a tunnel to ${url.host} (HTTP ${tunnelStatus})`, `PROXY_${tunnelStatus}`);
  }
  return new NetworkSetupError(
    `The proxy at ${proxy.address} (${proxy.variable}) refused to open a tunnel to ${url.host} (HTTP ${tunnelStatus}). ` +
      `Ask whoever runs the proxy to allow that host, or exempt it with NO_PROXY.`,
    `PROXY_${tunnelStatus}`,
  );
}
