import type { IncomingMessage, ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import * as http from './http';

/** A Redis reply as the Upstash REST API returns it in JSON (RESP2 semantics). */
export type RedisReply = string | number | null | RedisReply[];

/** One entry of a `/pipeline` or `/multi-exec` answer. */
export type PipelineItem = { result: RedisReply } | { error: string };

export interface RedisRestOptions {
  port: number;
  host?: string;
  /** Bearer token clients must send (`Authorization: Bearer …` or `?_token=…`). */
  token: string;
  /** A real Redis to proxy to, e.g. `redis://127.0.0.1:6379`; unreachable → in-process store. */
  redisUrl?: string;
  /** Database number on the real Redis. */
  db?: number;
}

export interface RedisRestServer {
  url: string;
  backend: 'redis' | 'memory';
  close(): Promise<void>;
}

/** An error Redis itself would answer with; the message starts with its code (`ERR`, `WRONGTYPE`…). */
class CommandError extends Error {}

interface Backend {
  exec(command: string[]): Promise<RedisReply>;
  pipeline(commands: string[][]): Promise<PipelineItem[]>;
  /** Throws CommandError when the transaction is discarded as a whole. */
  multi(commands: string[][]): Promise<PipelineItem[]>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const PROBE_TIMEOUT_MS = 500;

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const SYNTAX = 'ERR syntax error';

// ---------------------------------------------------------------------------------------------
// In-process store

interface DataByType {
  string: string;
  hash: Map<string, string>;
  set: Set<string>;
  list: string[];
  zset: Map<string, number>;
}

type ValueType = keyof DataByType;

type Entry = { [K in ValueType]: { type: K; data: DataByType[K] } }[ValueType] & {
  expiresAt?: number;
};

interface CommandSpec {
  /** Redis arity: positive = exact argument count (name included), negative = minimum. */
  arity: number;
  run: (args: string[]) => RedisReply;
}

function parseInteger(raw: string, message = NOT_INTEGER): number {
  if (!/^-?\d+$/.test(raw)) throw new CommandError(message);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new CommandError(message);
  return value;
}

function parseScore(raw: string, message = NOT_FLOAT): number {
  const lower = raw.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (raw.trim() === '' || raw.trim() !== raw) throw new CommandError(message);
  const value = Number(raw);
  if (Number.isNaN(value)) throw new CommandError(message);
  return value;
}

function formatScore(score: number): string {
  if (score === Number.POSITIVE_INFINITY) return 'inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return String(score);
}

interface ScoreBound {
  value: number;
  exclusive: boolean;
}

function parseBound(raw: string): ScoreBound {
  const exclusive = raw.startsWith('(');
  const value = parseScore(exclusive ? raw.slice(1) : raw, 'ERR min or max is not a float');
  return { value, exclusive };
}

function aboveMin(score: number, min: ScoreBound): boolean {
  return min.exclusive ? score > min.value : score >= min.value;
}

function belowMax(score: number, max: ScoreBound): boolean {
  return max.exclusive ? score < max.value : score <= max.value;
}

/** Converts a Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\x`) to an anchored RegExp. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      source += escapeRegExp(pattern[i] ?? '');
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Normalises a LRANGE-style inclusive index pair; undefined when the range is empty. */
function clampRange(start: number, stop: number, length: number): [number, number] | undefined {
  let from = start < 0 ? start + length : start;
  let to = stop < 0 ? stop + length : stop;
  if (from < 0) from = 0;
  if (from > to || from >= length) return undefined;
  if (to >= length) to = length - 1;
  return [from, to];
}

class MemoryStore {
  private readonly entries = new Map<string, Entry>();
  private readonly commands: Record<string, CommandSpec>;

  constructor() {
    this.commands = this.buildCommands();
  }

  /** Runs one command; throws CommandError with Redis's message on failure. */
  run(command: string[]): RedisReply {
    this.check(command);
    const [, ...args] = command;
    const spec = this.commands[(command[0] ?? '').toLowerCase()];
    if (!spec) throw new CommandError('ERR unknown command');
    return spec.run(args);
  }

  /** Validates name and arity the way Redis does when queueing a command. */
  check(command: string[]): void {
    const name = command[0];
    if (name === undefined) throw new CommandError('ERR empty command');
    const spec = this.commands[name.toLowerCase()];
    if (!spec) {
      const preview = command
        .slice(1)
        .map((arg) => `'${arg}' `)
        .join('');
      throw new CommandError(`ERR unknown command '${name}', with args beginning with: ${preview}`);
    }
    const count = command.length;
    if ((spec.arity > 0 && count !== spec.arity) || (spec.arity < 0 && count < -spec.arity)) {
      throw new CommandError(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
    }
  }

  /** Drops every expired key; expiry is otherwise checked lazily on access. */
  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  private lookup(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private typed<T extends ValueType>(key: string, type: T): DataByType[T] | undefined {
    const entry = this.lookup(key);
    if (!entry) return undefined;
    if (entry.type !== type) throw new CommandError(WRONGTYPE);
    return entry.data as DataByType[T];
  }

  private orCreate<T extends ValueType>(
    key: string,
    type: T,
    make: () => DataByType[T],
  ): DataByType[T] {
    const existing = this.typed(key, type);
    if (existing !== undefined) return existing;
    const data = make();
    this.entries.set(key, { type, data } as Entry);
    return data;
  }

  private dropIfEmpty(key: string, size: number): void {
    if (size === 0) this.entries.delete(key);
  }

  private liveKeys(): string[] {
    this.sweep();
    return [...this.entries.keys()];
  }

  private setString(key: string, value: string, expiresAt?: number): void {
    const entry: Entry = { type: 'string', data: value };
    if (expiresAt !== undefined) entry.expiresAt = expiresAt;
    this.entries.set(key, entry);
  }

  private incrBy(key: string, delta: number): number {
    const current = this.typed(key, 'string');
    const base = current === undefined ? 0 : parseInteger(current);
    const next = base + delta;
    if (!Number.isSafeInteger(next)) {
      throw new CommandError('ERR increment or decrement would overflow');
    }
    const expiresAt = this.lookup(key)?.expiresAt;
    this.setString(key, String(next), expiresAt);
    return next;
  }

  private expire(name: string, args: string[], unitMs: number, absolute: boolean): number {
    const [key = '', rawTime = '', ...options] = args;
    const amount = parseInteger(rawTime);
    const flags = new Set(options.map((option) => option.toUpperCase()));
    for (const flag of flags) {
      if (!['NX', 'XX', 'GT', 'LT'].includes(flag)) {
        throw new CommandError(`ERR Unsupported option ${flag}`);
      }
    }
    if (flags.has('NX') && (flags.has('XX') || flags.has('GT') || flags.has('LT'))) {
      throw new CommandError('ERR NX and XX, GT or LT options at the same time are not compatible');
    }
    if (flags.has('GT') && flags.has('LT')) {
      throw new CommandError('ERR GT and LT options at the same time are not compatible');
    }
    const entry = this.lookup(key);
    if (!entry) return 0;
    const target = absolute ? amount * unitMs : Date.now() + amount * unitMs;
    if (!Number.isFinite(target)) {
      throw new CommandError(`ERR invalid expire time in '${name}' command`);
    }
    const current = entry.expiresAt;
    if (flags.has('NX') && current !== undefined) return 0;
    if (flags.has('XX') && current === undefined) return 0;
    if (flags.has('GT') && (current === undefined || target <= current)) return 0;
    if (flags.has('LT') && current !== undefined && target >= current) return 0;
    if (target <= Date.now()) this.entries.delete(key);
    else entry.expiresAt = target;
    return 1;
  }

  private ttl(key: string, inMs: boolean): number {
    const entry = this.lookup(key);
    if (!entry) return -2;
    if (entry.expiresAt === undefined) return -1;
    const left = Math.max(0, entry.expiresAt - Date.now());
    return inMs ? left : Math.floor((left + 500) / 1000);
  }

  private set(args: string[]): RedisReply {
    const [key = '', value = '', ...options] = args;
    let nx = false;
    let xx = false;
    let get = false;
    let keepTtl = false;
    let expiresAt: number | undefined;
    for (let i = 0; i < options.length; i++) {
      const option = (options[i] ?? '').toUpperCase();
      if (option === 'NX' && !xx) nx = true;
      else if (option === 'XX' && !nx) xx = true;
      else if (option === 'GET') get = true;
      else if (option === 'KEEPTTL' && expiresAt === undefined) keepTtl = true;
      else if (['EX', 'PX', 'EXAT', 'PXAT'].includes(option) && !keepTtl && !expiresAt) {
        const raw = options[++i];
        if (raw === undefined) throw new CommandError(SYNTAX);
        const amount = parseInteger(raw);
        if (amount <= 0) throw new CommandError("ERR invalid expire time in 'set' command");
        if (option === 'EX') expiresAt = Date.now() + amount * 1000;
        else if (option === 'PX') expiresAt = Date.now() + amount;
        else if (option === 'EXAT') expiresAt = amount * 1000;
        else expiresAt = amount;
      } else throw new CommandError(SYNTAX);
    }
    const old = this.lookup(key);
    if (get && old && old.type !== 'string') throw new CommandError(WRONGTYPE);
    const previous = old?.type === 'string' ? old.data : null;
    if ((nx && old) || (xx && !old)) return get ? previous : null;
    this.setString(key, value, keepTtl ? old?.expiresAt : expiresAt);
    return get ? previous : 'OK';
  }

  private scan(args: string[]): RedisReply {
    const [rawCursor = '', ...options] = args;
    const cursor = parseInteger(rawCursor, 'ERR invalid cursor');
    let count = 10;
    let match: RegExp | undefined;
    let type: string | undefined;
    for (let i = 0; i < options.length; i += 2) {
      const option = (options[i] ?? '').toUpperCase();
      const value = options[i + 1];
      if (value === undefined) throw new CommandError(SYNTAX);
      if (option === 'MATCH') match = globToRegExp(value);
      else if (option === 'COUNT') {
        count = parseInteger(value);
        if (count < 1) throw new CommandError(SYNTAX);
      } else if (option === 'TYPE') type = value.toLowerCase();
      else throw new CommandError(SYNTAX);
    }
    // The cursor is a position in insertion order; keys added mid-scan may be missed, as Redis allows.
    const keys = this.liveKeys();
    const page = keys.slice(cursor, cursor + count).filter((key) => {
      if (match && !match.test(key)) return false;
      return type === undefined || this.entries.get(key)?.type === type;
    });
    const next = cursor + count >= keys.length ? 0 : cursor + count;
    return [String(next), page];
  }

  private zadd(args: string[]): RedisReply {
    const [key = '', ...rest] = args;
    const flags = new Set<string>();
    let i = 0;
    while (
      i < rest.length &&
      ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'].includes(rest[i]?.toUpperCase() ?? '')
    ) {
      flags.add(rest[i]?.toUpperCase() ?? '');
      i++;
    }
    const pairs = rest.slice(i);
    if (pairs.length === 0 || pairs.length % 2 !== 0) throw new CommandError(SYNTAX);
    if (flags.has('NX') && flags.has('XX')) {
      throw new CommandError('ERR XX and NX options at the same time are not compatible');
    }
    if (
      (flags.has('GT') && flags.has('LT')) ||
      (flags.has('NX') && (flags.has('GT') || flags.has('LT')))
    ) {
      throw new CommandError('ERR GT, LT, and/or NX options at the same time are not compatible');
    }
    if (flags.has('INCR') && pairs.length !== 2) {
      throw new CommandError('ERR INCR option supports a single increment-element pair');
    }
    const parsed: Array<[number, string]> = [];
    for (let j = 0; j < pairs.length; j += 2) {
      parsed.push([parseScore(pairs[j] ?? ''), pairs[j + 1] ?? '']);
    }
    const zset = this.orCreate(key, 'zset', () => new Map<string, number>());
    let added = 0;
    let changed = 0;
    let incrResult: number | null = null;
    for (const [score, member] of parsed) {
      const current = zset.get(member);
      if (flags.has('NX') && current !== undefined) continue;
      if (flags.has('XX') && current === undefined) continue;
      const next = flags.has('INCR') ? (current ?? 0) + score : score;
      if (Number.isNaN(next)) throw new CommandError('ERR resulting score is not a number (NaN)');
      if (current !== undefined) {
        if (flags.has('GT') && next <= current) continue;
        if (flags.has('LT') && next >= current) continue;
      }
      incrResult = next;
      if (current === undefined) added++;
      else if (current !== next) changed++;
      zset.set(member, next);
    }
    this.dropIfEmpty(key, zset.size);
    if (flags.has('INCR')) return incrResult === null ? null : formatScore(incrResult);
    return flags.has('CH') ? added + changed : added;
  }

  private sortedMembers(zset: Map<string, number>): Array<[string, number]> {
    return [...zset.entries()].sort((a, b) =>
      a[1] !== b[1] ? a[1] - b[1] : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
    );
  }

  private zrange(args: string[]): RedisReply {
    const [key = '', rawStart = '', rawStop = '', ...options] = args;
    let byScore = false;
    let rev = false;
    let withScores = false;
    let limit: [number, number] | undefined;
    for (let i = 0; i < options.length; i++) {
      const option = (options[i] ?? '').toUpperCase();
      if (option === 'BYSCORE') byScore = true;
      else if (option === 'REV') rev = true;
      else if (option === 'WITHSCORES') withScores = true;
      else if (option === 'LIMIT') {
        const offset = options[i + 1];
        const count = options[i + 2];
        if (offset === undefined || count === undefined) throw new CommandError(SYNTAX);
        limit = [parseInteger(offset), parseInteger(count)];
        i += 2;
      } else if (option === 'BYLEX') throw new CommandError('ERR BYLEX is not supported here');
      else throw new CommandError(SYNTAX);
    }
    if (limit && !byScore) {
      throw new CommandError(
        'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
      );
    }
    const zset = this.typed(key, 'zset');
    let selected: Array<[string, number]>;
    if (byScore) {
      const min = parseBound(rev ? rawStop : rawStart);
      const max = parseBound(rev ? rawStart : rawStop);
      const sorted = zset ? this.sortedMembers(zset) : [];
      if (rev) sorted.reverse();
      selected = sorted.filter(([, score]) => aboveMin(score, min) && belowMax(score, max));
      if (limit) {
        const [offset, count] = limit;
        selected = offset < 0 ? [] : selected.slice(offset, count < 0 ? undefined : offset + count);
      }
    } else {
      const start = parseInteger(rawStart);
      const stop = parseInteger(rawStop);
      const sorted = zset ? this.sortedMembers(zset) : [];
      if (rev) sorted.reverse();
      const range = clampRange(start, stop, sorted.length);
      selected = range ? sorted.slice(range[0], range[1] + 1) : [];
    }
    return selected.flatMap(([member, score]) =>
      withScores ? [member, formatScore(score)] : [member],
    );
  }

  private buildCommands(): Record<string, CommandSpec> {
    const str = (key: string) => this.typed(key, 'string');
    const hash = (key: string) => this.typed(key, 'hash');
    const set = (key: string) => this.typed(key, 'set');
    const list = (key: string) => this.typed(key, 'list');
    const zset = (key: string) => this.typed(key, 'zset');
    const newHash = (key: string) => this.orCreate(key, 'hash', () => new Map<string, string>());
    const newSet = (key: string) => this.orCreate(key, 'set', () => new Set<string>());
    const newList = (key: string) => this.orCreate(key, 'list', () => [] as string[]);
    const arg = (args: string[], index: number) => args[index] ?? '';

    const push = (args: string[], left: boolean): number => {
      const [key = '', ...values] = args;
      const items = newList(key);
      for (const value of values) {
        if (left) items.unshift(value);
        else items.push(value);
      }
      return items.length;
    };
    const pop = (args: string[], left: boolean): RedisReply => {
      const [key = '', rawCount] = args;
      if (args.length > 2) throw new CommandError(SYNTAX);
      const count = rawCount === undefined ? undefined : parseInteger(rawCount);
      if (count !== undefined && count < 0) {
        throw new CommandError('ERR value is out of range, must be positive');
      }
      const items = list(key);
      if (!items) return null;
      const taken = left ? items.splice(0, count ?? 1) : items.splice(-(count ?? 1)).reverse();
      this.dropIfEmpty(key, items.length);
      return count === undefined ? (taken[0] ?? null) : taken;
    };
    const zcount = (key: string, rawMin: string, rawMax: string): number => {
      const min = parseBound(rawMin);
      const max = parseBound(rawMax);
      let count = 0;
      for (const score of zset(key)?.values() ?? []) {
        if (aboveMin(score, min) && belowMax(score, max)) count++;
      }
      return count;
    };

    return {
      ping: {
        arity: -1,
        run: (args) => {
          if (args.length > 1)
            throw new CommandError("ERR wrong number of arguments for 'ping' command");
          return args[0] ?? 'PONG';
        },
      },
      echo: { arity: 2, run: (args) => arg(args, 0) },
      time: {
        arity: 1,
        run: () => {
          const micros = BigInt(Date.now()) * 1000n;
          return [String(micros / 1_000_000n), String(micros % 1_000_000n)];
        },
      },
      dbsize: { arity: 1, run: () => this.liveKeys().length },
      flushdb: {
        arity: -1,
        run: () => {
          this.entries.clear();
          return 'OK';
        },
      },
      flushall: {
        arity: -1,
        run: () => {
          this.entries.clear();
          return 'OK';
        },
      },

      get: { arity: 2, run: (args) => str(arg(args, 0)) ?? null },
      set: { arity: -3, run: (args) => this.set(args) },
      setex: {
        arity: 4,
        run: ([key = '', seconds = '', value = '']) => {
          const amount = parseInteger(seconds);
          if (amount <= 0) throw new CommandError("ERR invalid expire time in 'setex' command");
          this.setString(key, value, Date.now() + amount * 1000);
          return 'OK';
        },
      },
      psetex: {
        arity: 4,
        run: ([key = '', ms = '', value = '']) => {
          const amount = parseInteger(ms);
          if (amount <= 0) throw new CommandError("ERR invalid expire time in 'psetex' command");
          this.setString(key, value, Date.now() + amount);
          return 'OK';
        },
      },
      setnx: {
        arity: 3,
        run: ([key = '', value = '']) => {
          if (this.lookup(key)) return 0;
          this.setString(key, value);
          return 1;
        },
      },
      getdel: {
        arity: 2,
        run: ([key = '']) => {
          const value = str(key);
          if (value === undefined) return null;
          this.entries.delete(key);
          return value;
        },
      },
      getset: {
        arity: 3,
        run: ([key = '', value = '']) => {
          const previous = str(key) ?? null;
          this.setString(key, value);
          return previous;
        },
      },
      append: {
        arity: 3,
        run: ([key = '', value = '']) => {
          const next = (str(key) ?? '') + value;
          this.setString(key, next, this.lookup(key)?.expiresAt);
          return Buffer.byteLength(next);
        },
      },
      strlen: { arity: 2, run: ([key = '']) => Buffer.byteLength(str(key) ?? '') },
      mget: {
        arity: -2,
        run: (args) =>
          args.map((key) => {
            const entry = this.lookup(key);
            return entry?.type === 'string' ? entry.data : null;
          }),
      },
      mset: {
        arity: -3,
        run: (args) => {
          if (args.length % 2 !== 0) {
            throw new CommandError("ERR wrong number of arguments for 'mset' command");
          }
          for (let i = 0; i < args.length; i += 2) this.setString(arg(args, i), arg(args, i + 1));
          return 'OK';
        },
      },
      incr: { arity: 2, run: ([key = '']) => this.incrBy(key, 1) },
      decr: { arity: 2, run: ([key = '']) => this.incrBy(key, -1) },
      incrby: { arity: 3, run: ([key = '', by = '']) => this.incrBy(key, parseInteger(by)) },
      decrby: { arity: 3, run: ([key = '', by = '']) => this.incrBy(key, -parseInteger(by)) },

      del: {
        arity: -2,
        run: (args) => args.filter((key) => this.lookup(key) && this.entries.delete(key)).length,
      },
      unlink: {
        arity: -2,
        run: (args) => args.filter((key) => this.lookup(key) && this.entries.delete(key)).length,
      },
      exists: { arity: -2, run: (args) => args.filter((key) => this.lookup(key)).length },
      type: { arity: 2, run: ([key = '']) => this.lookup(key)?.type ?? 'none' },
      expire: { arity: -3, run: (args) => this.expire('expire', args, 1000, false) },
      pexpire: { arity: -3, run: (args) => this.expire('pexpire', args, 1, false) },
      expireat: { arity: -3, run: (args) => this.expire('expireat', args, 1000, true) },
      pexpireat: { arity: -3, run: (args) => this.expire('pexpireat', args, 1, true) },
      ttl: { arity: 2, run: ([key = '']) => this.ttl(key, false) },
      pttl: { arity: 2, run: ([key = '']) => this.ttl(key, true) },
      persist: {
        arity: 2,
        run: ([key = '']) => {
          const entry = this.lookup(key);
          if (entry?.expiresAt === undefined) return 0;
          delete entry.expiresAt;
          return 1;
        },
      },
      keys: {
        arity: 2,
        run: ([pattern = '']) => {
          const matcher = globToRegExp(pattern);
          return this.liveKeys().filter((key) => matcher.test(key));
        },
      },
      scan: { arity: -2, run: (args) => this.scan(args) },

      hset: {
        arity: -4,
        run: ([key = '', ...pairs]) => {
          if (pairs.length % 2 !== 0) {
            throw new CommandError("ERR wrong number of arguments for 'hset' command");
          }
          const data = newHash(key);
          let added = 0;
          for (let i = 0; i < pairs.length; i += 2) {
            if (!data.has(arg(pairs, i))) added++;
            data.set(arg(pairs, i), arg(pairs, i + 1));
          }
          return added;
        },
      },
      hmset: {
        arity: -4,
        run: ([key = '', ...pairs]) => {
          if (pairs.length % 2 !== 0) {
            throw new CommandError("ERR wrong number of arguments for 'hmset' command");
          }
          const data = newHash(key);
          for (let i = 0; i < pairs.length; i += 2) data.set(arg(pairs, i), arg(pairs, i + 1));
          return 'OK';
        },
      },
      hsetnx: {
        arity: 4,
        run: ([key = '', field = '', value = '']) => {
          const data = newHash(key);
          if (data.has(field)) return 0;
          data.set(field, value);
          return 1;
        },
      },
      hget: { arity: 3, run: ([key = '', field = '']) => hash(key)?.get(field) ?? null },
      hmget: {
        arity: -3,
        run: ([key = '', ...fields]) => {
          const data = hash(key);
          return fields.map((field) => data?.get(field) ?? null);
        },
      },
      hgetall: {
        arity: 2,
        run: ([key = '']) => [...(hash(key) ?? new Map<string, string>()).entries()].flat(),
      },
      hkeys: { arity: 2, run: ([key = '']) => [...(hash(key)?.keys() ?? [])] },
      hvals: { arity: 2, run: ([key = '']) => [...(hash(key)?.values() ?? [])] },
      hlen: { arity: 2, run: ([key = '']) => hash(key)?.size ?? 0 },
      hexists: { arity: 3, run: ([key = '', field = '']) => (hash(key)?.has(field) ? 1 : 0) },
      hdel: {
        arity: -3,
        run: ([key = '', ...fields]) => {
          const data = hash(key);
          if (!data) return 0;
          const removed = fields.filter((field) => data.delete(field)).length;
          this.dropIfEmpty(key, data.size);
          return removed;
        },
      },
      hincrby: {
        arity: 4,
        run: ([key = '', field = '', by = '']) => {
          const delta = parseInteger(by);
          const data = newHash(key);
          const current = data.get(field);
          const base =
            current === undefined ? 0 : parseInteger(current, 'ERR hash value is not an integer');
          const next = base + delta;
          if (!Number.isSafeInteger(next)) {
            throw new CommandError('ERR increment or decrement would overflow');
          }
          data.set(field, String(next));
          return next;
        },
      },

      sadd: {
        arity: -3,
        run: ([key = '', ...members]) => {
          const data = newSet(key);
          let added = 0;
          for (const member of members) {
            if (!data.has(member)) {
              data.add(member);
              added++;
            }
          }
          return added;
        },
      },
      srem: {
        arity: -3,
        run: ([key = '', ...members]) => {
          const data = set(key);
          if (!data) return 0;
          const removed = members.filter((member) => data.delete(member)).length;
          this.dropIfEmpty(key, data.size);
          return removed;
        },
      },
      smembers: { arity: 2, run: ([key = '']) => [...(set(key) ?? [])] },
      sismember: { arity: 3, run: ([key = '', member = '']) => (set(key)?.has(member) ? 1 : 0) },
      smismember: {
        arity: -3,
        run: ([key = '', ...members]) => {
          const data = set(key);
          return members.map((member) => (data?.has(member) ? 1 : 0));
        },
      },
      scard: { arity: 2, run: ([key = '']) => set(key)?.size ?? 0 },

      lpush: { arity: -3, run: (args) => push(args, true) },
      rpush: { arity: -3, run: (args) => push(args, false) },
      lpop: { arity: -2, run: (args) => pop(args, true) },
      rpop: { arity: -2, run: (args) => pop(args, false) },
      llen: { arity: 2, run: ([key = '']) => list(key)?.length ?? 0 },
      lindex: {
        arity: 3,
        run: ([key = '', rawIndex = '']) => {
          const items = list(key);
          const index = parseInteger(rawIndex);
          if (!items) return null;
          return items[index < 0 ? items.length + index : index] ?? null;
        },
      },
      lrange: {
        arity: 4,
        run: ([key = '', start = '', stop = '']) => {
          const from = parseInteger(start);
          const to = parseInteger(stop);
          const items = list(key) ?? [];
          const range = clampRange(from, to, items.length);
          return range ? items.slice(range[0], range[1] + 1) : [];
        },
      },
      ltrim: {
        arity: 4,
        run: ([key = '', start = '', stop = '']) => {
          const from = parseInteger(start);
          const to = parseInteger(stop);
          const items = list(key);
          if (!items) return 'OK';
          const range = clampRange(from, to, items.length);
          const kept = range ? items.slice(range[0], range[1] + 1) : [];
          items.splice(0, items.length, ...kept);
          this.dropIfEmpty(key, items.length);
          return 'OK';
        },
      },

      zadd: { arity: -4, run: (args) => this.zadd(args) },
      zrange: { arity: -4, run: (args) => this.zrange(args) },
      zcard: { arity: 2, run: ([key = '']) => zset(key)?.size ?? 0 },
      zscore: {
        arity: 3,
        run: ([key = '', member = '']) => {
          const score = zset(key)?.get(member);
          return score === undefined ? null : formatScore(score);
        },
      },
      zincrby: {
        arity: 4,
        run: ([key = '', by = '', member = '']) => this.zadd([key, 'INCR', by, member]),
      },
      zrem: {
        arity: -3,
        run: ([key = '', ...members]) => {
          const data = zset(key);
          if (!data) return 0;
          const removed = members.filter((member) => data.delete(member)).length;
          this.dropIfEmpty(key, data.size);
          return removed;
        },
      },
      zcount: { arity: 4, run: ([key = '', min = '', max = '']) => zcount(key, min, max) },
      zremrangebyscore: {
        arity: 4,
        run: ([key = '', rawMin = '', rawMax = '']) => {
          const min = parseBound(rawMin);
          const max = parseBound(rawMax);
          const data = zset(key);
          if (!data) return 0;
          let removed = 0;
          for (const [member, score] of data) {
            if (aboveMin(score, min) && belowMax(score, max)) {
              data.delete(member);
              removed++;
            }
          }
          this.dropIfEmpty(key, data.size);
          return removed;
        },
      },
    };
  }
}

class MemoryBackend implements Backend {
  private readonly store = new MemoryStore();
  private readonly sweeper = setInterval(() => this.store.sweep(), 30_000);

  constructor() {
    // A dev server must not keep the process alive on its own.
    this.sweeper.unref();
  }

  async exec(command: string[]): Promise<RedisReply> {
    return this.store.run(command);
  }

  async pipeline(commands: string[][]): Promise<PipelineItem[]> {
    return commands.map((command) => this.runItem(command));
  }

  async multi(commands: string[][]): Promise<PipelineItem[]> {
    // Redis discards the whole transaction when a queued command is malformed.
    for (const command of commands) {
      try {
        this.store.check(command);
      } catch (error) {
        throw new CommandError(
          `EXECABORT Transaction discarded because of previous errors: ${http.errorMessage(error)}`,
        );
      }
    }
    // Every command runs in this one synchronous turn, so nothing interleaves: atomic.
    return commands.map((command) => this.runItem(command));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private runItem(command: string[]): PipelineItem {
    try {
      return { result: this.store.run(command) };
    } catch (error) {
      if (error instanceof CommandError) return { error: error.message };
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Real Redis through ioredis

/**
 * Commands that would change or block the one shared connection for every client, or that
 * Upstash does not offer over REST either.
 */
const CONNECTION_COMMANDS = new Set([
  'select',
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'quit',
  'reset',
  'hello',
  'auth',
  'sync',
  'psync',
  'shutdown',
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'wait',
  'waitaof',
  'client',
  'swapdb',
  'move',
]);

function normalizeReply(value: unknown): RedisReply {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(normalizeReply);
  if (value instanceof Error) return value.message;
  return String(value);
}

/** Redis error replies begin with an upper-case code; anything else is a transport failure. */
function isRedisError(error: unknown): boolean {
  return error instanceof Error && /^[A-Z][A-Z_]+ /.test(error.message);
}

function guard(command: string[]): [string, string[]] {
  const [name, ...args] = command;
  if (name === undefined) throw new CommandError('ERR empty command');
  if (CONNECTION_COMMANDS.has(name.toLowerCase())) {
    throw new CommandError(`ERR command is not available over REST: '${name}'`);
  }
  // The stand-in is one database: FLUSHALL would wipe the developer's other databases too.
  if (name.toLowerCase() === 'flushall') return ['FLUSHDB', args];
  // ioredis keys its reply transformers (HGETALL → object…) by lower-case name; upper case keeps
  // the raw RESP2 shape Upstash returns.
  return [name.toUpperCase(), args];
}

class RedisBackend implements Backend {
  constructor(private readonly client: Redis) {}

  async exec(command: string[]): Promise<RedisReply> {
    const [name, args] = guard(command);
    try {
      return normalizeReply(await this.client.call(name, ...args));
    } catch (error) {
      if (isRedisError(error)) throw new CommandError(http.errorMessage(error));
      throw error;
    }
  }

  async pipeline(commands: string[][]): Promise<PipelineItem[]> {
    const items: Array<PipelineItem | undefined> = [];
    const pipeline = this.client.pipeline();
    const sent: number[] = [];
    commands.forEach((command, index) => {
      try {
        const [name, args] = guard(command);
        pipeline.call(name, ...args);
        sent.push(index);
        items.push(undefined);
      } catch (error) {
        items.push({ error: http.errorMessage(error) });
      }
    });
    const results = sent.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    sent.forEach((index, position) => {
      const [error, result] = results[position] ?? [new Error('ERR no reply'), null];
      if (error && !isRedisError(error)) throw error;
      items[index] = error ? { error: error.message } : { result: normalizeReply(result) };
    });
    return items.map((item) => item ?? { error: 'ERR no reply' });
  }

  async multi(commands: string[][]): Promise<PipelineItem[]> {
    const transaction = this.client.multi();
    for (const command of commands) {
      const [name, args] = guard(command);
      transaction.call(name, ...args);
    }
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await transaction.exec();
    } catch (error) {
      if (isRedisError(error)) throw new CommandError(http.errorMessage(error));
      throw error;
    }
    if (!results) throw new CommandError('EXECABORT Transaction discarded');
    return results.map(([error, result]) =>
      error ? { error: error.message } : { result: normalizeReply(result) },
    );
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Resolves true when a Redis at `url` answers PING within the probe timeout. */
async function redisAnswers(url: string): Promise<boolean> {
  // A throwaway client with no retries, so an absent Redis fails fast instead of reconnecting.
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    protocol: 2,
  });
  probe.on('error', () => undefined);
  try {
    const pong = await withTimeout(
      probe.connect().then(() => probe.call('PING')),
      PROBE_TIMEOUT_MS,
    );
    return pong === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function chooseBackend(
  opts: RedisRestOptions,
): Promise<Backend & { kind: 'redis' | 'memory' }> {
  if (opts.redisUrl && (await redisAnswers(opts.redisUrl))) {
    const client = new Redis(opts.redisUrl, {
      lazyConnect: true,
      // RESP2 gives the reply shapes Upstash returns (flat HGETALL, scores as strings).
      protocol: 2,
      maxRetriesPerRequest: 2,
      ...(opts.db === undefined ? {} : { db: opts.db }),
    });
    client.on('error', () => undefined);
    await client.connect();
    return Object.assign(new RedisBackend(client), { kind: 'redis' as const });
  }
  return Object.assign(new MemoryBackend(), { kind: 'memory' as const });
}

// ---------------------------------------------------------------------------------------------
// HTTP

function encodeBase64(reply: RedisReply, topLevel: boolean): RedisReply {
  if (typeof reply === 'string') {
    // Upstash leaves the bare "OK" status unencoded; the official client expects exactly that.
    return topLevel && reply === 'OK' ? reply : Buffer.from(reply, 'utf8').toString('base64');
  }
  if (Array.isArray(reply)) return reply.map((item) => encodeBase64(item, false));
  return reply;
}

function encodeItem(item: PipelineItem, base64: boolean): PipelineItem {
  return 'result' in item && base64 ? { result: encodeBase64(item.result, true) } : item;
}

function toArgument(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new CommandError('ERR command arguments must be strings or numbers');
}

function parseCommand(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CommandError('ERR a command must be a non-empty JSON array');
  }
  return value.map(toArgument);
}

function parseCommands(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CommandError('ERR the body must be a non-empty JSON array of commands');
  }
  return value.map(parseCommand);
}

function parseJson(body: Buffer): unknown {
  return http.parseJsonBody(
    body,
    () => new CommandError('ERR failed to parse the request body as JSON'),
  );
}

/** The path form: `/set/k/v?EX=10`, with a POST body appended as the last argument. */
function pathCommand(url: URL, method: string, body: Buffer): string[] {
  const parts = url.pathname
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
  if ((method === 'POST' || method === 'PUT') && body.length > 0) parts.push(body.toString('utf8'));
  for (const [name, value] of url.searchParams) {
    if (name === '_token') continue;
    parts.push(name);
    if (value !== '') parts.push(value);
  }
  return parts;
}

function authorized(
  req: IncomingMessage,
  url: URL,
  tokenMatches: (supplied: string) => boolean,
): boolean {
  const supplied = http.bearerToken(req) ?? url.searchParams.get('_token');
  return supplied !== null && tokenMatches(supplied);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  backend: Backend,
  tokenMatches: (supplied: string) => boolean,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  if (!['GET', 'POST', 'PUT', 'HEAD'].includes(method)) {
    http.sendJson(res, 405, { error: 'Method Not Allowed' });
    return;
  }
  if (!authorized(req, url, tokenMatches)) {
    http.sendJson(res, 401, { error: 'Unauthorized' });
    return;
  }
  const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
  const path = url.pathname.replace(/\/+$/, '');
  try {
    const body = await http.readBody(
      req,
      MAX_BODY_BYTES,
      () => new CommandError('ERR max request size exceeded'),
    );
    if (path === '/pipeline' || path === '/multi-exec') {
      const commands = parseCommands(parseJson(body));
      const items =
        path === '/pipeline' ? await backend.pipeline(commands) : await backend.multi(commands);
      http.sendJson(
        res,
        200,
        items.map((item) => encodeItem(item, base64)),
      );
      return;
    }
    const command =
      path === '' && body.length > 0
        ? parseCommand(parseJson(body))
        : pathCommand(url, method, body);
    if (command.length === 0) throw new CommandError('ERR empty command');
    const result = await backend.exec(command);
    http.sendJson(res, 200, { result: base64 ? encodeBase64(result, true) : result });
  } catch (error) {
    if (error instanceof CommandError) http.sendJson(res, 400, { error: error.message });
    else http.sendJson(res, 500, { error: `ERR backend failure: ${http.errorMessage(error)}` });
  }
}

/**
 * Starts a local server speaking the Upstash Redis REST protocol (`POST /`, `/pipeline`,
 * `/multi-exec`, the `/cmd/arg/…` path form, `Upstash-Encoding: base64`). Commands go to the real
 * Redis at `redisUrl` when it answers PING within 500 ms, otherwise to an in-process store.
 */
export async function startRedisRest(opts: RedisRestOptions): Promise<RedisRestServer> {
  const host = opts.host ?? '127.0.0.1';
  const backend = await chooseBackend(opts);
  const tokenMatches = http.tokenCheck(opts.token);
  const listening = await http
    .serveJson({
      port: opts.port,
      host,
      handle: (req, res) => handle(req, res, backend, tokenMatches),
      errorReply: (error) => [500, { error: `ERR ${http.errorMessage(error)}` }],
    })
    .catch(async (error: unknown) => {
      await backend.close();
      throw error;
    });
  return {
    url: listening.url,
    backend: backend.kind,
    close: async () => {
      await listening.close();
      await backend.close();
    },
  };
}
