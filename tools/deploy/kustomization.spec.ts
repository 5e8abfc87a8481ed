import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKustomization, containersOf, KubeObject } from './kustomization';

let root: string;

function write(path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`no ${kind} ${name}`);
  return object;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: web:1
`;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kustomization-spec-'));
  write(
    'base/web.yaml',
    `${DEPLOYMENT}---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
`,
  );
  write(
    'base/kustomization.yaml',
    `resources: [web.yaml]
labels:
  - pairs: { part-of: shop }
    includeTemplates: true
configMapGenerator:
  - name: settings
    literals: [A=1, B=two=2]
`,
  );
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('buildKustomization', () => {
  it('builds resources, generators and labels of a base', () => {
    const objects = buildKustomization(join(root, 'base'));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/settings',
      'Deployment/web',
      'Service/web',
    ]);
    expect(find(objects, 'ConfigMap', 'settings').data).toEqual({ A: '1', B: 'two=2' });
    const web = find(objects, 'Deployment', 'web');
    expect(web.metadata.labels).toEqual({ 'part-of': 'shop' });
    const spec = web.spec as {
      selector: { matchLabels: object };
      template: { metadata: { labels: object } };
    };
    expect(spec.template.metadata.labels).toEqual({ app: 'web', 'part-of': 'shop' });
    expect(spec.selector.matchLabels).toEqual({ app: 'web' });
  });

  it('applies an overlay: namespace, image, replicas, merged and new generators', () => {
    write('overlay/secrets/db.env', '# a comment\nURL=postgres://x\n\n');
    write('overlay/ca.pem', 'PEM');
    write(
      'overlay/kustomization.yaml',
      `namespace: prod
resources: [../base]
images:
  - { name: web, newName: registry.example/web, newTag: '2' }
replicas:
  - { name: web, count: 3 }
configMapGenerator:
  - name: settings
    behavior: merge
    literals: [B=3, C=4]
secretGenerator:
  - name: db
    envs: [secrets/db.env]
  - name: ca
    files: [ca.crt=ca.pem]
`,
    );
    const objects = buildKustomization(join(root, 'overlay'));
    expect(objects.every((o) => o.metadata.namespace === 'prod')).toBe(true);
    const web = find(objects, 'Deployment', 'web');
    expect((web.spec as { replicas: number }).replicas).toBe(3);
    expect(find(objects, 'Service', 'web').spec).not.toHaveProperty('replicas');
    expect(containersOf(web).map((c) => c.image)).toEqual(['registry.example/web:2']);
    expect(find(objects, 'ConfigMap', 'settings').data).toEqual({ A: '1', B: '3', C: '4' });
    expect(find(objects, 'Secret', 'db').data).toEqual({ URL: 'postgres://x' });
    expect(find(objects, 'Secret', 'ca').data).toEqual({ 'ca.crt': 'PEM' });
  });

  it('refuses a field it does not understand instead of ignoring it', () => {
    write('overlay/kustomization.yaml', 'resources: [../base]\npatches: []\n');
    expect(() => buildKustomization(join(root, 'overlay'))).toThrow(/patches not understood/);
  });

  it('refuses to merge into a generator that does not exist, or to create one twice', () => {
    write(
      'merge/kustomization.yaml',
      'resources: [../base]\nconfigMapGenerator:\n  - { name: other, behavior: merge, literals: [A=1] }\n',
    );
    expect(() => buildKustomization(join(root, 'merge'))).toThrow(/merge of ConfigMap other/);
    write(
      'twice/kustomization.yaml',
      'resources: [../base]\nconfigMapGenerator:\n  - { name: settings, literals: [A=1] }\n',
    );
    expect(() => buildKustomization(join(root, 'twice'))).toThrow(/generated twice/);
  });
});
