/**
 * A real single-node Apache Kafka broker (KRaft, broker + controller in one JVM) for local
 * development and integration tests, started by the project's own code.
 *
 * Why this exists instead of Docker or an in-memory fake:
 * - The guarantees in DESIGN.md (at-least-once, rebalances, compaction, idempotent produce)
 *   are only worth something when proved against the real broker, and not every machine that
 *   runs `npm test` has a Docker engine.
 * - The broker is the official Apache Kafka 4.1.2 build, pulled from Maven Central by
 *   `mvn dependency:copy-dependencies` (infra/kafka/pom.xml) into a cache outside git
 *   ($KAFKA_CACHE_DIR or ~/.cache/eventmon/kafka-4.1.2), so the only prerequisites are
 *   Java 17+ and Maven. Same jars as the libs/ folder of the binary tarball.
 * - It listens on loopback only and is sized for a 2-core laptop: small heap, Serial GC,
 *   few threads, few internal-topic partitions, so it is answering in a few seconds.
 *
 * Point the apps at an existing cluster instead with KAFKA_BROKERS=host:port,...
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerTls, makeBrokerTls } from './kafka-tls';

export const KAFKA_VERSION = '4.1.2';

export interface LocalKafkaBrokerOptions {
  /** PLAINTEXT listener on 127.0.0.1. Default 9092. */
  port?: number;
  /** KRaft CONTROLLER listener on 127.0.0.1. Default 9093. */
  controllerPort?: number;
  /** server.properties, broker.log, broker.pid and the log dirs (data/). Default <repo>/.local/kafka. */
  dataDir?: string;
  /** JVM max heap in MiB. Default 384. */
  heapMb?: number;
  /** Where the jars are cached. Default $KAFKA_CACHE_DIR or ~/.cache/eventmon/kafka-4.1.2. */
  cacheDir?: string;
  /** Progress messages (download, format, started...). Default: silent. */
  log?: (line: string) => void;
  /**
   * An additional SASL_SSL listener on 127.0.0.1 (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512),
   * for testing clients against a secured cluster. Its certificate is signed by a CA made at
   * start (`tlsCaFile`). SCRAM users are stored when the data dir is formatted, so give a
   * fresh dataDir when the users change; PLAIN users are read at every start.
   */
  saslSsl?: { port: number; users: Record<string, string> };
}

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const NODE_ID = 1;
const MAX_LOG_BYTES = 20 * 1024 * 1024;
const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

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
    this.cacheDir = path.resolve(
      options.cacheDir ??
        process.env.KAFKA_CACHE_DIR ??
        path.join(os.homedir(), '.cache', 'eventmon', `kafka-${KAFKA_VERSION}`),
    );
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
    await checkJava(java);
    const libs = await this.ensureJars();
    if (this.saslSsl) this.tls = makeBrokerTls(path.join(this.dataDir, 'tls'));
    this.writeServerProperties();
    await this.formatStorage(java, libs);
    this.rotateLog();

    const log4j = path.join(this.repoRoot, 'infra', 'kafka', 'log4j2.yaml');
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
      killQuietly(pid, 'SIGTERM');
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (isAlive(pid) && Date.now() < deadline) await sleep(200);
      if (isAlive(pid)) {
        killQuietly(pid, 'SIGKILL');
        while (isAlive(pid)) await sleep(100);
      }
    }
    fs.rmSync(this.pidFile, { force: true });
  }

  /** Jars in <cacheDir>/libs, downloaded with Maven once; the marker records the pom's hash. */
  private async ensureJars(): Promise<string> {
    const pom = path.join(this.repoRoot, 'infra', 'kafka', 'pom.xml');
    const pomHash = createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
    const libs = path.join(this.cacheDir, 'libs');
    const marker = path.join(this.cacheDir, 'COMPLETE');
    if (readIfExists(marker)?.trim() === pomHash && fs.existsSync(libs)) return libs;

    fs.mkdirSync(this.cacheDir, { recursive: true });
    const tmp = path.join(this.cacheDir, `libs.tmp-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
    const mvnArgs = [
      '-B',
      '-q',
      '-f',
      pom,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmp}`,
    ];
    this.log(`Downloading Apache Kafka ${KAFKA_VERSION} jars with Maven into ${libs} (once)...`);
    const t0 = Date.now();
    const res = await run(mvn, mvnArgs, this.repoRoot);
    if (res.error) {
      throw new Error(
        `Maven ("${mvn}") is needed to download the Kafka jars but could not be run (${res.error.message}). ` +
          'Install Maven 3.8+ (e.g. apt-get install maven), or set KAFKA_BROKERS to use an existing cluster.',
      );
    }
    const jars = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((f) => f.endsWith('.jar')) : [];
    if (res.code !== 0 || !jars.some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw new Error(
        `Downloading the Kafka jars failed: ${mvn} ${mvnArgs.join(' ')} exited with ${res.code}\n${tail(res.output, 30)}`,
      );
    }
    if (readIfExists(marker)?.trim() === pomHash && fs.existsSync(libs)) {
      // Another process finished the same download meanwhile: keep its copy.
      fs.rmSync(tmp, { recursive: true, force: true });
      return libs;
    }
    fs.rmSync(libs, { recursive: true, force: true });
    fs.renameSync(tmp, libs);
    fs.writeFileSync(marker, `${pomHash}\n`);
    this.log(`Downloaded ${jars.length} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return libs;
  }

  private writeServerProperties(): void {
    const props: Record<string, string | number | boolean> = {
      'process.roles': 'broker,controller',
      'node.id': NODE_ID,
      'controller.quorum.voters': `${NODE_ID}@127.0.0.1:${this.controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${this.port}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'log.dirs': path.join(this.dataDir, 'data'),
      // Single node: every replication factor and min ISR is 1.
      'num.partitions': 1,
      'default.replication.factor': 1,
      'min.insync.replicas': 1,
      'offsets.topic.replication.factor': 1,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      'share.coordinator.state.topic.replication.factor': 1,
      'share.coordinator.state.topic.min.isr': 1,
      // Internal topics are created on first use; 50 partitions each is slow to create here.
      'offsets.topic.num.partitions': 5,
      'transaction.state.log.num.partitions': 5,
      'share.coordinator.state.topic.num.partitions': 5,
      'group.initial.rebalance.delay.ms': 0,
      // Topics are created explicitly (topic names and settings live in the contracts lib).
      'auto.create.topics.enable': false,
      // Small machine: fewer threads than the server defaults (3 network, 8 io, 10 background).
      'num.network.threads': 2,
      'num.io.threads': 2,
      'background.threads': 2,
      'num.recovery.threads.per.data.dir': 1,
      'log.cleaner.threads': 1,
      // The cleaner's dedupe buffer defaults to 128 MiB of heap; a dev broker needs far less.
      'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
      // Check for compactable logs every 5 s instead of 15 s: compacted topics settle quickly.
      'log.cleaner.backoff.ms': 5000,
      // Keep the disk footprint of a dev broker bounded.
      'log.retention.hours': 24,
      'log.retention.bytes': 512 * 1024 * 1024,
      'log.segment.bytes': 64 * 1024 * 1024,
      'log.retention.check.interval.ms': 60_000,
      ...this.saslSslProperties(),
    };
    const text =
      `# Written by tools/infra/kafka-broker.ts on every start; edits are overwritten.\n` +
      Object.entries(props)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('\n') +
      '\n';
    fs.writeFileSync(this.propsFile, text);
  }

  /** The SASL_SSL listener beside PLAINTEXT; brokers and controller keep talking in the clear. */
  private saslSslProperties(): Record<string, string> {
    if (!this.saslSsl || !this.tls) return {};
    const listener = 'listener.name.sasl_ssl';
    const plainUsers = Object.entries(this.saslSsl.users)
      .map(([name, password]) => `user_${name}="${password}"`)
      .join(' ');
    const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
    return {
      listeners: `PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort},SASL_SSL://127.0.0.1:${this.saslSsl.port}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${this.port},SASL_SSL://127.0.0.1:${this.saslSsl.port}`,
      'listener.security.protocol.map':
        'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
      [`${listener}.sasl.enabled.mechanisms`]: SCRAM_MECHANISMS.concat('PLAIN').join(','),
      [`${listener}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
      [`${listener}.scram-sha-256.sasl.jaas.config`]: scram,
      [`${listener}.scram-sha-512.sasl.jaas.config`]: scram,
      [`${listener}.ssl.keystore.type`]: 'PKCS12',
      [`${listener}.ssl.keystore.location`]: this.tls.keystoreFile,
      [`${listener}.ssl.keystore.password`]: this.tls.keystorePassword,
      [`${listener}.ssl.key.password`]: this.tls.keystorePassword,
    };
  }

  /** `kafka-storage format` once per dataDir, with a cluster id kept in data/meta.properties. */
  private async formatStorage(java: string, libs: string): Promise<void> {
    const meta = readIfExists(path.join(this.dataDir, 'data', 'meta.properties'));
    if (meta && /^cluster\.id=\S+/m.test(meta)) return;
    const clusterId = randomClusterId();
    this.log(
      `Formatting KRaft storage in ${path.join(this.dataDir, 'data')} (cluster id ${clusterId})`,
    );
    const res = await run(
      java,
      [
        `-Dlog4j2.configurationFile=${path.join(this.repoRoot, 'infra', 'kafka', 'log4j2.yaml')}`,
        '-cp',
        path.join(libs, '*'),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        this.propsFile,
        '--ignore-formatted',
        // KRaft keeps SCRAM credentials in its metadata log: added once, at format time.
        ...Object.entries(this.saslSsl?.users ?? {}).flatMap(([name, password]) =>
          SCRAM_MECHANISMS.flatMap((mechanism) => [
            '--add-scram',
            `${mechanism}=[name=${name},password=${password}]`,
          ]),
        ),
      ],
      this.dataDir,
    );
    if (res.error || res.code !== 0) {
      throw new Error(
        `Formatting Kafka storage failed (exit ${res.code ?? res.error?.message}):\n${tail(res.output, 30)}`,
      );
    }
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

/** Walks up from `start` to the directory holding package.json and infra/kafka/pom.xml. */
export function findRepoRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (
      fs.existsSync(path.join(dir, 'package.json')) &&
      fs.existsSync(path.join(dir, 'infra', 'kafka', 'pom.xml'))
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Cannot find the repository root (package.json + infra/kafka/pom.xml) above ${start}`,
      );
    }
    dir = parent;
  }
}

