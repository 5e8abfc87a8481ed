/**
 * What can be checked in deploy/kubernetes/ without a cluster: that each service runs its
 * entry point, gets only environment variables its code reads and the ones it cannot start
 * without, that every Secret and ConfigMap key it refers to exists, that its probes hit the
 * health routes the code serves on the port it listens on, and that the Strimzi topics have
 * the partitions and configs the code creates them with. A mistake in any of these only
 * shows once the pods are running (or, for an unread variable, never).
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DEFAULT_TOPIC_SPECS, Topic, topicName } from '@app/contracts';
import { HealthController } from '@app/observability';
import { APPS, AppName } from '../stack/app-process';
import { repoRoot } from '../stack/repo-root';
import {
  ENTRY_POINTS,
  httpPortOf,
  NODE_FLAGS,
  ServiceName,
  variablesRead,
} from '../stack/service-env';
import {
  buildKustomization,
  Container,
  containersOf,
  KubeObject,
  podSpecOf,
} from './kustomization';

const KUBERNETES = join(repoRoot(), 'deploy', 'kubernetes');
const example = buildKustomization(join(KUBERNETES, 'overlays', 'example'));
const topics = buildKustomization(join(KUBERNETES, 'topics'));

/**
 * Secrets the operator makes, never the manifests: their keys are variables that alerting
 * rules name (urlEnv, secretEnv, routingKeyEnv), so no code lists them.
 */
const OPERATOR_SECRETS = ['eventmon-alerting-secrets'];
/** Variables a service cannot do without: their defaults point at 127.0.0.1, or there is none. */
const REQUIRED = ['KAFKA_BROKERS', 'DATABASE_URL', 'EVENT_ID_SECRET', 'API_KEYS'];

// ---------------------------------------------------------------- helpers

function find(kind: string, name: string): KubeObject | undefined {
  return example.find((o) => o.kind === kind && o.metadata.name === name);
}

function dataOf(kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined {
  return find(kind, name)?.data as Record<string, string> | undefined;
}

interface Workload {
  object: KubeObject;
  container: Container;
}

/** The workload whose container runs a service's entry point (the image's argument). */
function workloadsOf(service: ServiceName): Workload[] {
  return example.flatMap((object) =>
    containersOf(object)
      .filter((container) => container.args?.at(-1) === ENTRY_POINTS[service])
      .map((container) => ({ object, container })),
  );
}

function workloadOf(service: ServiceName): Workload {
  const [workload] = workloadsOf(service);
  if (!workload) throw new Error(`no workload runs ${ENTRY_POINTS[service]}`);
  return workload;
}

/** Variable -> value of what a container's environment holds (envFrom, then env). */
function environment(container: Container): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const source of container.envFrom ?? []) {
    const data = source.configMapRef
      ? dataOf('ConfigMap', source.configMapRef.name)
      : dataOf('Secret', source.secretRef!.name);
    for (const [key, value] of Object.entries(data ?? {})) env.set(key, value);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
    const kind = variable.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
    env.set(variable.name, ref ? dataOf(kind, ref.name)?.[ref.key] : variable.value);
  }
  return env;
}

function healthRoute(method: (...args: never[]) => unknown): string {
  const controller = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  return `/${controller}/${Reflect.getMetadata(PATH_METADATA, method) as string}`;
}

function kafkaSettings(): Record<string, string> {
  const settings = dataOf('ConfigMap', 'eventmon-kafka-settings');
  if (!settings) throw new Error('no ConfigMap eventmon-kafka-settings');
  return settings;
}

const SERVICES = Object.keys(ENTRY_POINTS) as ServiceName[];

// ---------------------------------------------------------------- workloads

