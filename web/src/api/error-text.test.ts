import { describe, expect, it } from 'vitest';
import { planLimits } from '@streamhub/shared/plans';
import { captureErrorCode, explainError } from './error-text.ts';

describe('explainError', () => {
  it('explains plan limits with the numbers of the shared plan table and the next plan', () => {
    const e = explainError({ code: 'PLAN_DESTINATION_LIMIT', message: 'x' }, 'free');
    expect(e.detail).toContain(`at most ${planLimits.free.maxSimultaneousDestinations} destinations`);
    expect(e.detail).toContain(`${planLimits.pro.label} allows ${planLimits.pro.maxSimultaneousDestinations}`);
    expect(explainError({ code: 'PLAN_RESOLUTION_LIMIT', message: 'x' }, 'free').detail).toContain('720p');
  });

  it('keeps the server message for codes it has no text for', () => {
    expect(explainError({ code: 'DESTINATION_NOT_FOUND', message: 'Destination not found.' }, 'pro').detail).toBe('Destination not found.');
  });

  it('maps a denied camera permission to its code', () => {
    expect(captureErrorCode(new DOMException('denied', 'NotAllowedError'))).toBe('CAPTURE_PERMISSION_DENIED');
    expect(captureErrorCode(new Error('x'))).toBeUndefined();
  });
});
