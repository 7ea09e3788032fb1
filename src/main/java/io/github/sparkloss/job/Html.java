package io.github.sparkloss.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Text for the HTML page: escaping for text and (double-quoted) attribute contexts, control
 * characters made visible, and the report's numbers read and formatted.
 */
final class Html {
  private Html() {}

  /** {@code s} with control characters made visible, escaped for HTML text and attributes. */
  static String esc(String s) {
    String v = visible(s);
    StringBuilder b = new StringBuilder(v.length() + 16);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * {@code s} with every control character shown as a visible symbol: C0 controls as their Unicode
   * control pictures (a newline as ␊), DEL as ␡, and C1 controls and line or paragraph separators
   * as {@code \}{@code uXXXX}, so that no value can break a line, a cell or the layout.
   */
  static String visible(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20) {
        b.append((char) (0x2400 + c));
      } else if (c == 0x7f) {
        b.append('\u2421');
      } else if (c >= 0x80 && c <= 0x9f || c == '\u2028' || c == '\u2029' || c == '\ufeff') {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The first {@code max} characters of {@code s} (whole code points), with … when cut. */
  static String shorten(String s, int max) {
    if (s.codePointCount(0, s.length()) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
  }

  /**
   * A group as one line of text: {@code column=value} pairs joined by ", ", or "all rows" when the
   * report has no group_by. Strings stand as they are, other values as JSON writes them.
   */
  static String groupText(JsonNode group) {
    if (group == null || !group.isObject() || group.isEmpty()) {
      return "all rows";
    }
    StringBuilder b = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = group.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      b.append(b.length() == 0 ? "" : ", ")
          .append(e.getKey())
          .append('=')
          .append(v.isTextual() ? v.asText() : v.toString());
    }
    return b.toString();
  }

  /**
   * A report number: a JSON number, or one of the strings "NaN", "Infinity", "-Infinity"; null when
   * the field is absent, null or anything else.
   */
  static Double number(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      return switch (n.asText()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> null;
      };
    }
    return null;
  }

  /**
   * Whether a chart can draw {@code v}: present, finite and within ±1e300, so that no scale built
   * from drawn values overflows. Other values get a "not drawn" note; the tables show every value.
   */
  static boolean finite(Double v) {
    return v != null && Double.isFinite(v) && Math.abs(v) <= 1e300;
  }

  /** A number for people: six significant digits, n/a when absent, NaN and ±∞ as such. */
  static String fmt(Double v) {
    if (v == null) {
      return "n/a";
    }
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "−∞";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-4 && a < 1e9) {
      BigDecimal d = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
      return d.toPlainString();
    }
    return String.format(Locale.ROOT, "%.5e", v);
  }

  /** A count with thousands separators, or n/a. */
  static String count(JsonNode n) {
    return n != null && n.isIntegralNumber()
        ? String.format(Locale.ROOT, "%,d", n.asLong())
        : n != null && n.isTextual() ? esc(n.asText()) : "n/a";
  }

  /** A p-value: four significant digits, "&lt; 0.0001" below that. */
  static String pValue(Double p) {
    if (finite(p) && p < 1e-4 && p >= 0) {
      return "&lt; 0.0001";
    }
    return finite(p) ? fmt(new BigDecimal(p).round(new MathContext(4)).doubleValue()) : fmt(p);
  }

  /** An SVG coordinate; the page never draws a coordinate that is not finite. */
  static String coord(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("coordinate " + v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
