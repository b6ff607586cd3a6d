import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GatewayMetrics } from '../src/metrics.js';
import { metricNames, substituteGrafanaVariables, variableQueryExpr } from './promql-names.js';

// The operator assets in docker/: Prometheus alert rules and the Grafana dashboard.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const RULES = join(root, 'docker/prometheus/alerts.yml');
const RULE_TESTS = join(root, 'docker/prometheus/alerts.test.yml');
const PROMETHEUS_CONFIG = join(root, 'docker/prometheus/prometheus.yml');
const METRICS_DOC = join(root, 'docs/metrics.md');
const DASHBOARD = join(root, 'docker/grafana/tickgate-dashboard.json');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface DashboardPanel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: DashboardPanel[];
}
interface Dashboard {
  panels: DashboardPanel[];
  templating?: { list: Array<{ name: string; type: string; query?: string | { query?: string } }> };
}

/** `promtool` on the PATH (Debian's `prometheus` package installs it), or a clear error. */
function promtool(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error('promtool was not found on the PATH: install the Debian package `prometheus` (apt-get install -y --no-install-recommends prometheus), which provides it');
}

function runPromtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(promtool(), args, { encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const checkRules = (file: string) => runPromtool('check', 'rules', file);

function rulesOf(text: string): Rule[] {
  const doc = parse(text) as { groups: Array<{ name: string; rules: Rule[] }> };
  return doc.groups.flatMap((g) => g.rules);
}

/** Every PromQL expression of the dashboard: panel targets (rows' panels included) and variable queries. */
function dashboardExprs(dashboard: Dashboard): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  const visit = (panels: DashboardPanel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) out.push({ where: `panel "${panel.title}"`, expr: target.expr });
      visit(panel.panels ?? []);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    const expr = query === undefined ? undefined : variableQueryExpr(query);
    if (expr !== undefined) out.push({ where: `variable $${variable.name}`, expr });
  }
  return out;
}

