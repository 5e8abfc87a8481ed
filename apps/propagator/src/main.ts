import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { bootstrapService, runService } from '@app/service';
import { parseCommandLine, withFlagNames } from './cli/command-line';
import { mapLegacyConfigKeys } from './cli/legacy-config-keys';
import { usage } from './cli/usage';
import { checkDiskPath } from './host/host-probe';
import { PropagatorConfig, runPlan, sinkProblems } from './propagator.config';
import { PropagatorModule } from './propagator.module';
import { PropagatorService } from './services/propagator.service';
import { TemplateCatalog } from './templates/template-catalog';
import { loadTemplates } from './templates/template-file';

runService('propagator', async () => {
  const commandLine = parseCommandLine(process.argv.slice(2));
  if (commandLine.help) {
    process.stdout.write(usage());
    return;
  }
  let config: PropagatorConfig;
  try {
    config = loadConfig(PropagatorConfig, {
      yamlFile: commandLine.configFile ?? process.env.PROPAGATOR_CONFIG,
      overrides: commandLine.overrides,
      mapYaml: mapLegacyConfigKeys,
    });
  } catch (error) {
    throw error instanceof ConfigError ? withFlagNames(error) : error;
  }
  // Everything that can be checked without Kafka fails the start before it connects.
  const problems = sinkProblems(config);
  if (problems.length > 0) throw new ConfigError(problems, PropagatorConfig.name);
  const catalog = new TemplateCatalog(loadTemplates(config.eventsFile));
  if (runPlan(config).hostMetrics) checkDiskPath(config.diskPath);

  const app = await bootstrapService(PropagatorModule.forRoot(config, catalog), {
    service: 'propagator',
    logLevel: config.logLevel,
    port: config.port,
    host: config.httpHost,
  });
  // A load run that ended by itself (count reached, or a worker failed), flushed: exit 0
  // when every event was published.
  const ok = await app.get(PropagatorService).completed;
  await app.close();
  process.exit(ok ? 0 : 1);
});
