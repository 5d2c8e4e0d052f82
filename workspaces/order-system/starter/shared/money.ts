/** Rounds an amount of dollars to cents (49.99 * 3 -> 149.97, not 149.96999999999997). */
export function roundMoney(amount: number): number {
  return Math.round((amount + Number.EPSILON) * 100) / 100;
}
