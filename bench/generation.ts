/**
 * `npm run bench:generation`: a 10-chapter eBook with the offline provider, end to end through
 * the real path (POST /api/jobs → QStash stand-in → /api/jobs/:id/step × 14 → R2), on loopback.
 *
 * Prints, per step, its wall time (step row started_at → finished_at) and the CPU the Worker
 * process (workerd) spent while that step was the one running (read from /proc), then ratios
 * measured in the same run:
 *  - end-to-end time / sum of step times (what the queue hops between steps cost);
 *  - Worker CPU per step / Worker CPU of one polling request (GET /api/jobs/:id), the
 *    cheapest authenticated call, measured over BENCH_POLLS requests.
 *
 * BENCH_CHAPTERS (10), BENCH_POLLS (200), BENCH_POSTGRES_URL (PGlite when unset). Linux only
 * (reads /proc). It never fails on a figure; it exits non-zero only when it cannot measure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { json, onExit, progress, runBench, startBenchStack } from './harness';

const CHAPTERS = Number(process.env.BENCH_CHAPTERS ?? 10);
const POLLS = Number(process.env.BENCH_POLLS ?? 200);

/** CPU seconds (user + system) used so far by every workerd process. */
function workerdCpuSeconds(): number {
  let pids: string[] = [];
  try {
    pids = execFileSync('pgrep', ['-f', 'workerd'], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return 0;
  }
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // The process ended between pgrep and the read.
    }
  }
  return total;
}

interface JobBody {
  id: string;
  status: string;
  stepsDone: number;
  stepsTotal: number;
  error: string | null;
  data: { pages?: number } | null;
}

async function main(): Promise<void> {
  const { stack, dbKind } = await startBenchStack({ tag: 'gen', redisDb: 14 });
  const base = stack.baseUrl;
  const db = postgres(stack.databaseUrl, { max: 2, fetch_types: false, onnotice: () => {} });
  onExit(() => db.end());

  const session = await json<{ accessToken: string }>(
    await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        email: `bench.${Date.now()}@example.com`,
        password: 'bench-password-long-enough',
        name: 'Bench',
      }),
    }),
    'register',
  );
  const auth = { Authorization: `Bearer ${session.accessToken}` };

  // Warm-up: one small job so lazy imports and first connections are not counted.
  const warm = await json<{ job: JobBody }>(
    await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'ebook',
        model: 'offline/offline-brief',
        title: 'Warm-up',
        subject: 'warm',
        chapters: 1,
      }),
    }),
    'warm-up job',
  );
  for (;;) {
    const job = await json<JobBody>(
      await fetch(`${base}/api/jobs/${warm.job.id}`, { headers: auth }),
      'poll',
    );
    if (job.status !== 'queued' && job.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }

  progress(`baseline: ${POLLS} polling requests`);
  const pollCpu0 = workerdCpuSeconds();
  const pollT0 = performance.now();
  for (let i = 0; i < POLLS; i++) {
    await (await fetch(`${base}/api/jobs/${warm.job.id}`, { headers: auth })).arrayBuffer();
  }
  const pollMs = (performance.now() - pollT0) / POLLS;
  const pollCpuMs = ((workerdCpuSeconds() - pollCpu0) * 1000) / POLLS;

  progress(`a ${CHAPTERS}-chapter offline eBook`);
  const t0 = performance.now();
  const created = await json<{ job: JobBody }>(
    await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'ebook',
        model: 'offline/offline-detailed',
        title: 'Le grand livre des benchmarks',
        subject: 'Mesurer une plateforme edge, chapitre après chapitre',
        chapters: CHAPTERS,
        language: 'fr',
      }),
    }),
    'create eBook job',
  );
  const cpuByStep = new Map<number, number>();
  let lastDone = 0;
  let lastCpu = workerdCpuSeconds();
  let job: JobBody = created.job;
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((r) => setTimeout(r, 10));
    // Read progress from the database, not the API, so the Worker's CPU is the steps' alone.
    const [row] = await db<{ status: string; steps_done: number }[]>`
      select status, steps_done from generation_jobs where id = ${job.id}`;
    job = {
      ...job,
      status: row?.status ?? job.status,
      stepsDone: row?.steps_done ?? job.stepsDone,
    };
    if (job.stepsDone !== lastDone) {
      const cpu = workerdCpuSeconds();
      // Steps finished since the last sample share the CPU spent in between.
      const finished = job.stepsDone - lastDone;
      for (let s = lastDone; s < job.stepsDone; s++) cpuByStep.set(s, (cpu - lastCpu) / finished);
      lastDone = job.stepsDone;
      lastCpu = cpu;
    }
  }
  const totalMs = performance.now() - t0;
  job = await json<JobBody>(await fetch(`${base}/api/jobs/${job.id}`, { headers: auth }), 'job');
  if (job.status !== 'succeeded') throw new Error(`eBook job ${job.status}: ${job.error}`);
  const steps = await db<{ step: number; name: string; ms: number }[]>`
    select step, name, extract(epoch from (finished_at - started_at)) * 1000 as ms
    from generation_steps where job_id = ${job.id} order by step`;
  let sumMs = 0;
  console.log(
    `\nA ${CHAPTERS}-chapter offline eBook (${job.data?.pages ?? '?'} pages), ${dbKind}:`,
  );
  console.log('step  name        wall ms   Worker CPU ms (workerd, /proc, 10 ms ticks)');
  for (const row of steps) {
    const ms = Number(row.ms);
    sumMs += ms;
    const cpu = (cpuByStep.get(row.step) ?? 0) * 1000;
    console.log(
      `${String(row.step).padStart(4)}  ${row.name.padEnd(10)} ${ms.toFixed(0).padStart(8)}   ${cpu.toFixed(0).padStart(8)}`,
    );
  }
  const chapterCpu = steps
    .filter((row) => row.name === 'chapter')
    .map((row) => (cpuByStep.get(row.step) ?? 0) * 1000);
  const meanChapterCpu = chapterCpu.reduce((a, b) => a + b, 0) / Math.max(1, chapterCpu.length);
  const typesetCpu =
    (cpuByStep.get(steps.find((r) => r.name === 'typeset')?.step ?? -1) ?? 0) * 1000;
  console.log(
    `\nend to end: ${totalMs.toFixed(0)} ms for ${steps.length} steps; sum of step times ${sumMs.toFixed(0)} ms`,
  );
  console.log(
    `polling request: ${pollMs.toFixed(1)} ms wall, ${pollCpuMs.toFixed(2)} ms Worker CPU (mean of ${POLLS})`,
  );
  console.log(
    `ratio end-to-end / sum of steps: ${(totalMs / Math.max(1, sumMs)).toFixed(2)}× (queue hops and polling)`,
  );
  console.log(
    `ratio chapter step CPU / polling request CPU: ${(meanChapterCpu / Math.max(0.01, pollCpuMs)).toFixed(1)}×`,
  );
  console.log(
    `ratio typeset step CPU / polling request CPU: ${(typesetCpu / Math.max(0.01, pollCpuMs)).toFixed(1)}×`,
  );
  console.log(
    `verdict: ${totalMs / Math.max(1, sumMs) < 3 ? 'queue overhead is below the work itself ×2' : 'queue hops dominate: look at QStash delays'}; ` +
      `the heaviest step used ${Math.max(...[...cpuByStep.values()].map((v) => v * 1000)).toFixed(0)} ms of Worker CPU (the paid plan allows 30 000 ms per request by default)`,
  );
}

await runBench(main);
