import crypto from 'node:crypto';
import type { DatabaseConnection } from '../../db/database.ts';
import type { Storage } from '../storage/storage.ts';
import { readCultus } from './cultus/cultus.source.ts';
import { cultusSteps } from './cultus/cultus.mapping.ts';
import { runStep } from './import-engine.ts';
import { IdResolver, type ProgressListener, type Step, type StepReport } from './import-plan.ts';
import * as repository from './import.repository.ts';
import type { ImportSource } from './import.table.ts';
import { readPrism } from './prism/prism.source.ts';
import { prismSteps } from './prism/prism.mapping.ts';
import { copyVideos, videoSourceOf, type VideoReport } from './videos.ts';

export type ImportOptions = {
  source: ImportSource;
  /** The source database: `postgres://…` (cultus) or `mysql://…` (prism). */
  from: string;
  dryRun: boolean;
  /** A product by id or name for worklets without one; created with that name when there is none. */
  defaultProduct?: string;
  /** A client by id or name for students without one; created with that name when there is none. */
  defaultClient?: string;
  /** Where the source's session videos are: a folder, or `s3://bucket/prefix`. */
  videosFrom?: string;
  videosEndpoint?: string;
  videosRegion?: string;
};

export type ImportContext = {
  database: DatabaseConnection;
  storage: Storage;
  /** A folder for videos on their way into storage. */
  stagingDir: string;
  maxVideoBytes: number;
  onProgress?: ProgressListener;
};

export type DefaultReport = { option: string; name: string; id: string; action: 'found' | 'create' | 'link' };

export type ImportReport = {
  source: ImportSource;
  dryRun: boolean;
  /** Rows read from each source table. */
  read: Record<string, number>;
  defaults: DefaultReport[];
  steps: StepReport[];
  videos?: VideoReport;
  seconds: number;
};

/**
 * Imports a cultus-platform or PrismWorklet database into this one (or, with `dryRun`, only says
 * what that would do). The source is read in one read-only snapshot; then each table's rows are
 * written in batches, each committed with its id-map entries, so an interrupted import can simply
 * be run again; then the videos are copied.
 */
