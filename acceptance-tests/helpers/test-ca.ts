/**
 * A private certificate authority made at test time with the `openssl` CLI,
 * and a server certificate it signed for 127.0.0.1 and localhost: what a
 * company CA or a TLS-inspecting proxy looks like to the connector. Nothing is
 * checked in; keys live in a fresh directory removed by `remove()`.
 *
 * The directory and ca.pem are world-readable so that the image (user
 * airbyte, uid 1000) can read ca.pem when the directory is mounted.
 */
import { execFileSync } from 'child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export interface TestCa {
  /** Directory holding ca.pem (mount it for the image). */
  dir: string;
  /** Path of the authority's certificate (PEM): what NODE_EXTRA_CA_CERTS points to. */
  caFile: string;
  /** The server's key and certificate, for `startSimulator({ tls })`. */
  server: { key: string; cert: string };
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('the tests of private certificate authorities need the openssl command (apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? String(err)}`);
  }
}

export function createTestCa(name = 'Inventory Analytics Test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'sia-ca-'));
  chmodSync(dir, 0o755);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(
    join(dir, 'server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'],
    dir,
  );
  chmodSync(join(dir, 'ca.pem'), 0o644);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    server: { key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
