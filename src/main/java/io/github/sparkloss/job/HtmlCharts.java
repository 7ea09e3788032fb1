package io.github.sparkloss.job;

import static io.github.sparkloss.job.Html.coord;
import static io.github.sparkloss.job.Html.esc;
import static io.github.sparkloss.job.Html.finite;
import static io.github.sparkloss.job.Html.fmt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inline SVG charts of the HTML page: dot plots of a value per row with its interval as a
 * whisker, and bar charts from zero. Only finite numbers are drawn; a value that is absent, NaN or
 * infinite gets a "not drawn" note in its row instead, so no coordinate is ever NaN.
 */
final class HtmlCharts {
  private HtmlCharts() {}

  static final int WIDTH = 760;
  static final int LABEL_X = 8;
  static final int PLOT_X0 = 240;
  static final int PLOT_X1 = 740;
  static final int ROW = 26;
  static final int TOP = 8;
  static final int AXIS = 30;
  static final int LABEL_CHARS = 34;

  /**
   * One row of a chart: its label, value and interval (each may be absent or not finite), and the
   * attributes that name it on every element drawn for it.
   */
  record Mark(String label, Double value, Double low, Double high, Map<String, String> attrs) {
    boolean hasInterval() {
      return finite(low) && finite(high);
    }
  }

  /** The CSS classes a chart gives its rows, points and whiskers. */
  record Classes(String row, String point, String whisker) {}

