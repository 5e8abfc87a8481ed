/**
 * A real single-node Apache Kafka broker (KRaft, broker + controller in one JVM) for local
 * development and integration tests, started by the project's own code: this file holds its
 * lifecycle (start, wait until it answers, stop, kill); the jars (kafka-jars.ts), Java
 * (java-runtime.ts), its configuration (kafka-server-properties.ts) and storage
 * (kafka-storage.ts) have modules of their own.
 *
 * Why this exists instead of Docker or an in-memory fake:
 * - The product's guarantees (at-least-once delivery, rebalances, compaction, idempotent
 *   produce) are only worth something when proved against the real broker, and not every
 *   machine that runs `npm test` has a Docker engine.
 * - The broker is the official Apache Kafka build, pulled from Maven Central into a cache
 *   outside git, so the only prerequisites are Java 17+ and Maven.
 * - It listens on loopback only and is sized for a 2-core laptop: small heap, Serial GC,
 *   few threads, few internal-topic partitions, so it is answering in a few seconds.
 *
 * Point the apps at an existing cluster instead with KAFKA_BROKERS=host:port,...
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { checkJava, javaCommand } from './java-runtime';
import { defaultKafkaCacheDir, ensureKafkaJars, KAFKA_VERSION } from './kafka-jars';
import { NODE_ID, SaslSslListener, serverPropertiesText } from './kafka-server-properties';
import { formatStorageOnce } from './kafka-storage';
import { BrokerTls, makeBrokerTls } from './kafka-tls';
import { describePortOwner, isPortTaken } from './ports';
import { readCmdline, sleep, terminatePid, within } from './processes';
import { findRepoRoot } from './repo-root';
import { readIfExists, tail } from './text-files';

export interface LocalKafkaBrokerOptions {
  /** PLAINTEXT listener on 127.0.0.1. Default 9092. */
  port?: number;
  /** KRaft CONTROLLER listener on 127.0.0.1. Default 9093. */
  controllerPort?: number;
  /** server.properties, broker.log, broker.pid and the log dirs (data/). Default <repo>/.local/kafka. */
  dataDir?: string;
  /** JVM max heap in MiB. Default 384. */
  heapMb?: number;
  /** Where the jars are cached. Default $KAFKA_CACHE_DIR or ~/.cache/eventmon/kafka-<version>. */
  cacheDir?: string;
  /** Progress messages (download, format, started...). Default: silent. */
  log?: (line: string) => void;
  /**
   * An additional SASL_SSL listener on 127.0.0.1 (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512),
   * for testing clients against a secured cluster. Its certificate is signed by a CA made at
   * start (`tlsCaFile`). SCRAM users are stored when the data dir is formatted, so give a
   * fresh dataDir when the users change; PLAIN users are read at every start.
   */
  saslSsl?: SaslSslListener;
}

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const MAX_LOG_BYTES = 20 * 1024 * 1024;

export class LocalKafkaBroker {
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly heapMb: number;
  readonly cacheDir: string;
  private readonly repoRoot: string;
  private readonly log: (line: string) => void;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private readonly saslSsl: LocalKafkaBrokerOptions['saslSsl'];
  private tls: BrokerTls | undefined;
  private readonly onProcessExit = (): void => {
    // Last resort when the caller never calls stop(): do not leave an orphan JVM behind.
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  };

  constructor(options: LocalKafkaBrokerOptions = {}) {
    this.repoRoot = findRepoRoot(__dirname);
    this.port = options.port ?? 9092;
    this.controllerPort = options.controllerPort ?? 9093;
    this.dataDir = path.resolve(options.dataDir ?? path.join(this.repoRoot, '.local', 'kafka'));
    this.heapMb = options.heapMb ?? 384;
    this.cacheDir = path.resolve(options.cacheDir ?? defaultKafkaCacheDir());
    this.log = options.log ?? (() => undefined);
    this.saslSsl = options.saslSsl;
    for (const [name, password] of Object.entries(this.saslSsl?.users ?? {})) {
      // Both go unquoted into a JAAS option and a kafka-storage argument: keep them plain.
      if (!/^[A-Za-z0-9_-]+$/.test(name + password)) {
        throw new Error(`SASL user ${name}: name and password must be [A-Za-z0-9_-]+`);
      }
    }
    if (this.port === this.controllerPort) {
      throw new Error(`Kafka port and controller port must differ (both ${this.port})`);
    }
  }

