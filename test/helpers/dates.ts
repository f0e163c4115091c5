// Dates as a lookback process sees them: the tests run children under TZ=Asia/Shanghai (and
// others), which is a day ahead of UTC for 8 hours of every day.

/** Today's date in a time zone, as a process running with TZ=zone computes it. */
export const todayIn = (timeZone: string): string =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(),
  );
