/**
 * The real servers some tests check against (PostgreSQL on 127.0.0.1:5432, Redis on
 * 127.0.0.1:6379). On CI (`CI=true`) a missing one is a failure; on a laptop the checks that
 * need it are skipped and the end of `npm test` says so in a box nobody can miss.
 */
type Env = Record<string, string | undefined>;

export function onCi(env: Env = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

export interface MissingService {
  name: string;
  where: string;
  reason: string;
}

/** What to do about missing servers: fail on CI, else a loud warning block. */
export function missingServicesVerdict(
  missing: MissingService[],
  env: Env = process.env,
): { fail: boolean; lines: string[] } {
  if (missing.length === 0) return { fail: false, lines: [] };
  const ci = onCi(env);
  const rows = missing.map((m) => `  ${m.name} at ${m.where}: ${m.reason}`);
  const head = ci
    ? 'FAILED: CI=true and a real server the tests need does not answer:'
    : 'WARNING: some checks were SKIPPED because a real server does not answer:';
  const tail = ci
    ? 'Start it (see .ci/run) and run again.'
    : 'Start it to run them (on CI, with CI=true, this is a failure).';
  const body = [head, ...rows, tail];
  const width = Math.max(...body.map((line) => line.length)) + 2;
  const bar = '!'.repeat(width + 2);
  return {
    fail: ci,
    lines: [bar, ...body.map((line) => `! ${line.padEnd(width - 1)}!`), bar],
  };
}

/** Throws on CI when a server is missing; elsewhere warns and returns false. */
export function requireOnCi(service: MissingService, available: boolean): boolean {
  if (available) return true;
  const verdict = missingServicesVerdict([service]);
  if (verdict.fail) throw new Error(verdict.lines.join('\n'));
  console.warn(verdict.lines.join('\n'));
  return false;
}
