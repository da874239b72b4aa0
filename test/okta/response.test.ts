import { describe, expect, it } from 'vitest';
import { parseRateLimit, parseServerDate } from '../../src/okta/response.js';

describe('parseRateLimit', () => {
  it('reads one header of each', () => {
    expect(parseRateLimit({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': '1764662400' })).toEqual({ limit: 600, remaining: 599, reset: 1764662400 });
    expect(parseRateLimit({ 'x-rate-limit-limit': ' 600 ', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1764662400' })).toEqual({ limit: 600, remaining: 0, reset: 1764662400 });
  });

  it('takes the most conservative value of a repeated header or a list: smallest limit and remaining, latest reset', () => {
    expect(parseRateLimit({ 'x-rate-limit-limit': ['600', '100'], 'x-rate-limit-remaining': '50, 7', 'x-rate-limit-reset': ['1764662400', '1764662460,1764662430'] })).toEqual({
      limit: 100,
      remaining: 7,
      reset: 1764662460,
    });
  });

  it('ignores values that are not numbers; null when a header is missing or holds none', () => {
    expect(parseRateLimit({ 'x-rate-limit-limit': 'many, 600', 'x-rate-limit-remaining': '9', 'x-rate-limit-reset': '1764662400' })).toEqual({ limit: 600, remaining: 9, reset: 1764662400 });
    expect(parseRateLimit({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '9' })).toBeNull();
    expect(parseRateLimit({ 'x-rate-limit-limit': 'soon', 'x-rate-limit-remaining': '9', 'x-rate-limit-reset': '1764662400' })).toBeNull();
    expect(parseRateLimit({})).toBeNull();
  });
});

describe('parseServerDate', () => {
  it('reads an HTTP date in epoch ms; null when absent or unreadable', () => {
    expect(parseServerDate({ date: 'Wed, 02 Dec 2026 09:10:00 GMT' })).toBe(Date.UTC(2026, 11, 2, 9, 10, 0));
    expect(parseServerDate({})).toBeNull();
    expect(parseServerDate({ date: 'yesterday' })).toBeNull();
  });
});
