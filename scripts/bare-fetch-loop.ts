/**
 * The floor the connector has to beat in `npm run bench` (issue 6): the least a
 * program can do to copy every `items` record from the API to stdout as Airbyte
 * RECORD lines. One request at a time over a keep-alive socket with node-fetch,
 * offset/limit=100, JSON.parse each page, one stdout write per page, stop on a
 * short page. No retries, no checks, no state.
 *
 * Usage: BARE_BASE_URL=http://127.0.0.1:PORT BARE_API_KEY=... node dist/scripts/bare-fetch-loop.js
 * (the key travels in the environment, not on the command line).
 */
import { once } from 'events';
import http from 'http';
import fetch from 'node-fetch';

const PAGE = 100;

async function main(): Promise<void> {
  const baseUrl = process.env.BARE_BASE_URL;
  const apiKey = process.env.BARE_API_KEY;
  if (!baseUrl || !apiKey) throw new Error('set BARE_BASE_URL and BARE_API_KEY');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const key = encodeURIComponent(apiKey);
  let offset = 0;
  for (;;) {
    const res = await fetch(`${baseUrl}/v1/items?api_key=${key}&offset=${offset}&limit=${PAGE}`, { agent });
    const page = JSON.parse(await res.text()) as { data: unknown[] };
    const emittedAt = Date.now();
    let chunk = '';
    for (const record of page.data) {
      chunk += `{"type":"RECORD","record":{"stream":"items","data":${JSON.stringify(record)},"emitted_at":${emittedAt}}}\n`;
    }
    if (chunk && !process.stdout.write(chunk)) await once(process.stdout, 'drain');
    if (page.data.length < PAGE) break;
    offset += page.data.length;
  }
  agent.destroy();
}

main().catch((err: unknown) => {
  process.stderr.write(`bare-fetch-loop: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
