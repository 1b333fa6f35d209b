/**
 * What a redirect means for the connector: base_url is wrong. The connector
 * never follows one (it would carry the api_key, in the query string, to
 * wherever the API points, another origin included); it says where the
 * redirect leads and which base_url to set instead.
 */

/** The redirect statuses of RFC 9110 §15.4 that carry a Location. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export interface RedirectTarget {
  /** Where the redirect leads, resolved against the request URL, without user info, query or fragment. */
  location?: string;
  /** The base_url that would serve the request without a redirect, when the Location still ends with its path. */
  baseUrl?: string;
}

/**
 * Where a redirect of the request for `apiPath` (e.g. /v1/items) at
 * `requestUrl` leads: its Location resolved against the request URL (it may be
 * relative), stripped of everything that could carry a secret (user:password@,
 * the query string, which would hold our own api_key if the server kept it,
 * the fragment). The base_url to set is that Location minus `apiPath`, when
 * it ends with it, over http or https.
 */
export function redirectTarget(locationHeader: string | null, requestUrl: string, apiPath: string): RedirectTarget {
  if (!locationHeader || !locationHeader.trim()) return {};
  let url: URL;
  try {
    url = new URL(locationHeader.trim(), requestUrl);
  } catch {
    return {};
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const location = url.href;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { location };
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith(apiPath)) return { location };
  return { location, baseUrl: `${url.origin}${path.slice(0, -apiPath.length)}` };
}

/** The message for a redirect of the request for `apiPath`, from the API at `baseUrl`. */
export function redirectMessage(status: number, target: RedirectTarget, baseUrl: string, apiPath: string): string {
  const never = 'The connector does not follow redirects, so that the api_key only ever goes to base_url.';
  if (!target.location) {
    return `The API at ${baseUrl} answered ${apiPath} with a redirect (HTTP ${status}) that does not say where to (no usable Location): check base_url. ${never}`;
  }
  if (!target.baseUrl) {
    return (
      `The API at ${baseUrl} redirects ${apiPath} to ${target.location} (HTTP ${status}), which is not an address of the API: ` +
      `check base_url. ${never}`
    );
  }
  return `The API at ${baseUrl} redirects to ${target.location} (HTTP ${status}): set base_url to ${target.baseUrl}. ${never}`;
}
