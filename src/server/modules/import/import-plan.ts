import type { Database } from '../../db/database.ts';

// What an import plans and what writes it: the types the mappings, the writers (import.repository.ts)
// and the engine share, apart from the engine so that the writers do not import it back.

/**
 * A source row that is not brought over (`skipped`), or is brought over changed (`adjusted`), and
 * why; a reference to a row that is not brought over also has its `code` and `field`.
 */
export type Problem = {
  sourceTable: string;
  sourceId: string;
  kind: 'skipped' | 'adjusted';
  reason: string;
  code?: string;
  field?: string;
};

/**
 * A source row whose `field` names a row that is not brought over: skipped (or, for a reference it
 * can do without, `adjusted`: imported without it), with the code a writer refuses such a row with
 * (`import.reference_missing`). The reason says whether the source has no such row at all (a
 * dangling reference) or has it but it was not imported, which its own entry explains.
 */
export function unresolvedReference(
  row: { sourceTable: string; sourceId: unknown; field: string; value: unknown },
  target: { table: string; inSource: boolean },
  kind: Problem['kind'] = 'skipped',
): Problem {
  const { sourceTable, sourceId, field, value } = row;
  const why = target.inSource ? `the ${target.table} row it names was not imported` : `${target.table} has no such row`;
  return {
    sourceTable,
    sourceId: String(sourceId),
    kind,
    code: 'import.reference_missing',
    field,
    reason: `${field} ${value}: ${why}${kind === 'adjusted' ? '; imported without it' : ''}`,
  };
}

/** One row to write here, planned from one source row (and maybe folded together with others). */
export type PlannedRow<Values> = {
  sourceTable: string;
  sourceId: string;
  /** Further source rows this one also stands for (a Prism mentor's `mentors` row beside their `users` row). */
  alsoFrom?: Array<{ sourceTable: string; sourceId: string }>;
  /** The id it gets when created: the source's UUID, or UUID v5 of a source integer; `a:b` for link tables. */
  targetId: string;
  values: Values;
  /**
   * Set by the engine for a link whose source row now names other ends: the link it was (`from`),
   * which goes unless another source row of the run still names it (`keepOld`).
   */
  moved?: { from: string; keepOld: boolean };
};

export type Plan<Values> = { rows: PlannedRow<Values>[]; problems: Problem[] };

/** What a step writes with; every method runs inside the batch's transaction. */
export type TableWriter<Values> = {
  table: string;
  insert(tx: Database, rows: Array<PlannedRow<Values>>): Promise<void>;
  update(tx: Database, rows: Array<PlannedRow<Values>>): Promise<void>;
  /** A row already here that was not imported but is the same thing (same email, name, cert id): it is linked, not created. */
  findExisting?(db: Database, rows: Array<PlannedRow<Values>>): Promise<Map<string, string>>;
  /** What linking to such a row writes besides the id map (nothing by default). */
  link?(tx: Database, rows: Array<PlannedRow<Values>>): Promise<void>;
  /** Of these ids, those whose row still exists here (a row deleted here since is created again). */
  existingIds(db: Database, ids: string[]): Promise<Set<string>>;
  /** A link, whose id is its ends: a source row that names other ends since moves it (`PlannedRow.moved`). */
  moves?: true;
  /**
   * Rows with an id whose ends are unique too (a mentor on a worklet): a source row that names other
   * ends since moves to the row at those ends, made if there is none (`PlannedRow.moved`).
   */
  ends?: {
    of(values: Values): string;
    /** The ends of these rows here, by id. */
    at(db: Database, ids: string[]): Promise<Map<string, string>>;
    /** The rows here at these ends: ends → id. */
    find(db: Database, ends: string[]): Promise<Map<string, string>>;
    /** Takes away, first in its batch, the rows these moved from that no source row of the run names. */
    leave(tx: Database, rows: Array<PlannedRow<Values>>): Promise<void>;
  };
};

export type Step<Values> = {
  writer: TableWriter<Values>;
  plan(ids: IdResolver): Plan<Values> | Promise<Plan<Values>>;
};

export type Action = 'create' | 'update' | 'link' | 'unchanged';
export type StepReport = { table: string; counts: Record<Action | 'skip', number>; problems: Problem[] };

export type ProgressListener = (table: string, done: number, total: number) => void;

/** Our id of an imported (or, in a dry run, planned) source row, for the steps that refer to it. */
export class IdResolver {
  private readonly ids = new Map<string, string>();
  record(sourceTable: string, sourceId: string, targetId: string) {
    this.ids.set(`${sourceTable}\u0000${sourceId}`, targetId);
  }
  get(sourceTable: string, sourceId: unknown): string | undefined {
    return sourceId === null || sourceId === undefined ? undefined : this.ids.get(`${sourceTable}\u0000${String(sourceId)}`);
  }
}