/** Kafka's Uuid format: 16 random bytes, base64url without padding, not starting with '-'. */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  const exe = process.platform === 'win32' ? 'java.exe' : 'java';
  if (home && fs.existsSync(path.join(home, 'bin', exe))) return path.join(home, 'bin', exe);
  return 'java';
}

async function checkJava(java: string): Promise<void> {
  const res = await run(java, ['-version'], process.cwd());
  if (res.error || res.code !== 0) {
    throw new Error(
      `Java 17+ is needed to run the local Kafka broker but "${java} -version" failed ` +
        `(${res.error?.message ?? `exit ${res.code}`}). Install a JDK/JRE 17+ (e.g. apt-get install ` +
        'openjdk-17-jre-headless) or set JAVA_HOME, or set KAFKA_BROKERS to use an existing cluster.',
    );
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(res.output);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (Number.isFinite(major) && major < 17) {
    throw new Error(`Kafka ${KAFKA_VERSION} needs Java 17+, but ${java} is Java ${major}`);
  }
}

interface RunResult {
  code: number | null;
  output: string;
  error?: Error;
}

function run(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (error) => resolve({ code: null, output, error }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

function isPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => resolve(false));
    });
  });
}

/** Best effort (Linux /proc): "pid 123 (java ... kafka.Kafka ...)" for the listener on a port. */
function describePortOwner(port: number): string {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of (readIfExists(table) ?? '').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = LISTEN
        const localPort = Number.parseInt(cols[1].split(':').pop() ?? '', 16);
        if (localPort === port) inodes.add(cols[9]);
      }
    }
    if (inodes.size > 0) {
      for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        let fds: string[];
        try {
          fds = fs.readdirSync(`/proc/${entry}/fd`);
        } catch {
          continue;
        }
        for (const fd of fds) {
          let target: string;
          try {
            target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
          } catch {
            continue;
          }
          const m = /^socket:\[(\d+)\]$/.exec(target);
          if (m && inodes.has(m[1])) {
            const cmd = readCmdline(Number(entry)) ?? '?';
            const what = cmd.includes('kafka.Kafka') ? 'a Kafka broker: ' : '';
            return `pid ${entry} (${what}${cmd.length > 300 ? `${cmd.slice(0, 300)}...` : cmd})`;
          }
        }
      }
    }
  } catch {
    // not Linux, or /proc not readable
  }
  return 'another process (find it with `ss -ltnp` or `lsof -i :' + port + '`)';
}

function readCmdline(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const raw = readIfExists(`/proc/${pid}/cmdline`);
  return raw === undefined ? undefined : raw.split('\0').join(' ').trim();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `p` settles within `ms`. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
