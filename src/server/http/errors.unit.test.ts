import { describe, expect, it } from 'vitest';
import { databaseRefusal, defineError } from './errors.ts';

const taken = defineError('things.name_taken', 409, 'Taken.');
const constraints = { things_name_unique: { field: 'body.name', error: taken } };
/** As Drizzle throws it: its own error, the driver's in `cause`. */
const wrapped = (driverError: Record<string, unknown>) =>
  Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('driver'), driverError) });

describe('databaseRefusal', () => {
  it('finds the driver error behind Drizzle and answers with the meaning of its constraint', () => {
    const refusal = databaseRefusal(
      wrapped({ code: '23505', constraint: 'things_name_unique', detail: 'Key (name)=(A) already exists.' }),
      'POST',
      constraints,
    );
    expect(refusal).toMatchObject({
      status: 409,
      code: 'things.name_taken',
      details: { fields: [{ path: 'body.name', message: 'Already taken' }] },
    });
  });

  it('names the columns of the detail where no meaning is known', () => {
    const refusal = databaseRefusal(
      wrapped({ code: '23505', constraint: 'x_pk', detail: 'Key (worklet_id, "student_id")=(a, b) already exists.' }),
      'PUT',
      constraints,
    );
    expect(refusal?.details).toEqual({
      fields: [
        { path: 'body.worklet_id', message: 'Already taken' },
        { path: 'body.student_id', message: 'Already taken' },
      ],
    });
  });

  it('tells a foreign key refusing a DELETE (in use) from one refusing any other write (missing row)', () => {
    const error = wrapped({ code: '23503', constraint: 'other_fk', detail: 'Key (thing_id)=(a) is not present in table "things".' });
    expect(databaseRefusal(error, 'DELETE', constraints)).toMatchObject({
      status: 409,
      code: 'record.in_use',
      details: { fields: [{ path: 'params.id' }] },
    });
    expect(databaseRefusal(error, 'PATCH', constraints)).toMatchObject({
      status: 409,
      code: 'record.reference_missing',
      details: { fields: [{ path: 'body.thing_id' }] },
    });
    expect(databaseRefusal(wrapped({ code: '23001' }), 'POST', constraints)).toMatchObject({ code: 'record.in_use' });
  });

  it.each([
    ['23502', { column: 'title' }, 400, 'validation.failed', [{ path: 'body.title', message: 'Required' }]],
    ['23514', { constraint: 'things_check' }, 422, 'record.rule_broken', []],
    ['22021', {}, 400, 'validation.failed', []],
    ['22008', {}, 400, 'validation.failed', []],
    ['22003', {}, 400, 'validation.failed', []],
    ['22P02', {}, 400, 'validation.failed', []],
  ])('%s → %s %s', (code, fields, status, errorCode, named) => {
    expect(databaseRefusal({ code, ...fields }, 'POST', constraints)).toMatchObject({
      status,
      code: errorCode,
      details: { fields: named },
    });
  });

  it.each([
    ['division by zero', { code: '22012' }],
    ['a lost connection', { code: '08006' }],
    ['a serialization failure', { code: '40001' }],
    ['an error that is not PostgreSQL’s', new Error('ENOSPC')],
  ])('leaves %s alone', (_label, error) => {
    expect(databaseRefusal(error, 'POST', constraints)).toBeUndefined();
  });
});