  /** Bootstrap servers string for clients: `127.0.0.1:<port>`. */
  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Bootstrap servers of the SASL_SSL listener, when started with one. */
  get saslSslBrokers(): string | undefined {
    return this.saslSsl && `127.0.0.1:${this.saslSsl.port}`;
  }

  /** PEM of the CA that signed the SASL_SSL listener's certificate (KAFKA_SSL_CA_FILE). */
  get tlsCaFile(): string | undefined {
    return this.tls?.caFile;
  }

  /** Pid of the running broker JVM, undefined when not running. */
  get pid(): number | undefined {
    return this.isRunning() ? this.child?.pid : undefined;
  }

  /** The file the broker's stdout/stderr are appended to. */
  get logFile(): string {
    return path.join(this.dataDir, 'broker.log');
  }

  private get pidFile(): string {
    return path.join(this.dataDir, 'broker.pid');
  }

  private get propsFile(): string {
    return path.join(this.dataDir, 'server.properties');
  }

  /** Starts the broker and resolves once it answers a kafkajs describeCluster(). Idempotent. */
  async start(): Promise<void> {
    if (this.isRunning() && !this.starting) return;
    if (!this.starting) {
      this.starting = this.doStart().finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const t0 = Date.now();
    fs.mkdirSync(this.dataDir, { recursive: true });
    await this.killStaleBroker();
    for (const [name, port] of [
      ['Kafka', this.port],
      ['KRaft controller', this.controllerPort],
      ...(this.saslSsl ? [['SASL_SSL', this.saslSsl.port] as const] : []),
    ] as const) {
      if (await isPortTaken(port)) {
        throw new Error(
          `Cannot start the local Kafka broker: 127.0.0.1:${port} (${name} port) is already in use by ` +
            `${describePortOwner(port)}. Stop that process, choose other ports, or use the cluster that ` +
            `is already running by setting KAFKA_BROKERS=<host:port,...> (e.g. KAFKA_BROKERS=127.0.0.1:${port}).`,
        );
      }
    }

    const java = javaCommand();
    await checkJava(java, `Kafka ${KAFKA_VERSION}`);
    const libs = await ensureKafkaJars({
      repoRoot: this.repoRoot,
      cacheDir: this.cacheDir,
      log: this.log,
    });
    if (this.saslSsl) this.tls = makeBrokerTls(path.join(this.dataDir, 'tls'));
    this.writeServerProperties();
    const log4j = path.join(this.repoRoot, 'infra', 'kafka', 'log4j2.yaml');
    await formatStorageOnce({
      java,
      libs,
      log4jConfig: log4j,
      dataDir: this.dataDir,
      propsFile: this.propsFile,
      scramUsers: this.saslSsl?.users ?? {},
      log: this.log,
    });
    this.rotateLog();

    const args = [
      `-Xmx${this.heapMb}m`,
      `-Xms${Math.min(128, this.heapMb)}m`,
      // One GC thread, no concurrent GC threads: the right trade-off for a small heap on 2 cores.
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      // A pause log beside broker.log: the first thing to read when latency has a long tail.
      `-Xlog:gc:file=${path.join(path.dirname(this.logFile), 'gc.log')}:time,uptime:filecount=2,filesize=5m`,
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4j}`,
      `-Dkafka.logs.dir=${this.dataDir}`,
      '-cp',
      path.join(libs, '*'),
      'kafka.Kafka',
      this.propsFile,
    ];
    const out = fs.openSync(this.logFile, 'a');
    fs.writeSync(out, `\n===== ${new Date().toISOString()} starting ${java} ${args.join(' ')}\n`);
    let child: ChildProcess;
    try {
      // Own process group: a terminal's Ctrl-C must not stop the broker before the services
      // that are still flushing to it; stop() does that, last.
      child = spawn(java, args, { cwd: this.dataDir, stdio: ['ignore', out, out], detached: true });
    } finally {
      fs.closeSync(out);
    }
    this.child = child;
    this.stopping = undefined;
    const logFile = this.logFile;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        const how = signal ? `signal ${signal}` : `code ${code}`;
        try {
          fs.appendFileSync(logFile, `===== ${new Date().toISOString()} exited (${how})\n`);
        } catch {
          // dataDir removed under us: nothing to record
        }
        resolve();
      });
      child.once('error', () => resolve());
    });
    process.once('exit', this.onProcessExit);
    if (child.pid === undefined) {
      await this.exited;
      process.removeListener('exit', this.onProcessExit);
      throw new Error(`Could not spawn ${java} for the Kafka broker`);
    }
    fs.writeFileSync(this.pidFile, `${child.pid}\n`);
    this.log(`Kafka ${KAFKA_VERSION} broker starting (pid ${child.pid}), log: ${this.logFile}`);

    try {
      await this.waitUntilReady();
    } catch (err) {
      await this.terminate();
      throw err;
    }
    this.log(`Kafka broker ready on ${this.brokers} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  /**
   * SIGTERM, up to 30 s for a clean shutdown, then SIGKILL. Idempotent. A start() in progress
   * is let finish (or fail) first, so no broker is left running behind the caller's back.
   */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (!this.stopping) this.stopping = this.terminate();
    return this.stopping;
  }

  /**
   * SIGKILL, no clean shutdown: what a crash, an OOM kill or a power cut does to the broker.
   * Resolves once the JVM is gone; start() afterwards recovers on the same data directory.
   */
  async kill(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    if (this.isRunning()) child.kill('SIGKILL');
    await exited;
    process.removeListener('exit', this.onProcessExit);
    this.removePidFile(child.pid);
    this.log('Kafka broker killed');
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    if (this.isRunning()) {
      child.kill('SIGTERM');
      if (!(await within(exited, STOP_TIMEOUT_MS))) {
        this.log(`Kafka broker (pid ${child.pid}) did not stop within 30 s, killing it`);
        child.kill('SIGKILL');
        await exited;
      }
    }
    await exited;
    process.removeListener('exit', this.onProcessExit);
    this.removePidFile(child.pid);
    this.log('Kafka broker stopped');
  }

  private isRunning(): boolean {
    const c = this.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  private removePidFile(pid: number | undefined): void {
    try {
      if (fs.readFileSync(this.pidFile, 'utf8').trim() === String(pid)) fs.unlinkSync(this.pidFile);
    } catch {
      // no pid file: nothing to clean
    }
  }

  /** A crashed or abandoned earlier run of a broker on this dataDir must not block this one. */
  private async killStaleBroker(): Promise<void> {
    let pid: number;
    try {
      pid = Number.parseInt(fs.readFileSync(this.pidFile, 'utf8').trim(), 10);
    } catch {
      return;
    }
    const cmdline = readCmdline(pid);
    if (
      Number.isInteger(pid) &&
      pid > 0 &&
      cmdline !== undefined &&
      cmdline.includes('kafka.Kafka') &&
      cmdline.includes(this.propsFile)
    ) {
      this.log(`Stopping a stale Kafka broker left over on ${this.dataDir} (pid ${pid})`);
      await terminatePid(pid, STOP_TIMEOUT_MS);
    }
    fs.rmSync(this.pidFile, { force: true });
  }

  private writeServerProperties(): void {
    const options = {
      port: this.port,
      controllerPort: this.controllerPort,
      dataDir: this.dataDir,
      saslSsl: this.saslSsl,
      tls: this.tls,
    };
    fs.writeFileSync(this.propsFile, serverPropertiesText(options, 'tools/infra/kafka-broker.ts'));
  }

  private rotateLog(): void {
    try {
      if (fs.statSync(this.logFile).size > MAX_LOG_BYTES) {
        fs.renameSync(this.logFile, `${this.logFile}.1`);
      }
    } catch {
      // no log yet
    }
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError = 'no answer yet';
    let exited = false;
    void this.exited?.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited || !this.isRunning()) {
        const how = this.child?.signalCode ?? `code ${this.child?.exitCode}`;
        throw new Error(
          `The Kafka broker exited during start-up (${how}). Last lines of ${this.logFile}:\n` +
            tail(readIfExists(this.logFile) ?? '', 30),
        );
      }
      try {
        const cluster = await describeCluster(this.brokers);
        if (cluster.brokers.some((b) => b.nodeId === NODE_ID)) return;
        lastError = 'broker not registered yet';
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      await sleep(300);
    }
    throw new Error(
      `The Kafka broker did not answer on ${this.brokers} within ${READY_TIMEOUT_MS / 1000} s ` +
        `(last error: ${lastError}). Last lines of ${this.logFile}:\n` +
        tail(readIfExists(this.logFile) ?? '', 30),
    );
  }
}

async function describeCluster(brokers: string): Promise<{ brokers: { nodeId: number }[] }> {
  const kafka = new Kafka({
    clientId: 'eventmon-local-kafka-probe',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