  /** A linear map from a value domain onto the plot's x range. */
  record Scale(double lo, double hi, double step) {
    double x(double v) {
      double clamped = Math.max(lo, Math.min(hi, v));
      return PLOT_X0 + (clamped - lo) / (hi - lo) * (PLOT_X1 - PLOT_X0);
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; i <= 50 && lo + i * step <= hi + step * 1e-9; i++) {
        ticks.add(lo + i * step);
      }
      return ticks;
    }
  }

  /** Marks as a dot plot: a point per value, a whisker per interval, a zero line if asked. */
  static String dotPlot(List<Mark> marks, Classes classes, boolean zeroLine, String caption) {
    return chart(marks, classes, zeroLine, false, caption, HtmlCharts::dotRow);
  }

  /** Marks as bars from zero, each with its whisker when it has an interval. */
  static String barChart(List<Mark> marks, Classes classes, String caption) {
    return chart(marks, classes, true, true, caption, HtmlCharts::barRow);
  }

  /** How one mark's row is drawn. */
  private interface RowDrawer {
    void draw(StringBuilder svg, Mark m, int i, Scale scale, Classes classes);
  }

  /** The chart of {@code marks}: a scale (with zero, and bars from zero, if asked), rows. */
  private static String chart(
      List<Mark> marks,
      Classes classes,
      boolean withZero,
      boolean bars,
      String caption,
      RowDrawer row) {
    Scale scale = scale(marks, withZero, bars);
    StringBuilder svg = open(marks.size(), caption);
    if (scale != null) {
      axis(svg, scale, marks.size(), withZero);
    }
    for (int i = 0; i < marks.size(); i++) {
      row.draw(svg, marks.get(i), i, scale, classes);
    }
    return svg.append("</svg>\n").toString();
  }

  private static StringBuilder open(int rows, String caption) {
    int height = TOP + rows * ROW + AXIS;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" role=\"img\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\"><title>")
        .append(esc(caption))
        .append("</title>\n");
    return svg;
  }

  private static double rowY(int i) {
    return TOP + i * ROW + ROW / 2.0;
  }

  private static void dotRow(StringBuilder svg, Mark m, int i, Scale scale, Classes classes) {
    double y = rowY(i);
    svg.append("<g class=\"").append(classes.row()).append('"').append(attrs(m)).append('>');
    label(svg, m, y);
    if (scale != null && finite(m.value())) {
      if (m.hasInterval()) {
        whisker(svg, m, scale, y, classes.whisker());
      }
      svg.append("<circle class=\"")
          .append(classes.point())
          .append('"')
          .append(attrs(m))
          .append(" cx=\"")
          .append(coord(scale.x(m.value())))
          .append("\" cy=\"")
          .append(coord(y))
          .append("\" r=\"4.5\"><title>")
          .append(esc(tooltip(m)))
          .append("</title></circle>");
    } else {
      notDrawn(svg, m, y);
    }
    svg.append("</g>\n");
  }

  private static void barRow(StringBuilder svg, Mark m, int i, Scale scale, Classes classes) {
    double y = rowY(i);
    svg.append("<g class=\"").append(classes.row()).append('"').append(attrs(m)).append('>');
    label(svg, m, y);
    if (scale != null && finite(m.value())) {
      double x0 = scale.x(0);
      double x1 = scale.x(m.value());
      svg.append("<rect class=\"")
          .append(classes.point())
          .append('"')
          .append(attrs(m))
          .append(" x=\"")
          .append(coord(Math.min(x0, x1)))
          .append("\" y=\"")
          .append(coord(y - 8))
          .append("\" width=\"")
          .append(coord(Math.max(1.5, Math.abs(x1 - x0))))
          .append("\" height=\"16\"><title>")
          .append(esc(tooltip(m)))
          .append("</title></rect>");
      if (m.hasInterval()) {
        whisker(svg, m, scale, y, classes.whisker());
      }
    } else {
      notDrawn(svg, m, y);
    }
    svg.append("</g>\n");
  }

  /** The interval as a bar with end caps: a group with a height even when the interval is 0. */
  private static void whisker(StringBuilder svg, Mark m, Scale scale, double y, String cls) {
    double lo = scale.x(m.low());
    double hi = scale.x(m.high());
    svg.append("<g class=\"").append(cls).append('"').append(attrs(m)).append('>');
    rect(svg, Math.min(lo, hi), y - 1, Math.max(1, Math.abs(hi - lo)), 2);
    rect(svg, lo - 0.75, y - 6, 1.5, 12);
    rect(svg, hi - 0.75, y - 6, 1.5, 12);
    svg.append("<title>")
        .append(esc(m.label() + ": interval " + fmt(m.low()) + " to " + fmt(m.high())))
        .append("</title></g>");
  }

  private static void rect(StringBuilder svg, double x, double y, double w, double h) {
    svg.append("<rect x=\"")
        .append(coord(x))
        .append("\" y=\"")
        .append(coord(y))
        .append("\" width=\"")
        .append(coord(w))
        .append("\" height=\"")
        .append(coord(h))
        .append("\"/>");
  }

  private static void label(StringBuilder svg, Mark m, double y) {
    svg.append("<text class=\"row-label\" x=\"")
        .append(LABEL_X)
        .append("\" y=\"")
        .append(coord(y + 4))
        .append("\">")
        .append(esc(Html.shorten(Html.visible(m.label()), LABEL_CHARS)))
        .append("<title>")
        .append(esc(m.label()))
        .append("</title></text>");
  }

  private static void notDrawn(StringBuilder svg, Mark m, double y) {
    svg.append("<text class=\"not-drawn\"")
        .append(attrs(m))
        .append(" x=\"")
        .append(PLOT_X0)
        .append("\" y=\"")
        .append(coord(y + 4))
        .append("\">not drawn: the value is ")
        .append(fmt(m.value()))
        .append("</text>");
  }

  private static String tooltip(Mark m) {
    String text = m.label() + ": " + fmt(m.value());
    return m.hasInterval() ? text + " (" + fmt(m.low()) + " to " + fmt(m.high()) + ")" : text;
  }

  /** The mark's attributes, each escaped, as {@code name="value"} pairs. */
  private static String attrs(Mark m) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : m.attrs().entrySet()) {
      b.append(' ').append(e.getKey()).append("=\"").append(esc(e.getValue())).append('"');
    }
    return b.toString();
  }

  /** Gridlines and tick labels below the rows, and the zero line when asked. */
  private static void axis(StringBuilder svg, Scale scale, int rows, boolean zeroLine) {
    double bottom = TOP + rows * ROW;
    for (double t : scale.ticks()) {
      String x = coord(scale.x(t));
      svg.append("<line class=\"grid\" x1=\"")
          .append(x)
          .append("\" x2=\"")
          .append(x)
          .append("\" y1=\"")
          .append(TOP)
          .append("\" y2=\"")
          .append(coord(bottom))
          .append("\"/><text class=\"tick\" x=\"")
          .append(x)
          .append("\" y=\"")
          .append(coord(bottom + 18))
          .append("\">")
          .append(fmt(t))
          .append("</text>\n");
    }
    if (zeroLine && scale.lo() <= 0 && scale.hi() >= 0) {
      String x = coord(scale.x(0));
      svg.append("<line class=\"zero\" x1=\"")
          .append(x)
          .append("\" x2=\"")
          .append(x)
          .append("\" y1=\"")
          .append(TOP)
          .append("\" y2=\"")
          .append(coord(bottom))
          .append("\"/>\n");
    }
  }

  /**
   * A domain holding every finite value and interval bound (and zero when asked), widened to whole
   * ticks; null when there is nothing finite to draw.
   */
  static Scale scale(List<Mark> marks, boolean withZero, boolean barsFromZero) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    boolean any = false;
    for (Mark m : marks) {
      for (Double v : new Double[] {m.value(), m.low(), m.high()}) {
        if (finite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
          any = true;
        }
      }
    }
    if (!any) {
      return null;
    }
    if (withZero || barsFromZero) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    if (hi - lo <= 0 || !Double.isFinite(hi - lo)) {
      double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
    if (!Double.isFinite(hi - lo)) {
      lo = -Double.MAX_VALUE / 4;
      hi = Double.MAX_VALUE / 4;
    }
    double step = niceStep((hi - lo) / 5);
    return new Scale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double f : new double[] {1, 2, 5, 10}) {
      if (f * power >= raw) {
        return f * power;
      }
    }
    return 10 * power;
  }

  /** Attributes in the order given: name, value, name, value... */
  static Map<String, String> attrs(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
