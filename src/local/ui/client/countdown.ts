// The SLA clock's words. Whether a deadline is breached is decided on the exact instants, not on the
// rounded minutes: a deadline 10 s past is breached (the SLA timer may already have escalated it), and
// rounding it to "in 0m" would contradict the escalation shown beside it.

/** "in 12m" / "breached 3m ago" / "met"; hours from 120 minutes on. */
export function countdownText(
  deadline: string,
  now: string,
  done: boolean,
): { text: string; breached: boolean } {
  if (done) return { text: 'met', breached: false };
  const remaining = Date.parse(deadline) - Date.parse(now);
  const minutes = Math.round(Math.abs(remaining) / 60_000);
  const amount = minutes >= 120 ? `${Math.round(minutes / 60)}h` : `${minutes}m`;
  return remaining < 0
    ? { text: `breached ${amount} ago`, breached: true }
    : { text: `in ${amount}`, breached: false };
}
