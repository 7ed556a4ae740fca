/**
 * `iamsim serve FILE`: the scenario's world behind the real AWS protocols (IAM, EC2, STS and each
 * instance's IMDS) on loopback, with a virtual clock and an admin API; see src/serve/.
 * Runs until SIGINT or SIGTERM (or --stop-after), then writes the --record file one last time.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { type ClockSpec, makeClock, parseClock } from '../serve/clock.ts';
import { startServer } from '../serve/server.ts';
import { ServeSession } from '../serve/session.ts';
import { checkInteger, defineCommand } from './command.ts';
import { loadForCommand, resolveSeed } from './load.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export const serveCommand = defineCommand({
  command: 'serve <file>',
  describe: "Serve the scenario's world over the AWS APIs (IAM, EC2, STS) and IMDS, on loopback",
  examples: [
    ['$0 serve scenarios/replace-profile.yaml --clock manual', 'Virtual time moves only when told'],
    [
      '$0 serve scenarios/replace-profile.yaml --clock realtime:60 --record session.yaml',
      'An hour a minute; record',
    ],
  ],
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file' })
      .option('port', {
        type: 'number',
        default: 4566,
        describe: 'Port of the AWS APIs and /_iamsim/ (0: any free)',
      })
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'Address to bind; anything but loopback is refused unless given here (with a warning)',
      })
      .option('clock', {
        type: 'string',
        default: 'realtime',
        describe: 'realtime[:SPEED] (virtual ms per wall ms) or manual (POST /_iamsim/advance)',
      })
      .option('seed', { type: 'number', describe: "Root seed (overrides the scenario's)" })
      .option('imds-ports', {
        type: 'string',
        default: '9100-',
        describe: 'IMDS ports: instance k (scenario order) on FIRST+k ("0-": any free ports)',
      })
      .option('imds-tokens', {
        choices: ['optional', 'required'] as const,
        default: 'optional' as const,
        describe: 'IMDS HttpTokens: required refuses IMDSv1 reads (401)',
      })
      .option('record', {
        type: 'string',
        normalize: true,
        describe: 'Write the session as a scenario (steps) here',
      })
      .option('stop-after', { type: 'number', describe: 'Stop after this many wall-clock seconds' })
      .check((args) => {
        checkInteger(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
        checkInteger(args, 'port', 0, 65535);
        if (parseClock(String(args.clock)) === undefined)
          throw new Error(
            `--clock must be manual, realtime or realtime:SPEED (SPEED > 0), got ${String(args.clock)}`,
          );
        if (!/^\d+-$/.test(String(args['imds-ports'])))
          throw new Error(`--imds-ports must be FIRST- (e.g. 9100-), got ${String(args['imds-ports'])}`);
        return true;
      }),
  handler: async (args, io) => {
    const scenario = await loadForCommand(args.file, io);
    const { seed } = resolveSeed(args.seed, scenario);
    const clock = parseClock(args.clock) as ClockSpec;
    if (!LOOPBACK.test(args.host)) {
      io.stderr(
        `warning: binding ${args.host}, not loopback: anyone who reaches it can drive the simulated account\n`,
      );
    }
    if (scenario.steps.length > 0) {
      io.stderr(
        `note: serve runs the world only; the scenario's ${scenario.steps.length} step(s) are not run\n`,
      );
    }
    const session = new ServeSession({ scenario, seed, clock: makeClock(clock) });
    const record = args.record === undefined ? undefined : resolve(io.cwd, args.record);
    const writeRecord = () => {
      if (record !== undefined) writeFileSync(record, session.recordingYaml());
    };
    const imdsFirst = Number.parseInt(args.imdsPorts, 10);
    const server = await startServer({
      session,
      host: args.host,
      port: args.port,
      imdsPortBase: imdsFirst,
      imdsTokens: args.imdsTokens,
      onCall: writeRecord,
    }).catch((e: unknown) => {
      throw new UsageError(`cannot listen: ${e instanceof Error ? e.message : String(e)}`);
    });
    const clockText = clock.kind === 'manual' ? 'manual' : `realtime x${clock.speed}`;
    io.stdout(
      `iamsim serve ${args.file} --seed ${seed} --clock ${args.clock}\n` +
        `AWS APIs (IAM, EC2, STS): ${server.url}   admin: ${server.url}/_iamsim/   clock: ${clockText}\n` +
        'SigV4 signatures are parsed for the key, region and service, never verified.\n' +
        server.imds
          .map((i) => `IMDS ${i.instance} (${i.instanceId}): AWS_EC2_METADATA_SERVICE_ENDPOINT=${i.url}\n`)
          .join(''),
    );
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        clearTimeout(timer);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      const timer = args.stopAfter === undefined ? undefined : setTimeout(stop, args.stopAfter * 1000);
    });
    await server.close();
    writeRecord();
    if (record !== undefined) io.stdout(`recorded ${session.records.length} call(s) to ${args.record}\n`);
    return 0;
  },
});
