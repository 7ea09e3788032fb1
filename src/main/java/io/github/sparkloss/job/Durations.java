package io.github.sparkloss.job;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fixed durations as the config gives them ("1 day", "10 minutes", "1 hour 30 minutes"). */
final class Durations {
  private Durations() {}

  private static final Map<String, Long> UNIT_MICROS =
      Map.of(
          "microsecond", 1L,
          "millisecond", 1_000L,
          "second", 1_000_000L,
          "minute", 60_000_000L,
          "hour", 3_600_000_000L,
          "day", 86_400_000_000L,
          "week", 604_800_000_000L);

  private static final Pattern PART =
      Pattern.compile(
          "\\s*(\\d+)\\s*(microsecond|millisecond|second|minute|hour|day|week)s?\\s*",
          Pattern.CASE_INSENSITIVE);

  /** Why {@code text} is not a positive fixed duration, or null when it is one. */
  static String problem(String text) {
    Matcher m = PART.matcher(text);
    int end = 0;
    long total = 0;
    while (m.find() && m.start() == end) {
      end = m.end();
      try {
        total =
            Math.addExact(
                total,
                Math.multiplyExact(
                    Long.parseLong(m.group(1)),
                    UNIT_MICROS.get(m.group(2).toLowerCase(Locale.ROOT))));
      } catch (ArithmeticException | NumberFormatException e) {
        return "is too long";
      }
    }
    if (end == 0 || end != text.length()) {
      return "is not a duration; expected a number and a unit (microseconds to weeks), as in"
          + " '1 day' or '10 minutes'";
    }
    return total > 0 ? null : "must be longer than zero";
  }

  /** The duration in microseconds; {@code text} passed {@link #problem}. */
  static long micros(String text) {
    Matcher m = PART.matcher(text);
    long total = 0;
    while (m.find()) {
      total += Long.parseLong(m.group(1)) * UNIT_MICROS.get(m.group(2).toLowerCase(Locale.ROOT));
    }
    return total;
  }
}
