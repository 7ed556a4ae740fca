// In the kernel because it formats nothing but the kernel's own time, for every layer above.

/** Virtual time as h:mm:ss.mmm, e.g. 0:30:02.150; times in the warm-up before t=0 get a minus sign. */
export function formatClock(ms: number): string {
  if (ms < 0) return `-${formatClock(-ms)}`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const milli = ms % 1000;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(milli).padStart(3, '0')}`;
}
