// @ts-check
/**
 * Turns bench/results.json into the printed table, docs/benchmarks.md and bench/chart.svg.
 * Everything shown comes from the results; the hand-written analysis lives in bench/notes.md and
 * is included as it is.
 */
import { existsSync, readFileSync } from 'node:fs';

const fmtMs = (ms) => (!Number.isFinite(ms) ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
const fmtRange = (s) => (s && s.runs > 0 ? `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})` : 'n/a');
const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const fmtMB = (mb) => (Number.isFinite(mb) ? `${mb.toFixed(0)} MB` : 'n/a');
const fmtValue = (value, unit) => (unit === 'ms' ? fmtMs(value) : unit === 'MB' ? fmtMB(value) : unit === '×' ? `${value.toFixed(1)}×` : `${fmtInt(value)} ${unit}`);
const mark = (ok) => (ok ? 'yes' : '**no**');

/** A figure of one size, or `failed` / `n/a` when its section failed or did not run. */
function cell(size, get) {
  try {
    const value = get(size);
    return value === undefined ? 'n/a' : value;
  } catch {
    return 'failed';
  }
}

/** A number of one size, NaN when its section failed. */
function figure(size, get) {
  try {
    const value = get(size);
    return typeof value === 'number' ? value : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const wrong = (ok) => (ok === false ? ' WRONG STATE' : '');

/** Rows of the size table: [label, value per size]. */
function sizeRows(results) {
  const s = results.sizes;
  const defs = [
    ['roles / users / grants', (x) => `${fmtInt(x.counts.roles)} / ${fmtInt(x.counts.users)} / ${fmtInt(x.counts.grants)}`],
    ['validate', (x) => fmtRange(x.validate.ms)],
    ['  CPU time', (x) => fmtMs(x.validate.cpuMs.median)],
    ['peak memory (validate)', (x) => fmtMB(x.validate.peakRssMB.max)],
    ['peak memory (validate + plan)', (x) => fmtMB(x.plan.peakRssMB.max)],
    ['plan compute, additive (steps)', (x) => `${fmtRange(x.plan.additive.totalMs)} (${fmtInt(x.plan.additive.steps)})`],
    ['  diff / order / simulate', (x) => `${fmtMs(x.plan.additive.diffMs.median)} / ${fmtMs(x.plan.additive.orderMs.median)} / ${fmtMs(x.plan.additive.simulateMs.median)}`],
    ['plan compute, 1% drift (steps)', (x) => `${fmtRange(x.plan.drift.totalMs)} (${fmtInt(x.plan.drift.steps)})`],
    ['  diff / order / simulate', (x) => `${fmtMs(x.plan.drift.diffMs.median)} / ${fmtMs(x.plan.drift.orderMs.median)} / ${fmtMs(x.plan.drift.simulateMs.median)}`],
  ];
  const profiles = [...new Set(s.flatMap((x) => Object.keys(x.read ?? {})))];
  for (const p of profiles) {
    defs.push([`live read ${p}: time`, (x) => fmtRange(x.read[p].ms)]);
    defs.push([`  RPCs (method)`, (x) => `${fmtInt(x.read[p].rpcCount)} (${x.read[p].method}${wrong(x.read[p].correct)})`]);
    defs.push([`  CPU: tool / emulator`, (x) => `${fmtMs(x.read[p].clientCpuMs.median)} / ${fmtMs(x.read[p].serverCpuMs.median)}`]);
  }
  defs.push(
    ['apply, additive plan: steps', (x) => fmtInt(x.apply.steps)],
    ['  time', (x) => `${fmtRange(x.apply.ms)}${wrong(x.apply.correct)}`],
    ['  steps per second', (x) => fmtInt(x.apply.stepsPerSecond)],
    ['naive vs tool, same first steps', (x) => `${fmtMs(x.naive.naiveMs)} vs ${fmtMs(x.naive.toolMs.median)} (${fmtInt(x.naive.steps)} steps)`],
    ['  speed-up (measured)', (x) => `${x.naive.ratio.toFixed(1)}×`],
    ['  whole plan: naive (projected) vs apply', (x) => `${fmtMs(x.naive.projectedNaiveFullMs)} vs ${fmtMs(x.apply.ms.median)} (${x.naive.projectedFullRatio.toFixed(1)}×)`],
    ['naive vs tool, first 10,000 steps, both in full', (x) => (x.naiveTenK && !x.naiveTenK.error ? `${fmtMs(x.naiveTenK.naiveMs)} vs ${fmtMs(x.naiveTenK.toolMs.median)} (${x.naiveTenK.ratio.toFixed(1)}×)` : '—')],
    ['apply, 1% drift: total (steps)', (x) => `${fmtRange(x.drift.ms)} (${fmtInt(x.drift.steps)})${wrong(x.drift.correct)}`],
    ['  read / plan / execute', (x) => `${fmtMs(x.drift.readMs.median)} / ${fmtMs(x.drift.planMs.median)} / ${fmtMs(x.drift.executeMs.median)}`],
  );
  return defs.map(([label, get]) => [label, s.map((x) => cell(x, get))]);
}

/** Growth from the first scaled size to the last: the exponent k in time ∝ size^k (1 = linear). */
export function scaling(results) {
  const scaled = results.sizes.filter((s) => s.scale >= 1);
  if (scaled.length < 2) return [];
  const a = scaled[0];
  const b = scaled[scaled.length - 1];
  const factor = b.scale / a.scale;
  const exponent = (va, vb) => (va > 0 && vb > 0 ? Math.log(vb / va) / Math.log(factor) : Number.NaN);
  const profiles = Object.keys(a.read ?? {});
  const series = [
    ['validate', (x) => x.validate.ms.median],
    ['peak memory (validate + plan)', (x) => x.plan.peakRssMB.max],
    ['plan compute, additive', (x) => x.plan.additive.totalMs.median],
    ['plan compute, 1% drift', (x) => x.plan.drift.totalMs.median],
    ['validate (CPU time)', (x) => x.validate.cpuMs.median],
    ...profiles.map((p) => [`live read ${p}`, (x) => x.read[p].ms.median]),
    ...profiles.map((p) => [`live read ${p}: tool CPU`, (x) => x.read[p].clientCpuMs.median]),
    ...profiles.map((p) => [`live read ${p}: emulator CPU`, (x) => x.read[p].serverCpuMs.median]),
    ['apply, additive', (x) => x.apply.ms.median],
    ['apply, 1% drift', (x) => x.drift.ms.median],
  ];
  return series.map(([name, get]) => {
    const va = figure(a, get);
    const vb = figure(b, get);
    const k = exponent(va, vb);
    return { name, from: a.name, to: b.name, factor, ratio: vb / va, exponent: k, verdict: !Number.isFinite(k) ? 'n/a' : k <= 1.15 ? 'linear or better' : 'worse than linear' };
  });
}

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** The plain-text table printed at the end of `npm run bench`. */
export function renderTable(results) {
  const names = results.sizes.map((s) => s.name);
  const rows = sizeRows(results);
  const width = Math.max(...rows.map(([l]) => l.length), 12);
  const colWidth = Math.max(...rows.flatMap(([, v]) => v.map((c) => c.length)), 8);
  const line = (label, cells) => `${label.padEnd(width)}  ${cells.map((c) => c.padEnd(colWidth)).join('  ')}`;
  const out = [line('', names), ...rows.map(([l, v]) => line(l, v))];
  const c = results.coldStart;
  if (results.usage && !results.usage.error) out.push('', `usage: ${(results.usage.bytes / 1073741824).toFixed(2)} GiB in ${(results.usage.ms / 1000).toFixed(1)} s (${results.usage.megabytesPerSecond.toFixed(0)} MB/s), peak ${results.usage.peakRssMB} MB`);
  if (results.fleet && !results.fleet.error) out.push('', `fleet of ${results.fleet.targets}: one run ${fmtRange(results.fleet.fleetMs)}, ${results.fleet.targets} runs ${fmtRange(results.fleet.oneByOneMs)} (${results.fleet.ratio.toFixed(1)}×)`);
  out.push('', `cold start: rbac --help ${fmtRange(c.help)}, rbac validate (small) ${fmtRange(c.validateSmall)}, SDK import alone ${fmtRange(c.sdkImport)}, node -e 0 ${fmtRange(c.nodeBaseline)}`, '');
  out.push(...failures(results));
  out.push('targets:');
  for (const t of results.targets) out.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${fmtValue(t.value, t.unit)} (target ${t.target})`);
  return out.join('\n');
}

/** Sections that failed, with the error, so a missing figure is explained. */
function failures(results) {
  const out = [];
  for (const size of results.sizes) {
    const sections = { validate: size.validate, apply: size.apply, naive: size.naive, drift: size.drift, ...Object.fromEntries(Object.entries(size.read ?? {}).map(([p, r]) => [`live read ${p}`, r])) };
    for (const [name, section] of Object.entries(sections)) if (section?.error) out.push(`- ${size.name}, ${name}: failed: ${section.error}`);
  }
  return out.length > 0 ? ['Failed in this run:', '', ...out, ''] : [];
}

/** `rbac usage` on the generated access log, in a sentence. */
function usageLines(usage) {
  if (!usage) return [];
  if (usage.error) return [`rbac usage: failed: ${usage.error}`, ''];
  return [
    `Access log (bench/usage.mjs): \`rbac usage\` read ${(usage.bytes / 1073741824).toFixed(2)} GiB (${usage.lines.toLocaleString('en-US')} calls of ${usage.users} users, Milvus 2.5 formats) against a policy in ${(usage.ms / 1000).toFixed(1)} s: ${usage.megabytesPerSecond.toFixed(0)} MB/s, peak resident memory ${usage.peakRssMB} MB.`,
    '',
  ];
}

/** The fleet run against one run per target, in a sentence. */
function fleetLines(fleet) {
  if (!fleet) return [];
  if (fleet.error) return [`Fleet run: failed: ${fleet.error}`, ''];
  return [
    `Fleet (${fleet.fleetMs.runs} runs each, ${fleet.latencyMs} ms on every call): \`rbac plan --all-targets\` over ${fleet.targets} servers (${fleet.stepsPerTarget} steps each, four targets at a time, one process) took ${fmtRange(fleet.fleetMs)}; the same ${fleet.targets} plans as ${fleet.targets} \`rbac plan --address …\` runs one after another took ${fmtRange(fleet.oneByOneMs)}: ${fleet.ratio.toFixed(1)}× (bench/fleet.mjs).`,
    '',
  ];
}

/** docs/benchmarks.md. */
export function renderMarkdown(results) {
  const m = results.machine;
  const st = results.settings;
  const c = results.coldStart;
  const names = results.sizes.map((s) => s.name);
  const notesFile = new URL('./notes.md', import.meta.url);
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8').trim() : '';
  const parts = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.mjs, bench/render.mjs) from bench/results.json: edit bench/notes.md or the renderer, not this file. -->',
    '',
    'How fast `rbac` validates, reads, plans and applies as a policy grows, measured in one run on one',
    'machine, against the emulator speaking Milvus\'s gRPC API, with latency injected on every call.',
    '',
    `Machine: ${m.cpuModel}, ${m.cpus} CPUs, ${m.memoryGB} GB RAM, Node ${m.node}, ${m.platform}. Run: ${m.date}${st.quick ? ' (quick run: one repetition each)' : ''}, ${results.totalSeconds.toFixed(0)} s in all; load average ${m.loadAverageAtStart} at the start, ${m.loadAverageAtEnd} at the end${m.loadAverageAtStart > m.cpus ? ' (other work shared the machine: wall times are inflated, CPU times less so)' : ''}.`,
    '',
    'Figures are median (min–max) over the repetitions. Reproduce with `npm run bench` (about',
    'ten minutes; `node bench/run.mjs --sizes small,1x --quick` for a short run).',
    '',
    '## Sizes',
    '',
    'A seeded generator (bench/gen.mjs) writes multi-tenant policies: per size S, 16·S tenants, each',
    'with 20 collections in one of 8 databases and three roles (reader, writer, owner), 16·S shared',
    'reader roles reading three tenants each, 640·S users bound mostly to their tenant\'s roles (one in',
    'ten also to a shared reader). The 2.5/2.6 policies use built-in privilege groups (CollectionAdmin,',
    'DatabaseAdmin, DatabaseReadOnly, ClusterReadOnly) and four custom groups, granted by level; the',
    '2.3/2.4 policies hold the same shape in single privileges granted by object. `small` is what',
    'Milvus\'s default limits allow (8 custom roles, 99 users); the larger sizes run with the',
    'emulator\'s limits raised (maxUsers, maxRoles) and declared in the policy\'s `target.limits`.',
    '',
    '## Results',
    '',
    table(['', ...names], sizeRows(results).map(([label, cells]) => [label.trim() === label ? label : `↳ ${label.trim()}`, ...cells])),
    '',
    ...failures(results),
    '',
    `Cold start (${c.help.runs} runs each): \`rbac --help\` ${fmtRange(c.help)}, \`rbac validate\` on the small policy ${fmtRange(c.validateSmall)}.`,
    `For comparison: \`node -e 0\` ${fmtRange(c.nodeBaseline)}; importing the Milvus SDK alone ${fmtRange(c.sdkImport)}.`,
    '',
    ...usageLines(results.usage),
    ...fleetLines(results.fleet),
    '![time against size](../bench/chart.svg)',
    '',
    '## Targets',
    '',
    table(['target', 'goal', 'measured', 'met'], results.targets.map((t) => [t.name, t.target, fmtValue(t.value, t.unit), mark(t.pass)])),
    '',
    '## Scaling',
    '',
    'Growth from the smallest to the largest scaled size, as the exponent k in time ∝ size^k',
    '(1 is linear).',
    '',
    table(['figure', 'from → to', 'grew', 'k', ''], scaling(results).map((s) => [s.name, `${s.from} → ${s.to} (${s.factor}×)`, `${s.ratio.toFixed(1)}×`, Number.isFinite(s.exponent) ? s.exponent.toFixed(2) : 'n/a', s.verdict])),
    '',
    '## How it is measured',
    '',
    `- Validate and plan compute run in a fresh Node process per repetition (bench/pipeline-child.mjs): the time of \`loadPolicy\` on the generated file, then \`diffStates\`, \`orderSteps\` and \`simulatePlan\` against an empty ${st.applyProfile} server (the additive plan) and against the server after a ${(st.driftFraction * 100).toFixed(0)}% drift. Peak memory is the process's maximum resident set size.`,
    `- The emulator runs in its own process (bench/emulator-process.mjs), seeded directly with the live state, so the tool's CPU time is its own; "emulator CPU" is the server's share. Authorization in the emulator is ${st.emulatorAuthorization ? 'on' : 'off (BENCH_EMULATOR_AUTH=1 turns it on; see the notes)'}.`,
    `- Live read: \`readLiveState\` through the Milvus SDK with ${st.readLatencyMs} ms added to every call; the state read is checked against the one seeded.`,
    `- Apply: \`executePlan\` with \`executeOperation\`, ${st.parallelism} steps in flight (the tool's default), ${st.applyLatencyMs} ms on every call, profile ${st.applyProfile}. The plan is computed before the clock starts; the server's state is read back afterwards and checked against the policy.`,
    `- Naive baseline (bench/naive.mjs): the same SDK calls one after another, each awaited, as hand-written setup scripts do. It runs the first ${fmtInt(st.naiveSliceSteps)} steps of the additive plan at every size (the whole plan at 16× would take many minutes), and the tool runs the same steps against a fresh server: that ratio is the measured speed-up. The whole-plan figure projects the naive per-step time onto all steps. At the first size whose additive plan has 10,000 steps, both run the first 10,000 steps in full (the naive run takes about half a minute): the issue's headline figure, measured rather than projected.`,
    `- 1% drift (bench/drift.mjs): half of the changed grants missing, half extra, some users missing, some bindings changed, a few unknown users in scope; timed as \`rbac apply\` runs it: read, plan, execute.`,
    '',
  ];
  if (notes) parts.push(notes, '');
  return `${parts.join('\n')}`;
}