describe('deploy/kubernetes (overlays/example)', () => {
  it('runs every service once, from one image: the apps as Deployments, migrations as a Job', () => {
    for (const service of SERVICES) {
      expect({ service, workloads: workloadsOf(service).length }).toEqual({
        service,
        workloads: 1,
      });
      const { object } = workloadOf(service);
      const kind = service === 'migrate' ? 'Job' : 'Deployment';
      expect({ service, kind: object.kind }).toEqual({ service, kind });
    }
    const images = new Set(SERVICES.map((service) => workloadOf(service).container.image));
    expect(images.size).toBe(1);
    const containers = example.flatMap(containersOf);
    expect(containers).toHaveLength(SERVICES.length);
  });

  it('starts each service with the node options it needs, before its entry point', () => {
    for (const service of SERVICES) {
      expect({ service, args: workloadOf(service).container.args }).toEqual({
        service,
        args: [...NODE_FLAGS[service], ENTRY_POINTS[service]],
      });
    }
  });

  it('runs the migrations one pod at a time, never restarted once they succeeded', () => {
    const job = workloadOf('migrate').object;
    const spec = job.spec as { parallelism?: number; completions?: number };
    expect(spec.parallelism ?? 1).toBe(1);
    expect(spec.completions ?? 1).toBe(1);
    expect(['Never', 'OnFailure']).toContain(podSpecOf(job)!.restartPolicy);
  });

  describe('environment', () => {
    for (const service of SERVICES) {
      const reads = variablesRead(service)!;

      it(`${service} gets only variables its code reads`, () => {
        const unread = [...environment(workloadOf(service).container).keys()].filter(
          (variable) => !reads.has(variable),
        );
        expect({ service, unread }).toEqual({ service, unread: [] });
      });

      it(`${service} gets the variables it cannot start without`, () => {
        const env = environment(workloadOf(service).container);
        for (const variable of REQUIRED.filter((v) => reads.has(v))) {
          expect({ service, variable, value: env.get(variable) }).toEqual({
            service,
            variable,
            value: expect.stringMatching(/\S/),
          });
        }
      });
    }

    it('gives consumer and alerting the same EVENT_ID_SECRET', () => {
      const readers = SERVICES.filter((service) => variablesRead(service)!.has('EVENT_ID_SECRET'));
      expect(readers.sort()).toEqual(['alerting', 'consumer']);
      const refs = readers.map(
        (service) =>
          workloadOf(service).container.env?.find((v) => v.name === 'EVENT_ID_SECRET')?.valueFrom
            ?.secretKeyRef,
      );
      expect(refs[0]).toBeDefined();
      expect(refs[1]).toEqual(refs[0]);
    });
  });

  describe('references', () => {
    it('every secretKeyRef and configMapKeyRef names an existing key', () => {
      for (const container of example.flatMap(containersOf)) {
        for (const variable of container.env ?? []) {
          const secret = variable.valueFrom?.secretKeyRef;
          const configMap = variable.valueFrom?.configMapKeyRef;
          const ref = secret ?? configMap;
          if (!ref) continue;
          const data = secret ? dataOf('Secret', ref.name) : dataOf('ConfigMap', ref.name);
          expect({
            variable: variable.name,
            ref,
            exists: data !== undefined && ref.key in data,
          }).toEqual({
            variable: variable.name,
            ref,
            exists: true,
          });
        }
      }
    });

    it('every envFrom source exists, or is optional and made by the operator', () => {
      for (const container of example.flatMap(containersOf)) {
        for (const source of container.envFrom ?? []) {
          const ref = source.configMapRef ?? source.secretRef!;
          const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
          if (find(kind, ref.name)) continue;
          expect({
            container: container.name,
            name: ref.name,
            madeByOperator: OPERATOR_SECRETS.includes(ref.name),
            optional: ref.optional,
          }).toEqual({
            container: container.name,
            name: ref.name,
            madeByOperator: true,
            optional: true,
          });
        }
      }
    });

    it('every Secret or ConfigMap volume exists (or is optional) and holds the keys it mounts', () => {
      for (const object of example) {
        for (const volume of podSpecOf(object)?.volumes ?? []) {
          const source = volume.secret ?? volume.configMap;
          if (!source) continue;
          const name = volume.secret ? volume.secret.secretName : volume.configMap!.name;
          const data = volume.secret ? dataOf('Secret', name) : dataOf('ConfigMap', name);
          expect({
            volume: volume.name,
            exists: data !== undefined || source.optional === true,
          }).toEqual({ volume: volume.name, exists: true });
          for (const { key } of source.items ?? []) {
            expect({ volume: volume.name, key, exists: key in (data ?? {}) }).toEqual({
              volume: volume.name,
              key,
              exists: true,
            });
          }
        }
      }
    });

    it('mounts the file KAFKA_SSL_CA_FILE names, from the Secret that holds it', () => {
      const caFile = kafkaSettings().KAFKA_SSL_CA_FILE;
      expect(caFile).toEqual(expect.stringMatching(/^\//));
      for (const app of APPS) {
        const { object, container } = workloadOf(app);
        const mount = container.volumeMounts?.find((m) => caFile.startsWith(`${m.mountPath}/`));
        const volume = podSpecOf(object)!.volumes?.find((v) => v.name === mount?.name);
        const file = caFile.slice((mount?.mountPath.length ?? 0) + 1);
        const data = volume?.secret ? dataOf('Secret', volume.secret.secretName) : undefined;
        expect({ app, file, mounted: data !== undefined && file in data }).toEqual({
          app,
          file,
          mounted: true,
        });
      }
    });
  });

  describe('ports and probes', () => {
    const live = healthRoute(HealthController.prototype.live);
    const ready = healthRoute(HealthController.prototype.ready);

    for (const app of APPS) {
      it(`${app}: probes ${live} and ${ready} on the port it listens on`, () => {
        const { container } = workloadOf(app);
        const { variable, defaultPort } = httpPortOf(app);
        const listens = Number(environment(container).get(variable) ?? defaultPort);
        const http = container.ports?.find((port) => port.name === 'http');
        expect({ app, containerPort: http?.containerPort }).toEqual({
          app,
          containerPort: listens,
        });
        // A probe names the port or gives its number: either way, the one the app listens on.
        const target = (probe: typeof container.livenessProbe) => {
          const get = probe?.httpGet;
          const port = container.ports?.find((p) => p.name === get?.port)?.containerPort;
          return get && { path: get.path, port: port ?? get.port };
        };
        expect({
          app,
          startup: target(container.startupProbe),
          liveness: target(container.livenessProbe),
          readiness: target(container.readinessProbe),
        }).toEqual({
          app,
          startup: { path: live, port: listens },
          liveness: { path: live, port: listens },
          readiness: { path: ready, port: listens },
        });
      });
    }

    it('points each Service at the pods of one workload, on a port they name', () => {
      const services = example.filter((o) => o.kind === 'Service');
      expect(services.length).toBeGreaterThan(0);
      for (const service of services) {
        const spec = service.spec as {
          selector: Record<string, string>;
          ports: { targetPort: string | number }[];
        };
        const selected = example.filter((object) => {
          const labels = (object.spec as { template?: { metadata?: { labels?: object } } })
            ?.template?.metadata?.labels as Record<string, string> | undefined;
          return (
            podSpecOf(object) !== undefined &&
            Object.entries(spec.selector).every(([key, value]) => labels?.[key] === value)
          );
        });
        expect({ service: service.metadata.name, selected: selected.length }).toEqual({
          service: service.metadata.name,
          selected: 1,
        });
        const ports = containersOf(selected[0]).flatMap((c) => c.ports ?? []);
        for (const { targetPort } of spec.ports) {
          const found = ports.some((p) => p.name === targetPort || p.containerPort === targetPort);
          expect({ service: service.metadata.name, targetPort, found }).toEqual({
            service: service.metadata.name,
            targetPort,
            found: true,
          });
        }
      }
    });
  });

  it('runs no more consumer and alerting replicas than the events topic has partitions', () => {
    const partitions = Number(
      kafkaSettings().EVENTS_TOPIC_PARTITIONS ?? DEFAULT_TOPIC_SPECS[Topic.Events].partitions,
    );
    for (const app of ['consumer', 'alerting'] as AppName[]) {
      const replicas = (workloadOf(app).object.spec as { replicas?: number }).replicas ?? 1;
      expect({ app, replicas, partitions, withinPartitions: replicas <= partitions }).toEqual({
        app,
        replicas,
        partitions,
        withinPartitions: true,
      });
    }
  });
});

// ---------------------------------------------------------------- topics

describe('deploy/kubernetes/topics', () => {
  const prefix = kafkaSettings().KAFKA_TOPIC_PREFIX ?? '';
  const nameOf = (object: KubeObject) =>
    (object.spec as { topicName?: string }).topicName ?? object.metadata.name;

  it('declares every topic the services use, and no other, as Strimzi KafkaTopics', () => {
    expect(topics.map(nameOf).sort()).toEqual(
      Object.values(Topic)
        .map((topic) => topicName(topic, prefix))
        .sort(),
    );
    for (const topic of topics) {
      expect({
        name: topic.metadata.name,
        kind: topic.kind,
        cluster: topic.metadata.labels?.['strimzi.io/cluster'],
      }).toEqual({
        name: topic.metadata.name,
        kind: 'KafkaTopic',
        cluster: expect.stringMatching(/\S/),
      });
      expect(topic.apiVersion).toMatch(/^kafka\.strimzi\.io\//);
    }
  });

  for (const topic of Object.values(Topic)) {
    it(`${topic}: the partitions and configs the services create it with`, () => {
      const resource = topics.find((object) => nameOf(object) === topicName(topic, prefix));
      const spec = resource?.spec as
        { partitions?: number; config?: Record<string, string | number> } | undefined;
      const expected = DEFAULT_TOPIC_SPECS[topic];
      const partitions =
        topic === Topic.Events
          ? Number(kafkaSettings().EVENTS_TOPIC_PARTITIONS ?? expected.partitions)
          : expected.partitions;
      const configs = Object.fromEntries(
        Object.keys(expected.configs).map((key) => [key, String(spec?.config?.[key])]),
      );
      expect({ topic, partitions: spec?.partitions, configs }).toEqual({
        topic,
        partitions,
        configs: expected.configs,
      });
    });
  }
});
