/**
 * What `kubectl kustomize <dir>` builds, for the subset of kustomize that deploy/kubernetes/
 * uses, so the manifests can be checked in a unit test on machines without kubectl. A field
 * outside that subset fails the build instead of being ignored: a check that silently skipped
 * a patch would vouch for manifests nobody checked.
 *
 * Generated ConfigMaps and Secrets keep their plain names (kustomize adds a content hash and
 * rewrites every reference to it, which changes nothing a check looks at).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Generator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  literals?: string[];
  envs?: string[];
  files?: string[];
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  labels?: {
    pairs: Record<string, string>;
    includeSelectors?: boolean;
    includeTemplates?: boolean;
  }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
}

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'labels',
  'images',
  'replicas',
  'configMapGenerator',
  'secretGenerator',
]);
const GENERATOR_FIELDS = new Set(['name', 'behavior', 'literals', 'envs', 'files']);
const LABEL_FIELDS = new Set(['pairs', 'includeSelectors', 'includeTemplates']);
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);
/** What kustomize's `replicas` field sets the count of; a Service of the same name is left alone. */
const SCALABLE_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'ReplicationController',
]);

/** The objects `kubectl kustomize dir` would print, in no particular order. */
export function buildKustomization(dir: string): KubeObject[] {
  const kustomization = readKustomization(dir);
  const objects: KubeObject[] = [];
  for (const entry of kustomization.resources ?? []) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) objects.push(...buildKustomization(path));
    else objects.push(...readObjects(path));
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    generate(objects, 'ConfigMap', generator, dir);
  }
  // Secrets keep their values in `data` unencoded: the checks read keys and compare values.
  for (const generator of kustomization.secretGenerator ?? []) {
    generate(objects, 'Secret', generator, dir);
  }
  for (const { pairs, includeSelectors, includeTemplates } of kustomization.labels ?? []) {
    for (const object of objects) addLabels(object, pairs, includeSelectors, includeTemplates);
  }
  for (const image of kustomization.images ?? []) {
    for (const container of objects.flatMap(containersOf)) {
      const [name, tag] = splitImage(container.image);
      if (name !== image.name) continue;
      container.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
    }
  }
  for (const { name, count } of kustomization.replicas ?? []) {
    const targets = objects.filter((o) => o.metadata.name === name && SCALABLE_KINDS.has(o.kind));
    if (targets.length === 0) throw new Error(`${dir}: replicas for ${name}, which is not here`);
    for (const target of targets) (target.spec as { replicas?: number }).replicas = count;
  }
  if (kustomization.namespace !== undefined) {
    for (const object of objects) {
      if (object.kind !== 'Namespace') object.metadata.namespace = kustomization.namespace;
    }
  }
  return objects;
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: KeyRef;
    configMapKeyRef?: KeyRef;
  };
}
export interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
export interface EnvFromSource {
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}
export interface Probe {
  httpGet?: { path: string; port: number | string };
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: {
    name: string;
    secret?: { secretName: string; optional?: boolean; items?: { key: string }[] };
    configMap?: { name: string; optional?: boolean; items?: { key: string }[] };
  }[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
}

/** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job), else undefined. */
export function podSpecOf(object: KubeObject): PodSpec | undefined {
  if (!WORKLOAD_KINDS.has(object.kind)) return undefined;
  return (object.spec as { template: { spec: PodSpec } }).template.spec;
}

export function containersOf(object: KubeObject): Container[] {
  const pod = podSpecOf(object);
  return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
}

function readKustomization(dir: string): Kustomization {
  const names = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
  const file = names.map((name) => join(dir, name)).find((path) => isFile(path));
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const kustomization = readObjects(file)[0] as unknown as Kustomization;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED_FIELDS.has(key));
  for (const generator of [
    ...(kustomization.configMapGenerator ?? []),
    ...(kustomization.secretGenerator ?? []),
  ]) {
    unsupported.push(...Object.keys(generator).filter((key) => !GENERATOR_FIELDS.has(key)));
  }
  for (const label of kustomization.labels ?? []) {
    unsupported.push(...Object.keys(label).filter((key) => !LABEL_FIELDS.has(key)));
  }
  if (unsupported.length > 0) {
    throw new Error(
      `${file}: ${unsupported.join(', ')} not understood by tools/deploy/kustomization.ts; ` +
        'teach it the field before using it, so the manifests stay checked',
    );
  }
  return kustomization;
}

function readObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
      return document.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function generate(
  objects: KubeObject[],
  kind: 'ConfigMap' | 'Secret',
  generator: Generator,
  dir: string,
): void {
  const data: Record<string, string> = {};
  for (const literal of generator.literals ?? []) Object.assign(data, keyValue(literal));
  for (const envFile of generator.envs ?? []) {
    for (const line of readFileSync(join(dir, envFile), 'utf8').split(/\r?\n/)) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      Object.assign(data, keyValue(line));
    }
  }
  for (const entry of generator.files ?? []) {
    const at = entry.indexOf('=');
    const [key, path] =
      at < 0 ? [basename(entry), entry] : [entry.slice(0, at), entry.slice(at + 1)];
    data[key] = readFileSync(join(dir, path), 'utf8');
  }
  const existing = objects.find((o) => o.kind === kind && o.metadata.name === generator.name);
  const behavior = generator.behavior ?? 'create';
  if (behavior === 'create') {
    if (existing) throw new Error(`${dir}: ${kind} ${generator.name} is generated twice`);
    objects.push({ apiVersion: 'v1', kind, metadata: { name: generator.name }, data });
    return;
  }
  if (!existing)
    throw new Error(`${dir}: ${behavior} of ${kind} ${generator.name}, not generated below`);
  existing.data = behavior === 'merge' ? { ...(existing.data as object), ...data } : data;
}

function keyValue(text: string): Record<string, string> {
  const at = text.indexOf('=');
  if (at <= 0) throw new Error(`"${text}" is not KEY=value`);
  return { [text.slice(0, at).trim()]: text.slice(at + 1) };
}

function addLabels(
  object: KubeObject,
  pairs: Record<string, string>,
  includeSelectors = false,
  includeTemplates = false,
): void {
  object.metadata.labels = { ...object.metadata.labels, ...pairs };
  const spec = object.spec as
    | {
        selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
        template?: { metadata?: { labels?: Record<string, string> } };
      }
    | undefined;
  if (!spec) return;
  if ((includeTemplates || includeSelectors) && spec.template) {
    spec.template.metadata = {
      ...spec.template.metadata,
      labels: { ...spec.template.metadata?.labels, ...pairs },
    };
  }
  if (includeSelectors && spec.selector) {
    if (object.kind === 'Service') Object.assign(spec.selector, pairs);
    else spec.selector.matchLabels = { ...spec.selector.matchLabels, ...pairs };
  }
}

/** "registry:5000/name:tag" -> ["registry:5000/name", "tag"]; a digest is not supported. */
function splitImage(image: string): [string, string | undefined] {
  if (image.includes('@')) throw new Error(`image ${image}: digests are not supported here`);
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? [image.slice(0, colon), image.slice(colon + 1)]
    : [image, undefined];
}
