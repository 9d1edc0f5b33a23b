import { describe, expect, it } from 'vitest';
import { countdownText } from '../../../src/local/ui/client/countdown.js';

describe('the SLA clock on the operations page', () => {
  const deadline = '2026-01-01T01:00:00.000Z';

  it('calls a deadline seconds past breached, not "in 0m" (the timer may have escalated it already)', () => {
    expect(countdownText(deadline, '2026-01-01T01:00:10.000Z', false)).toEqual({
      text: 'breached 0m ago',
      breached: true,
    });
  });

  it('counts down to a deadline still ahead, to the exact instant', () => {
    expect(countdownText(deadline, '2026-01-01T00:59:50.000Z', false)).toEqual({
      text: 'in 0m',
      breached: false,
    });
    expect(countdownText(deadline, deadline, false)).toEqual({ text: 'in 0m', breached: false });
    expect(countdownText(deadline, '2026-01-01T00:48:00.000Z', false)).toEqual({
      text: 'in 12m',
      breached: false,
    });
  });

  it('switches to hours from 120 minutes, and says met once done', () => {
    expect(countdownText(deadline, '2026-01-01T04:00:00.000Z', false)).toEqual({
      text: 'breached 3h ago',
      breached: true,
    });
    expect(countdownText(deadline, '2026-01-01T04:00:00.000Z', true)).toEqual({
      text: 'met',
      breached: false,
    });
  });
});
