import { round } from './stats';

/** One figure of the report: the gateway's value, what it is compared with, and the target. */
export interface Figure {
  scenario: string;
  name: string;
  unit: string;
  value: number;
  /** What the value is compared with (e.g. the direct call, the bare server). */
  reference?: { name: string; value: number };
  /** value / reference. */
  ratio?: number;
  /** The target, in words, and whether this run met it. */
  target?: { text: string; met: boolean };
}

export function figure(
  scenario: string,
  name: string,
  unit: string,
  value: number,
  options: { reference?: { name: string; value: number }; target?: { text: string; met: boolean } } = {},
): Figure {
  const ratio = options.reference && options.reference.value !== 0 ? value / options.reference.value : undefined;
  return {
    scenario,
    name,
    unit,
    value: round(value),
    ...(options.reference ? { reference: { name: options.reference.name, value: round(options.reference.value) } } : {}),
    ...(ratio !== undefined && Number.isFinite(ratio) ? { ratio: round(ratio) } : {}),
    ...(options.target ? { target: options.target } : {}),
  };
}

function show(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const text =
    abs >= 1000
      ? Math.round(value).toLocaleString('en-US')
      : abs >= 100
        ? value.toFixed(0)
        : abs >= 10
          ? value.toFixed(1)
          : value.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

/** The figures as a Markdown table (readable in a terminal, pasted as is into the README). */
export function markdownTable(figures: Figure[]): string {
  const rows = [
    '| Scenario | Figure | Gateway | Reference | Ratio | Target |',
    '|---|---|---:|---:|---:|---|',
    ...figures.map((f) => {
      const reference = f.reference ? `${show(f.reference.value, f.unit)} (${f.reference.name})` : '';
      const ratio = f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`;
      const target = f.target ? `${f.target.met ? 'met' : 'MISSED'}: ${f.target.text}` : '';
      return `| ${f.scenario} | ${f.name} | ${show(f.value, f.unit)} | ${reference} | ${ratio} | ${target} |`;
    }),
  ];
  return rows.join('\n');
}
