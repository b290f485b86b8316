import { useEffect, useId, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { getUsage, type UsageReport } from '../api/usage';
import { authed } from '../auth';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { ProblemAlert } from '../ui';
import { BarChart } from '../ui/chart';

const PERIODS = [7, 30, 90] as const;
const INPUT_COLOR = 'var(--accent)';
const OUTPUT_COLOR = 'var(--chart-2, #0d9488)';

/** A quota period drawn as an SVG progress bar, with its numbers and when it resets. */
function QuotaBar({
  label,
  used,
  limit,
  resetsAt,
}: {
  label: string;
  used: number;
  limit: number;
  resetsAt: string;
}) {
  const { t, lang } = useI18n();
  const id = useId();
  const number = new Intl.NumberFormat(lang);
  const share = limit > 0 ? Math.min(1, used / limit) : 1;
  const level = share >= 1 ? 'full' : share >= 0.8 ? 'high' : 'ok';
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(resetsAt),
  );
  const text = t('usage.quota.used', { used: number.format(used), limit: number.format(limit) });
  return (
    <div class="quota">
      <div class="quota-head">
        <span id={`${id}-label`}>{label}</span>
        <span>{text}</span>
      </div>
      <svg
        class={`quota-bar quota-${level}`}
        viewBox="0 0 100 6"
        preserveAspectRatio="none"
        role="progressbar"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={text}
      >
        <rect class="quota-track" x={0} y={0} width={100} height={6} rx={3} />
        <rect class="quota-fill" x={0} y={0} width={share * 100} height={6} rx={3} />
      </svg>
      <p class="muted quota-reset">
        {share >= 1 ? t('usage.quota.full', { when }) : t('usage.quota.resets', { when })}
      </p>
    </div>
  );
}

/** The signed-in user's AI usage: quota, totals, tokens per day, cost per model, sources. */
export function UsagePage() {
  const { t, lang } = useI18n();
  const [days, setDays] = useState<number>(30);
  const [report, setReport] = useState<UsageReport | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    document.title = `${t('area.usage')} · WeBox`;
  }, [t]);

  useEffect(() => {
    let current = true;
    setProblem(null);
    authed((token) => getUsage(token, days)).then(
      (result) => {
        if (current) setReport(result);
      },
      (error: unknown) => {
        if (!(error instanceof ApiProblem)) throw error;
        if (current && error.status !== 401) setProblem(error);
      },
    );
    return () => {
      current = false;
    };
  }, [days]);

  const number = new Intl.NumberFormat(lang);
  const compact = new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 });
  const dollars = (micros: number) =>
    new Intl.NumberFormat(lang, {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: 2,
      maximumFractionDigits: micros > 0 && micros < 10_000 ? 6 : 2,
    }).format(micros / 1_000_000);
  const dayLabel = new Intl.DateTimeFormat(lang, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.usage')}</h1>
      <p class="muted">{t('usage.intro')}</p>
      <fieldset class="segmented usage-period">
        <legend class="visually-hidden">{t('usage.period')}</legend>
        {PERIODS.map((period) => (
          <button
            key={period}
            type="button"
            aria-pressed={days === period}
            onClick={() => setDays(period)}
          >
            {t('usage.days', { days: period })}
          </button>
        ))}
      </fieldset>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {report === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <section class="card" aria-labelledby="usage-quota-title">
            <h2 id="usage-quota-title">
              {t('usage.quota.title')}{' '}
              <span class={`badge badge-plan-${report.quota.plan}`}>
                {t(`plan.${report.quota.plan}`)}
              </span>
            </h2>
            <QuotaBar label={t('usage.quota.day')} {...report.quota.day} />
            <QuotaBar label={t('usage.quota.month')} {...report.quota.month} />
            <p class="muted">{t('usage.quota.offline')}</p>
          </section>

          <section class="card" aria-labelledby="usage-totals-title">
            <h2 id="usage-totals-title">{t('usage.totals', { days: report.days })}</h2>
            <dl class="facts">
              <div>
                <dt>{t('usage.input')}</dt>
                <dd>{number.format(report.totals.inputTokens)}</dd>
              </div>
              <div>
                <dt>{t('usage.output')}</dt>
                <dd>{number.format(report.totals.outputTokens)}</dd>
              </div>
              <div>
                <dt>{t('usage.calls')}</dt>
                <dd>{number.format(report.totals.calls)}</dd>
              </div>
              <div>
                <dt>{t('usage.cost')}</dt>
                <dd>{dollars(report.totals.costMicros)}</dd>
              </div>
            </dl>
          </section>

          <section class="card">
            <BarChart
              title={t('usage.chart.tokens')}
              series={[
                { label: t('usage.input'), color: INPUT_COLOR },
                { label: t('usage.output'), color: OUTPUT_COLOR },
              ]}
              data={report.daily.map((day) => ({
                label: dayLabel.format(new Date(`${day.date}T00:00:00Z`)),
                values: [day.inputTokens, day.outputTokens],
              }))}
              format={(value) => compact.format(value)}
            />
          </section>

          <section class="card">
            {report.byModel.length === 0 ? (
              <>
                <h2>{t('usage.chart.cost')}</h2>
                <p class="muted">{t('usage.empty')}</p>
              </>
            ) : (
              <BarChart
                title={t('usage.chart.cost')}
                orientation="horizontal"
                series={[{ label: t('usage.cost'), color: INPUT_COLOR }]}
                data={report.byModel.map((row) => ({
                  label: row.model,
                  values: [row.costMicros],
                }))}
                format={dollars}
              />
            )}
          </section>

          {report.bySource.length > 0 && (
            <section class="card" aria-labelledby="usage-sources-title">
              <h2 id="usage-sources-title">{t('usage.sources')}</h2>
              <div class="table-wrap">
                <table class="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('usage.source')}</th>
                      <th scope="col">{t('usage.calls')}</th>
                      <th scope="col">{t('usage.input')}</th>
                      <th scope="col">{t('usage.output')}</th>
                      <th scope="col">{t('usage.cost')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.bySource.map((row) => (
                      <tr key={row.source}>
                        <td>{t(`usage.source.${row.source}`)}</td>
                        <td>{number.format(row.calls)}</td>
                        <td>{number.format(row.inputTokens)}</td>
                        <td>{number.format(row.outputTokens)}</td>
                        <td>{dollars(row.costMicros)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}
          <p class="muted">
            {t('usage.apiHint')} <Link href="/api-tokens">{t('area.apiTokens')}</Link>
          </p>
        </>
      )}
    </div>
  );
}