/** A small SVG chart: median time of the main figures against size, log–log. */
export function renderChart(results) {
  const scaled = results.sizes.filter((s) => s.scale >= 1);
  const series = [
    { name: 'validate', color: '#1f77b4', get: (x) => x.validate.ms.median },
    { name: 'plan compute (additive)', color: '#ff7f0e', get: (x) => x.plan.additive.totalMs.median },
    { name: 'live read 2.5 (backup)', color: '#2ca02c', get: (x) => x.read['2.5'].ms.median },
    { name: 'live read 2.5 (per role)', color: '#17becf', get: (x) => x.read['2.5 no backup'].ms.median },
    { name: 'live read 2.3 (role × db)', color: '#9467bd', get: (x) => x.read['2.3'].ms.median },
    { name: 'apply (additive)', color: '#d62728', get: (x) => x.apply.ms.median },
    { name: 'apply (1% drift)', color: '#8c564b', get: (x) => x.drift.ms.median },
  ];
  const W = 640;
  const H = 360;
  const left = 60;
  const right = 190;
  const top = 20;
  const bottom = 40;
  const values = scaled.flatMap((s) => series.map((x) => figure(s, x.get))).filter((v) => Number.isFinite(v) && v > 0);
  if (scaled.length === 0 || values.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="40"><text x="10" y="25">no scaled sizes measured</text></svg>\n`;
  const minV = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const maxV = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const minS = Math.min(...scaled.map((s) => s.scale));
  const maxS = Math.max(...scaled.map((s) => s.scale));
  const x = (scale) => left + (maxS === minS ? 0 : ((Math.log2(scale) - Math.log2(minS)) / (Math.log2(maxS) - Math.log2(minS))) * (W - left - right));
  const y = (v) => Math.round((top + (1 - (Math.log10(v) - Math.log10(minV)) / (Math.log10(maxV) - Math.log10(minV))) * (H - top - bottom)) * 10) / 10;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  for (let p = Math.log10(minV); p <= Math.log10(maxV); p++) {
    const v = 10 ** p;
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${fmtMs(v)}</text>`);
  }
  for (const s of scaled) {
    out.push(`<line x1="${x(s.scale)}" x2="${x(s.scale)}" y1="${top}" y2="${H - bottom}" stroke="#eee"/>`);
    out.push(`<text x="${x(s.scale)}" y="${H - bottom + 16}" text-anchor="middle">${s.name}</text>`);
  }
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 6}" text-anchor="middle">policy size (1× = 64 roles, 640 users, 6.4k grants)</text>`);
  series.forEach((serie, i) => {
    const points = scaled.map((s) => [s.scale, figure(s, serie.get)]).filter(([, v]) => Number.isFinite(v) && v > 0);
    if (points.length === 0) return;
    out.push(`<polyline fill="none" stroke="${serie.color}" stroke-width="2" points="${points.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
    for (const [s, v] of points) out.push(`<circle cx="${x(s).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${serie.color}"/>`);
    out.push(`<rect x="${W - right + 12}" y="${top + i * 18}" width="12" height="3" fill="${serie.color}"/>`);
    out.push(`<text x="${W - right + 30}" y="${top + i * 18 + 5}">${serie.name}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
