/** PromQL words that are not metric names: operators, modifiers, and the number literals `Inf` and `NaN`. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'atan2', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Good enough for the expressions of alert rules and
 * dashboards: string literals, label matchers (`{...}`), ranges (`[5m]`) and grouping label lists
 * (`by (venue)`, `on (instance)`) are removed first; then every identifier that is not a keyword and not
 * followed by `(` (a function or an aggregation) is a metric name.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^{}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(\s*\()?/g)) {
    const [, word, call] = m;
    if (call !== undefined || KEYWORDS.has(word!.toLowerCase())) continue;
    names.add(word!);
  }
  return [...names];
}

/** Grafana's variables replaced by values PromQL accepts: intervals by `5m`, the others by `x`. */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$(?:__rate_interval|__interval|__range)\b|\$\{(?:__rate_interval|__interval|__range)\}/g, '5m')
    .replace(/\$\{[^}]*\}|\[\[[^\]]*\]\]|\$\w+/g, 'x');
}

/** The PromQL expression inside a Grafana variable query (`label_values(expr, label)`, `query_result(expr)`), if any. */
export function variableQueryExpr(query: string): string | undefined {
  const q = query.trim();
  const labelValues = /^label_values\(\s*(.+)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$/s.exec(q);
  if (labelValues) return labelValues[1];
  const result = /^query_result\(\s*(.+)\s*\)$/s.exec(q);
  return result?.[1];
}
