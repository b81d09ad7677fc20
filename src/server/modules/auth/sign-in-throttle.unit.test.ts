import { describe, expect, it } from 'vitest';
import { createSignInThrottle } from './sign-in-throttle.ts';

describe('sign-in throttle', () => {
  const options = { maxPerEmail: 3, maxPerAddress: 5, windowMs: 60_000 };

  it('blocks an email after its failures until the oldest leaves the window', () => {
    const throttle = createSignInThrottle(options);
    for (const at of [0, 10_000, 20_000]) throttle.recordFailure('A@x.dev', '1.1.1.1', at);
    expect(throttle.retryAfterSeconds('a@x.dev', '2.2.2.2', 30_000)).toBe(30);
    expect(throttle.retryAfterSeconds('a@x.dev', '2.2.2.2', 60_001)).toBe(0);
  });

  it('blocks an address that tries many emails', () => {
    const throttle = createSignInThrottle(options);
    for (let index = 0; index < 5; index += 1) throttle.recordFailure(`user${index}@x.dev`, '9.9.9.9', 0);
    expect(throttle.retryAfterSeconds('fresh@x.dev', '9.9.9.9', 1_000)).toBe(59);
    expect(throttle.retryAfterSeconds('fresh@x.dev', '8.8.8.8', 1_000)).toBe(0);
  });

  it('forgets an email’s failures after a successful sign-in', () => {
    const throttle = createSignInThrottle(options);
    for (let index = 0; index < 3; index += 1) throttle.recordFailure('b@x.dev', `10.0.0.${index}`, 0);
    throttle.recordSuccess('b@x.dev');
    expect(throttle.retryAfterSeconds('b@x.dev', '10.0.0.9', 1)).toBe(0);
  });
});
