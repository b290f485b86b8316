import { useState } from 'preact/hooks';
import { getUsage, type UsageReport } from '../api/usage';
import { authed } from '../auth';
import { useI18n } from '../i18n';
import { Link } from '../router';
import {
  BarChart,
  DataTable,
  EmptyState,
  formatCompact,
  formatDate,
  formatDay,
  formatNumber,
  formatTokenCost,
  numberColumn,
  ProblemAlert,
  ProgressBar,
  usePageTitle,
  useResource,
} from '../ui';
import { Facts } from '../ui/facts';

const PERIODS = [7, 30, 90] as const;
const INPUT_COLOR = 'var(--accent)';
const OUTPUT_COLOR = 'var(--chart-2, #0d9488)';

/** One line of the sources table. */
type SourceRow = UsageReport['bySource'][number];

/** A quota period as the kit's progress bar (on the quota's own scale), and when it resets. */
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
  const share = limit > 0 ? Math.min(1, used / limit) : 1;
  const when = formatDate(resetsAt, lang);
  const text = t('usage.quota.used', {
    used: formatNumber(used, lang),
    limit: formatNumber(limit, lang),
  });
  return (
    <div class="quota">
      <p class="quota-head">{label}</p>
      <ProgressBar
        label={label}
        value={Math.min(used, limit)}
        max={limit}
        text={text}
        tone={share >= 1 ? 'full' : share >= 0.8 ? 'high' : 'normal'}
      />
      <p class="muted quota-reset">
        {share >= 1 ? t('usage.quota.full', { when }) : t('usage.quota.resets', { when })}
      </p>
    </div>
  );
}

/** The signed-in user's AI usage: quota, totals, tokens per day, cost per model, sources. */
export function UsagePage() {
  const { t, lang } = useI18n();
  usePageTitle(t('area.usage'));
  const [days, setDays] = useState<number>(30);
  const usage = useResource(() => authed((token) => getUsage(token, days)), [days]);
  const report = usage.data;
  const number = (value: number) => formatNumber(value, lang);
  const dollars = (micros: number) => formatTokenCost(micros, lang);
  const tokens = [
    { label: t('usage.input'), color: INPUT_COLOR },
    { label: t('usage.output'), color: OUTPUT_COLOR },
  ];

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
      {usage.problem && <ProblemAlert problem={usage.problem} other={[]} />}
      {report === null ? (
        !usage.problem && <p role="status">{t('app.loading')}</p>
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
            <Facts
              items={[
                { label: t('usage.input'), value: number(report.totals.inputTokens) },
                { label: t('usage.output'), value: number(report.totals.outputTokens) },
                { label: t('usage.calls'), value: number(report.totals.calls) },
                { label: t('usage.cost'), value: dollars(report.totals.costMicros) },
              ]}
            />
          </section>

          <section class="card">
            <BarChart
              title={t('usage.chart.tokens')}
              series={tokens}
              data={report.daily.map((day) => ({
                label: formatDay(day.date, lang),
                values: [day.inputTokens, day.outputTokens],
              }))}
              format={(value) => formatCompact(value, lang)}
            />
          </section>

          <section class="card">
            {report.byModel.length === 0 ? (
              <>
                <h2>{t('usage.chart.cost')}</h2>
                <EmptyState>{t('usage.empty')}</EmptyState>
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
              <BarChart
                title={t('usage.chart.sources')}
                orientation="horizontal"
                series={tokens}
                data={report.bySource.map((row) => ({
                  label: t(`usage.source.${row.source}`),
                  values: [row.inputTokens, row.outputTokens],
                }))}
                format={(value) => formatCompact(value, lang)}
              />
              <DataTable
                caption={t('usage.sources')}
                hideCaption
                rows={report.bySource}
                rowKey={(row) => row.source}
                columns={[
                  {
                    key: 'source',
                    header: t('usage.source'),
                    cell: (row) => t(`usage.source.${row.source}`),
                  },
                  numberColumn<SourceRow>('calls', t('usage.calls'), number),
                  numberColumn<SourceRow>('inputTokens', t('usage.input'), number),
                  numberColumn<SourceRow>('outputTokens', t('usage.output'), number),
                  numberColumn<SourceRow>('costMicros', t('usage.cost'), dollars),
                ]}
              />
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
