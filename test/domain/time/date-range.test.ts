import { expect } from 'chai';
import { isWithin, parseDateRange } from '../../../src/domain/time/date-range';
import { thrownBy } from '../../support/async';

describe('date ranges', () => {
  it('reads days as whole UTC days and instants as instants', () => {
    expect(parseDateRange({ date_from: '2026-01-10', date_to: '2026-01-12' })).to.deep.equal({
      from: '2026-01-10T00:00:00.000Z',
      until: '2026-01-13T00:00:00.000Z',
    });
    expect(parseDateRange({ date_from: '2026-01-10T12:00:00+02:00', date_to: '2026-01-10T12:00:00Z' })).to.deep.equal({
      from: '2026-01-10T10:00:00.000Z',
      until: '2026-01-10T12:00:00.001Z',
    });
    expect(parseDateRange({})).to.deep.equal({});
    expect(parseDateRange({ date_to: '2026-01-10' })).to.deep.equal({ until: '2026-01-11T00:00:00.000Z' });
  });

  it('accepts a one-day range', () => {
    const range = parseDateRange({ date_from: '2026-01-10', date_to: '2026-01-10' });
    expect(isWithin('2026-01-10T23:59:59.999Z', range)).to.equal(true);
    expect(isWithin('2026-01-11T00:00:00.000Z', range)).to.equal(false);
    expect(isWithin('2026-01-09T23:59:59.999+00:00', range)).to.equal(false);
  });

  it('rejects an inverted range naming both fields, and impossible dates', () => {
    const inverted = thrownBy(() => parseDateRange({ date_from: '2026-01-12', date_to: '2026-01-10' })) as unknown as {
      code: string;
      details: { fields: { path: string }[] };
    };
    expect(inverted.code).to.equal('VALIDATION_ERROR');
    expect(inverted.details.fields.map((f) => f.path)).to.deep.equal(['date_from', 'date_to']);
    for (const date_from of ['2026-13-45', '2026-02-30', '2026-02-30T10:00:00Z', 'yesterday']) {
      const impossible = thrownBy(() => parseDateRange({ date_from })) as unknown as { details: { fields: { path: string }[] } };
      expect(
        impossible.details.fields.map((f) => f.path),
        date_from,
      ).to.deep.equal(['date_from']);
    }
  });
});
