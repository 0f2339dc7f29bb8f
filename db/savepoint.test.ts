import { describe, expect, it } from 'vitest';
import { openDb, writeTransaction } from './client';
import { inSavepoint } from './savepoint';

function setup() {
  const db = openDb({ url: ':memory:', sync: 'normal', migrate: false });
  db.$client.exec('create table t (v text)');
  const values = () => (db.$client.prepare('select v from t order by rowid').pluck().all() as string[]);
  const put = (v: string) => db.$client.prepare('insert into t (v) values (?)').run(v);
  return { db, values, put };
}

describe('inSavepoint', () => {
  it('keeps what fn wrote, undoes it when fn throws, and leaves the rest of the transaction alone', () => {
    const { db, values, put } = setup();
    writeTransaction(db, (tx) => {
      put('before');
      inSavepoint(tx, () => put('kept'));
      expect(() =>
        inSavepoint(tx, () => {
          put('undone');
          throw new Error('rule failed');
        }),
      ).toThrow('rule failed');
      put('after');
    });
    expect(values()).toEqual(['before', 'kept', 'after']);
  });

  it('nests: an inner failure caught inside undoes only the inner writes', () => {
    const { db, values, put } = setup();
    writeTransaction(db, (tx) => {
      inSavepoint(tx, () => {
        put('outer');
        try {
          inSavepoint(tx, () => {
            put('inner');
            throw new Error('inner');
          });
        } catch {
          put('recovered');
        }
      });
      expect(() =>
        inSavepoint(tx, () => {
          inSavepoint(tx, () => put('inner kept, then undone with its outer'));
          throw new Error('outer');
        }),
      ).toThrow('outer');
    });
    expect(values()).toEqual(['outer', 'recovered']);
    expect(db.$client.inTransaction).toBe(false);
  });
});