/** The names the gateway's registry exposes, with a histogram's and a summary's series suffixes. */
async function exportedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await new GatewayMetrics().registry.getMetricsAsJSON()) {
    names.add(metric.name);
    const type = String(metric.type);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

/** Each expression naming a metric not in `exported`, with those names. */
function unknownMetrics(exprs: Array<{ where: string; expr: string }>, exported: Set<string>): string[] {
  const problems: string[] = [];
  for (const { where, expr } of exprs) {
    const names = metricNames(substituteGrafanaVariables(expr));
    if (names.length === 0) problems.push(`${where}: names no metric: ${expr}`);
    const unknown = names.filter((n) => !exported.has(n));
    if (unknown.length > 0) problems.push(`${where}: ${unknown.join(', ')} not exported by the gateway`);
  }
  return problems;
}

const temp = mkdtempSync(join(tmpdir(), 'tickgate-ops-assets-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('PromQL metric names', () => {
  it('finds the selected metrics, not functions, keywords, labels, durations or strings', () => {
    const expr =
      'histogram_quantile(0.99, sum by (venue, le) (rate(a_seconds_bucket{venue=~"b_c|d"}[5m]))) / on (instance) group_left(feed) b_total offset 10m and absent(c:d) or e > bool 1e3 unless f[1h:1m] > Inf';
    expect(metricNames(expr).sort()).toEqual(['a_seconds_bucket', 'b_total', 'c:d', 'e', 'f']);
    expect(metricNames(substituteGrafanaVariables('rate(x_total{venue=~"$venue"}[$__rate_interval])'))).toEqual(['x_total']);
    expect(variableQueryExpr('label_values(tickgate_feed_state{instance=~"$instance"}, venue)')).toBe('tickgate_feed_state{instance=~"$instance"}');
    expect(variableQueryExpr('label_values(venue)')).toBeUndefined();
  });
});

describe('docker/prometheus/alerts.yml', () => {
  const text = readFileSync(RULES, 'utf8');
  const rules = rulesOf(text);

  it('passes `promtool check rules` (its expressions parse)', () => {
    const { status, output } = checkRules(RULES);
    expect(status, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('`promtool check rules` refuses an expression that does not parse', () => {
    const broken = join(temp, 'broken.yml');
    writeFileSync(broken, text.replace('expr: tickgate_nats_connected == 0', 'expr: tickgate_nats_connected == == 0'));
    const { status, output } = checkRules(broken);
    expect(status).not.toBe(0);
    expect(output).toMatch(/parse error/i);
  });

  it('every alert has a severity, a summary and a description', () => {
    const alerts = rules.filter((r) => r.alert !== undefined);
    expect(alerts.length).toBeGreaterThan(0);
    for (const r of alerts) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels?.['severity']);
      expect(r.annotations?.['summary'], r.alert).toBeTruthy();
      expect(r.annotations?.['description'], r.alert).toBeTruthy();
    }
  });

  it('passes its unit tests (`promtool test rules alerts.test.yml`), whose series are metrics the gateway exports', async () => {
    const { status, output } = runPromtool('test', 'rules', RULE_TESTS);
    expect(status, output).toBe(0);
    const doc = parse(readFileSync(RULE_TESTS, 'utf8')) as { tests: Array<{ input_series: Array<{ series: string }> }> };
    const series = doc.tests.flatMap((t) => t.input_series.map((s) => ({ where: 'alerts.test.yml', expr: s.series })));
    expect(series.length).toBeGreaterThan(0);
    expect(unknownMetrics(series, await exportedNames())).toEqual([]);
  });

  it('has a unit test that makes each alert fire', () => {
    const doc = parse(readFileSync(RULE_TESTS, 'utf8')) as { tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }> };
    const fired = new Set(doc.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    const alerts = rules.flatMap((r) => (r.alert === undefined ? [] : [r.alert]));
    expect(alerts.filter((a) => !fired.has(a))).toEqual([]);
  });

  it('is loaded by docker/prometheus/prometheus.yml (`promtool check config`)', () => {
    const { status, output } = runPromtool('check', 'config', PROMETHEUS_CONFIG);
    expect(status, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('names only metrics the gateway exports', async () => {
    const exported = await exportedNames();
    expect(unknownMetrics(rules.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })), exported)).toEqual([]);
  });

  it('a rule naming a metric the gateway does not export is reported', async () => {
    const exported = await exportedNames();
    const renamed = rulesOf(text.replace('expr: tickgate_nats_connected == 0', 'expr: tickgate_process_resident_memory_bytes > 0'));
    expect(unknownMetrics(renamed.map((r) => ({ where: `rule ${r.alert}`, expr: r.expr })), exported)).toEqual([
      'rule TickgateNatsDisconnected: tickgate_process_resident_memory_bytes not exported by the gateway',
    ]);
  });
});

describe('docker/grafana/tickgate-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
  const exprs = dashboardExprs(dashboard);

  it('names only metrics the gateway exports', async () => {
    expect(exprs.length).toBeGreaterThan(10);
    expect(unknownMetrics(exprs, await exportedNames())).toEqual([]);
  });

  it('has expressions that parse (checked by promtool as recording rules)', () => {
    const file = join(temp, 'dashboard-rules.yml');
    const rules = exprs.map(({ expr }, i) => `      - record: tickgate_dashboard:expr_${i}\n        expr: ${JSON.stringify(substituteGrafanaVariables(expr))}\n`);
    writeFileSync(file, `groups:\n  - name: tickgate-dashboard\n    rules:\n${rules.join('')}`);
    const { status, output } = checkRules(file);
    expect(status, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});

describe('docs/metrics.md', () => {
  it('documents every tickgate metric the gateway exports, and no other', async () => {
    const doc = readFileSync(METRICS_DOC, 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `(tickgate_[a-z0-9_]+)` \|/gm)].map((m) => m[1]!));
    const own = (await new GatewayMetrics({ processMetrics: false }).registry.getMetricsAsJSON()).map((m) => m.name);
    expect([...documented].sort()).toEqual([...own].sort());
  });
});
