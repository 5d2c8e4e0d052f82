import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeChain, maxPain, pcr, PRODUCTS, seededRandom, type OptionRow } from '../shared/market';

const row = (strike: number, type: 'CE' | 'PE', oi: number): OptionRow => ({ strike, type, oi, ltp: 1, iv: 0.2, volume: 0 });

test('max pain of the brief example is 110', () => {
  const options = [
    row(100, 'CE', 1000),
    row(110, 'CE', 2000),
    row(120, 'CE', 500),
    row(100, 'PE', 500),
    row(110, 'PE', 1500),
    row(120, 'PE', 2500),
  ];
  assert.equal(maxPain(options)?.strike, 110);
  assert.equal(pcr(options), 1.2857); // 4500 / 3500
});

test('a chain has 21 strikes around spot, IV in [0.15, 0.35), OI in [1k, 100k]', () => {
  const nifty = PRODUCTS[0];
  assert.ok(nifty);
  const chain = makeChain(nifty, 21_512, '2026-01-01', 1, 0, seededRandom(1));
  const strikes = [...new Set(chain.options.map((o) => o.strike))];
  assert.equal(strikes.length, 21);
  assert.equal(strikes[10], 21_500);
  for (const o of chain.options) {
    assert.ok(o.iv >= 0.15 && o.iv < 0.35);
    assert.ok(o.oi >= 1000 && o.oi <= 100_000);
  }
});
