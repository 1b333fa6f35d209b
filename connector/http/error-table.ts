import type { FailureType } from '../protocol/messages';

/**
 * What each HTTP outcome means, as data: whether to retry, and if not, which
 * failure class it is and what the user should do. Checked in one place by
 * the retry interceptor and the API client.
 */
export type Action = 'ok' | 'retry' | 'rate_limited' | 'redirect' | 'fail';

export interface Resolution {
  action: Action;
  failureType?: FailureType;
  /** For the person running the sync. `{stream}` and `{request}` are filled in. */
  message?: string;
  /** 'sync' when the failure dooms every stream, not just this one. */
  scope?: 'stream' | 'sync';
}

/** Never followed: base_url is wrong, and the message says where the API points instead (redirect.ts). */
const REDIRECT: Resolution = { action: 'redirect', failureType: 'config_error', scope: 'sync' };

const TABLE: Record<number, Resolution> = {
  301: REDIRECT,
  302: REDIRECT,
  303: REDIRECT,
  307: REDIRECT,
  308: REDIRECT,
  400: {
    action: 'fail',
    failureType: 'system_error',
    message: 'The API rejected the request for stream {stream} as invalid (HTTP 400): {request}. This is a connector bug; please report it.',
  },
  401: {
    action: 'fail',
    failureType: 'config_error',
    message: 'The API rejected the api_key (HTTP 401). Check the API key in the connector settings: it may be mistyped, revoked or expired.',
    scope: 'sync',
  },
  403: {
    action: 'fail',
    failureType: 'config_error',
    message:
      'The API key is not entitled to stream {stream} (HTTP 403). Ask the account owner to grant the key access to this resource, or deselect the stream.',
  },
  404: {
    action: 'fail',
    failureType: 'system_error',
    message: 'The API has no resource for stream {stream} (HTTP 404): {request}. Check base_url (it must not include /v1).',
  },
  429: { action: 'rate_limited', failureType: 'transient_error' },
  500: { action: 'retry', failureType: 'transient_error' },
  502: { action: 'retry', failureType: 'transient_error' },
  503: { action: 'retry', failureType: 'transient_error' },
  504: { action: 'retry', failureType: 'transient_error' },
};

export function resolve(status: number): Resolution {
  if (status >= 200 && status < 300) return { action: 'ok' };
  return (
    TABLE[status] ?? {
      action: 'fail',
      failureType: 'system_error',
      message: `The API answered HTTP ${status} for stream {stream}: {request}.`,
    }
  );
}

export function fill(template: string, fields: { stream?: string; request?: string }): string {
  return template.replace('{stream}', fields.stream ?? '(none)').replace('{request}', fields.request ?? '');
}