export async function runImport(context: ImportContext, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const { db } = context.database;
  const targetMigrated = await repository.isMigrated(db);
  if (!targetMigrated && !options.dryRun) throw new Error('The database is not migrated: run npm run db:migrate first.');
  const defaults: DefaultReport[] = [];
  const named = async (kind: 'product' | 'client', option: string, nameOrId: string | undefined) => {
    if (!nameOrId) return undefined;
    const found = targetMigrated ? await repository.findNamed(db, kind, nameOrId) : undefined;
    if (found) {
      defaults.push({ option, name: found.name, id: found.id, action: 'found' });
      return found.id;
    }
    const id = crypto.randomUUID();
    if (!options.dryRun)
      await (kind === 'product' ? repository.insertNamedProduct(db, id, nameOrId) : repository.insertNamedClient(db, id, nameOrId));
    defaults.push({ option, name: nameOrId, id, action: 'create' });
    return id;
  };
  const defaultProductId = await named('product', '--default-product', options.defaultProduct);
  const defaultClientId = await named('client', '--default-client', options.defaultClient);
  // Students of the default client must reach the default product's worklets.
  if (
    defaultProductId &&
    defaultClientId &&
    !(targetMigrated && (await repository.hasClientProduct(db, defaultClientId, defaultProductId)))
  ) {
    if (!options.dryRun) await repository.addClientProduct(db, defaultClientId, defaultProductId);
    defaults.push({
      option: '--default-client gets --default-product',
      name: `${options.defaultClient} → ${options.defaultProduct}`,
      id: `${defaultClientId}:${defaultProductId}`,
      action: 'link',
    });
  }

  const ids = new IdResolver();
  const run = async (steps: Step<unknown>[]) => {
    const reports: StepReport[] = [];
    for (const step of steps) {
      reports.push(
        await runStep(db, options.source, step, ids, {
          dryRun: options.dryRun,
          blankTarget: !targetMigrated,
          onProgress: context.onProgress,
        }),
      );
    }
    return reports;
  };

  if (options.source === 'cultus') {
    const data = await readCultus(options.from);
    const steps = await run(cultusSteps(data, { defaultClientId, now: new Date() }));
    const videos = await copyVideos(
      {
        db,
        storage: context.storage,
        stagingDir: context.stagingDir,
        maxVideoBytes: context.maxVideoBytes,
        dryRun: options.dryRun,
        targetMigrated,
      },
      data.sessions.map((row) => ({ row, sourceTable: 'job_readiness_expert_sessions' })),
      ids,
      options.videosFrom
        ? videoSourceOf(options.videosFrom, { endpoint: options.videosEndpoint, region: options.videosRegion })
        : undefined,
      (done, total) => context.onProgress?.('videos', done, total),
    );
    return {
      source: 'cultus',
      dryRun: options.dryRun,
      read: {
        'auth.users': data.authUsers.length,
        profiles: data.profiles.length,
        students: data.students.length,
        clients: data.clients.length,
        products: data.products.length,
        client_product_assignments: data.clientProducts.length,
        job_readiness_expert_sessions: data.sessions.length,
        job_readiness_expert_session_products: data.sessionProducts.length,
        job_readiness_expert_session_progress: data.progress.length,
      },
      defaults,
      steps,
      videos,
      seconds: (performance.now() - started) / 1000,
    };
  }
  const data = await readPrism(options.from);
  const steps = await run(prismSteps(data, { defaultProductId, defaultClientId }));
  return {
    source: 'prism',
    dryRun: options.dryRun,
    read: {
      users: data.users.length,
      mentors: data.mentors.length,
      worklets: data.worklets.length,
      students: data.students.length,
      user_worklet_association: data.associations.length,
      evaluations: data.evaluations.length,
    },
    defaults,
    steps,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The report as the command prints it: what was read, per table what was (or would be) done, and every row not brought over as it was. */
export function formatReport(report: ImportReport): string {
  const lines: string[] = [];
  const would = report.dryRun ? ' (dry run: nothing written)' : '';
  lines.push(`Import from ${report.source === 'cultus' ? 'cultus-platform' : 'PrismWorklet'}${would}`);
  lines.push(
    `Read: ${Object.entries(report.read)
      .map(([table, count]) => `${table} ${count}`)
      .join(', ')}`,
  );
  for (const entry of report.defaults) {
    const verb = { found: 'uses', create: report.dryRun ? 'would create' : 'created', link: report.dryRun ? 'would link' : 'linked' }[
      entry.action
    ];
    lines.push(`${entry.option}: ${verb} "${entry.name}"`);
  }
  const header = ['table', 'create', 'update', 'link', 'unchanged', 'skip'];
  const table = [
    header,
    ...report.steps.map((step) => [
      step.table,
      ...(['create', 'update', 'link', 'unchanged', 'skip'] as const).map((action) => String(step.counts[action])),
    ]),
  ];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  lines.push('');
  for (const row of table)
    lines.push(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
  if (report.videos) {
    const { copied, bytes, alreadyHere, missing } = report.videos;
    lines.push('');
    lines.push(
      `videos: ${copied} ${report.dryRun ? 'to copy' : 'copied'} (${(bytes / 1024 ** 2).toFixed(1)} MiB), ${alreadyHere} here already, ${missing.length} missing`,
    );
  }
  const problems = [...report.steps.flatMap((step) => step.problems), ...(report.videos?.missing ?? [])];
  if (problems.length) {
    lines.push('');
    lines.push('Rows not brought over as they were:');
    for (const problem of problems)
      lines.push(
        `  ${problem.kind === 'skipped' ? 'skipped ' : 'adjusted'}  ${problem.sourceTable} ${problem.sourceId}: ${problem.reason}`,
      );
  }
  lines.push('');
  lines.push(`${report.dryRun ? 'Planned' : 'Done'} in ${report.seconds.toFixed(1)} s.`);
  return lines.join('\n');
}
