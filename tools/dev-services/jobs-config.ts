import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `wrangler dev -c wrangler.toml -c wrangler.jobs.toml` hands `--env-file` to the first
 * Worker only; the others read `.dev.vars` beside their config. So the jobs Worker is started
 * from a copy of wrangler.jobs.toml in the state directory (its paths made absolute) with a
 * generated `.dev.vars` there: the same variables as the edge Worker, then the user's file.
 * Returns the copy's path.
 */
export function writeJobsConfig(opts: {
  root: string;
  stateDir: string;
  envText: string;
  userEnvFile?: string;
}): string {
  const dir = join(opts.stateDir, 'jobs-worker');
  mkdirSync(dir, { recursive: true });
  const absolute = (path: string) => JSON.stringify(resolve(opts.root, path));
  const config = readFileSync(join(opts.root, 'wrangler.jobs.toml'), 'utf8')
    .replace(/^#:schema .*$/m, '')
    .replace(/^main = "(.+)"$/m, (_, path: string) => `main = ${absolute(path)}`)
    .replace(/^directory = "(.+)"$/m, (_, path: string) => `directory = ${absolute(path)}`);
  const configPath = join(dir, 'wrangler.toml');
  writeFileSync(configPath, config);
  const user =
    opts.userEnvFile && existsSync(opts.userEnvFile) ? readFileSync(opts.userEnvFile, 'utf8') : '';
  writeFileSync(join(dir, '.dev.vars'), `${opts.envText}${user}`, { mode: 0o600 });
  return configPath;
}
