/** proxy-from-env ships no types; this is its whole API (https://github.com/Rob--W/proxy-from-env). */
declare module 'proxy-from-env' {
  /**
   * The proxy URL for `url` from the process environment (<protocol>_proxy, then all_proxy, lower case
   * before upper case), or '' when there is none or NO_PROXY exempts the URL's host.
   */
  export function getProxyForUrl(url: string | URL): string;
}
