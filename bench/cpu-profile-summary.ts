/**
 * `node dist/bench/cpu-profile-summary.js <file.cpuprofile> [--events N] [--top K] [--window FN]`:
 * where a Node process's CPU went, from a V8 profile (`node --cpu-prof`, or
 * `bench:pipeline --cpu-prof-dir`). Self time is grouped by what the code is (kafkajs,
 * pg, our validation, GC, ...), per event when --events is given, then the top K functions.
 *
 * V8 builtins (JSON.parse, RegExp, Buffer.byteLength's native part) and node: internals are
 * charged to the nearest caller that is neither, tagged "via builtin": the cost of a
 * Buffer.byteLength belongs to whoever serialises, not to Node.
 *
 * --window FN keeps only the samples between the first and the last one with FN on the stack
 * (e.g. insertBatch: the drain, without start-up and the idle tail).
 */
import { readFileSync } from 'node:fs';
import { numberOption, stringOption } from './support';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds since the previous sample; the first is since startTime. */
  timeDeltas: number[];
}

/** First match wins: more specific paths before the packages that contain them. */
const GROUPS: Array<[name: string, matches: (url: string, fn: string) => boolean]> = [
  ['idle', (_, fn) => fn === '(idle)'],
  ['GC', (_, fn) => fn === '(garbage collector)'],
  ['V8/native, unattributed', (_, fn) => fn === '(program)'],
  ['kafkajs protocol decode', (url) => /kafkajs\/src\/protocol\//.test(url)],
  ['kafkajs other', (url) => url.includes('node_modules/kafkajs/')],
  ['pg client (serialise, parse)', (url) => /node_modules\/(pg|pg-protocol|pg-types)\//.test(url)],
  ['typeorm', (url) => url.includes('node_modules/typeorm/')],
  ['our validation (libs/contracts)', (url) => url.includes('/libs/contracts/')],
  ['our kafka plumbing (libs/kafka)', (url) => url.includes('/libs/kafka/')],
  ['our consumer (apps/consumer)', (url) => url.includes('/apps/consumer/')],
  ['metrics (prom-client)', (url) => url.includes('node_modules/prom-client/')],
  ['other packages', (url) => url.includes('/node_modules/')],
  ['our other code', (url) => url.includes('/dist/')],
  ['node internals', (url) => url.startsWith('node:')],
  ['V8 builtins, no caller of ours', () => true],
];

const groupOf = (node: ProfileNode): string =>
  GROUPS.find(([, matches]) => matches(node.callFrame.url, node.callFrame.functionName))![0];

/** A builtin or node: internal, as opposed to the VM's own (GC), (program), (idle) entries. */
const isRuntime = ({ callFrame: { url, functionName } }: ProfileNode) =>
  url.startsWith('node:') || (url === '' && !functionName.startsWith('('));

function parentsOf(profile: CpuProfile): Map<number, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  return parent;
}

/** Indexes [from, to] of the samples between the first and last with `fn` on their stack. */
function windowOf(
  profile: CpuProfile,
  byId: Map<number, ProfileNode>,
  parent: Map<number, number>,
  fn: string,
) {
  const onStack = new Map<number, boolean>();
  const hasFn = (id: number): boolean => {
    const known = onStack.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const result = byId.get(id)!.callFrame.functionName === fn || (up !== undefined && hasFn(up));
    onStack.set(id, result);
    return result;
  };
  const first = profile.samples.findIndex(hasFn);
  if (first < 0) throw new Error(`no sample has ${fn} on its stack`);
  let last = profile.samples.length - 1;
  while (!hasFn(profile.samples[last])) last--;
  return [first, last];
}

function main(): void {
  const file = process.argv[2];
  if (!file || file.startsWith('--'))
    throw new Error(
      'usage: cpu-profile-summary <file.cpuprofile> [--events N] [--top K] [--window FN]',
    );
  const events = numberOption('--events', 0);
  const top = numberOption('--top', 25);
  const windowFn = stringOption('--window', '');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = parentsOf(profile);
  const [from, to] = windowFn
    ? windowOf(profile, byId, parent, windowFn)
    : [0, profile.samples.length - 1];
  /** The node itself, or for a builtin or node: internal its nearest caller that is neither. */
  const chargedTo = (node: ProfileNode): ProfileNode => {
    let charged = node;
    while (isRuntime(charged) && parent.has(charged.id))
      charged = byId.get(parent.get(charged.id)!)!;
    return charged;
  };
  const nameOf = ({ callFrame: { functionName, url, lineNumber } }: ProfileNode) =>
    `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}`;

  const selfByNode = new Map<number, number>();
  let wallUs = 0;
  // A sample's time is the delta to the next one, as Chrome DevTools counts it.
  for (let i = from; i <= to; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    wallUs += us;
    selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + us);
  }
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, { group: string; us: number }>();
  for (const [id, us] of selfByNode) {
    const node = byId.get(id)!;
    const charged = chargedTo(node);
    const group = groupOf(charged);
    byGroup.set(group, (byGroup.get(group) ?? 0) + us);
    const name =
      charged === node ? nameOf(node) : `${nameOf(node)} via builtin, from ${nameOf(charged)}`;
    const entry = byFunction.get(name) ?? { group, us: 0 };
    entry.us += us;
    byFunction.set(name, entry);
  }
  const busyUs = wallUs - (byGroup.get('idle') ?? 0);
  const figures = (us: number) =>
    `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / busyUs).toFixed(1).padStart(6)}%` +
    (events > 0 ? ` ${(us / events).toFixed(2).padStart(8)} µs/event` : '');
  const line = (label: string, us: number) => `${label.padEnd(36)} ${figures(us)}`;
  process.stdout.write(
    `${file}${windowFn ? ` (window: ${windowFn})` : ''}\nwall ${(wallUs / 1e6).toFixed(2)} s, busy ${(busyUs / 1e6).toFixed(2)} s (percentages of busy)\n\n`,
  );
  for (const [group, us] of [...byGroup].sort((a, b) => b[1] - a[1]))
    if (group !== 'idle') process.stdout.write(`${line(group, us)}\n`);
  process.stdout.write(`${line('busy total', busyUs)}\n\ntop ${top} functions by self time:\n`);
  for (const [name, { group, us }] of [...byFunction]
    .filter(([, entry]) => entry.group !== 'idle')
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, top))
    process.stdout.write(`${figures(us)}  ${name}  [${group}]\n`);
}

main();
