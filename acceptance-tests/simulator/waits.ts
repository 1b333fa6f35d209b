/**
 * The waits the simulator asked for, and the requests that did not keep them.
 *
 * A 429 with Retry-After, or a 503 with Retry-After, is a promise the client is
 * asked to keep: no request with this key before the instant T it names. The
 * ledger counts every request that arrived before T and that its client sent
 * after it could have read the answer that asked for the wait.
 *
 * When could the client have read it? The server cannot see when a request
 * left the client, only when it arrived, and a request written a moment before
 * the client read the 429 can arrive a moment after the 429 was written. Such
 * a request was already on the wire: the client could not have known. So the
 * ledger counts only what it can prove, with no clock and no grace period:
 *
 *   Every answer the server writes gets the next number of one sequence. Each
 *   connection remembers the number of the last answer written on it. A
 *   request R breaks the wait announced by answer N when
 *     1. R arrives before N's T (on the real clock), and
 *     2. the last answer written on R's connection before R is N itself or an
 *        answer written after N.
 *   HTTP/1.1 without pipelining: a client writes its next request on a
 *   connection only after it has read the previous answer there. If that
 *   answer was N, the client had read N before it sent R. If it was an answer
 *   M written after N (on another connection), N's bytes had reached the
 *   client before M's on the same loopback, and a client reads its
 *   connections in the order their bytes arrived: it had N before it read M,
 *   and it read M before it sent R.
 *   A request that arrives inside a wait on a fresh connection, or on one
 *   whose last answer was written before N, may have been on its way before
 *   the client read N: it is counted as `unprovable`, not as a breach.
 *
 * T: a delta-seconds Retry-After counts from the moment N was written (the
 * client cannot have received it earlier, so a client that waits from
 * receipt never arrives before T); an HTTP-date names an instant on the API's
 * clock, converted to the real clock by the simulator's date skew.
 */
import type { Socket } from 'net';

export interface WaitBreach {
  path: string;
  query: Record<string, string>;
  /** Real-clock ms when the request arrived. */
  at: number;
  /** The answer whose wait it broke. */
  announced: { path: string; status: number; retryAfter: string; writtenAt: number; until: number };
}

export interface WaitStats {
  /** Answers that asked for a wait: a 429 or 503 with a readable Retry-After. */
  announced: number;
  /** Requests sent inside a wait after their client had provably read it (see waits.ts). */
  breaches: WaitBreach[];
  /** Requests that arrived inside a wait but may have been sent before their client could read it. */
  unprovable: number;
}

/** What a request saw when it arrived: its connection's last answer. */
export interface Arrival {
  at: number;
  lastAnswerOnConnection: number;
}

interface Announcement {
  key: string;
  seq: number;
  path: string;
  status: number;
  retryAfter: string;
  writtenAt: number;
  until: number;
}

/** Statuses whose Retry-After asks the client to wait (RFC 6585 for 429, RFC 9110 §10.2.3 for 503). */
const ASKS_FOR_A_WAIT = new Set([429, 503]);
const BREACH_CAP = 1000;

export class WaitLedger {
  private seq = 0;
  private readonly lastOnConnection = new WeakMap<Socket, number>();
  private active: Announcement[] = [];
  private announced = 0;
  private breaches: WaitBreach[] = [];
  private unprovable = 0;

  /** `skewMs`: the API's clock minus the real one (an HTTP-date Retry-After is on the API's clock). */
  constructor(private readonly skewMs: () => number) {}

  /** Called when a request arrives, before anything is written on its connection. */
  arrival(socket: Socket, at: number): Arrival {
    return { at, lastAnswerOnConnection: this.lastOnConnection.get(socket) ?? 0 };
  }

  /** A request of `key` that arrived as `arrival`: is it inside a wait it was told about? */
  check(key: string, arrival: Arrival, path: string, query: Record<string, string>): void {
    this.active = this.active.filter((a) => a.until > arrival.at || a.writtenAt > arrival.at);
    let inside = false;
    for (const a of this.active) {
      if (a.key !== key || a.writtenAt > arrival.at || arrival.at >= a.until) continue;
      if (arrival.lastAnswerOnConnection >= a.seq) {
        if (this.breaches.length < BREACH_CAP) {
          const { path: p, status, retryAfter, writtenAt, until } = a;
          this.breaches.push({ path, query: { ...query }, at: arrival.at, announced: { path: p, status, retryAfter, writtenAt, until } });
        }
        return;
      }
      inside = true;
    }
    if (inside) this.unprovable++;
  }

  /**
   * An answer was written on `socket` at `writtenAt` (its headers at least: a cut body still
   * delivers them). Returns nothing; remembers the answer and any wait it asks for.
   */
  answered(socket: Socket, key: string | null, path: string, status: number, retryAfter: string | undefined, writtenAt: number): void {
    const seq = ++this.seq;
    this.lastOnConnection.set(socket, seq);
    if (key === null || retryAfter === undefined || !ASKS_FOR_A_WAIT.has(status)) return;
    const until = this.instant(retryAfter, writtenAt);
    if (until === undefined) return;
    this.announced++;
    this.active.push({ key, seq, path, status, retryAfter, writtenAt, until });
  }

  stats(): WaitStats {
    return { announced: this.announced, breaches: this.breaches.map((b) => ({ ...b, query: { ...b.query }, announced: { ...b.announced } })), unprovable: this.unprovable };
  }

  /** The real-clock instant a Retry-After value names, for an answer written at `writtenAt`. */
  private instant(value: string, writtenAt: number): number | undefined {
    const v = value.trim();
    if (/^\d+$/.test(v)) return writtenAt + Number(v) * 1000;
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : at - this.skewMs();
  }
}
