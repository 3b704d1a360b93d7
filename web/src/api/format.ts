import type { Status } from './types';

const grouped = (maximumFractionDigits: number, minimumFractionDigits = 0) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits, minimumFractionDigits });
const whole = grouped(0);
const cents = grouped(2, 2);

/**
 * A quota as the options say: in dollars (quota / QuotaPerUnit) when DisplayInCurrencyEnabled, else raw units, both with
 * thousands separators. Small dollar amounts keep enough digits to stay visible instead of rounding to $0.00.
 */
export function formatQuota(quota: number, status: Pick<Status, 'display_in_currency' | 'quota_per_unit'> | undefined): string {
  if (!status?.display_in_currency || !(status.quota_per_unit > 0)) return whole.format(quota);
  const dollars = quota / status.quota_per_unit;
  const size = Math.abs(dollars);
  if (size === 0 || size >= 0.01) return '$' + cents.format(dollars);
  // two significant digits below a cent: $0.0012, $0.000024
  const digits = Math.min(8, 1 - Math.floor(Math.log10(size)));
  return '$' + grouped(digits).format(dollars);
}

/** Dollars typed by an operator into quota units, when the console shows currency. */
export function quotaFromInput(value: number, status: Status | undefined): number {
  return status?.display_in_currency && status.quota_per_unit > 0 ? Math.round(value * status.quota_per_unit) : Math.round(value);
}

export function quotaToInput(quota: number, status: Status | undefined): number {
  return status?.display_in_currency && status.quota_per_unit > 0 ? quota / status.quota_per_unit : quota;
}

export const formatNumber = (n: number) => whole.format(n);

export function formatTime(unixSeconds: number): string {
  if (!unixSeconds || unixSeconds < 0) return '—';
  return new Date(unixSeconds * 1000).toLocaleString();
}
