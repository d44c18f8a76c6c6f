package io.switchboard.loadtest;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG line charts of latency (milliseconds, log scale: tails span orders of magnitude). */
final class Charts {

  /** A named line of (x, y) points; non-positive and NaN y values are left out (log axis). */
  static final class Line {
    final String name;
    final XYSeries series;

    Line(String name) {
      this.name = name;
      this.series = new XYSeries(name, false, true);
    }

    Line add(double x, double y) {
      if (!Double.isNaN(y) && y > 0) {
        series.add(x, y);
      }
      return this;
    }
  }

  /** Colours that stay apart on white (the default palette includes yellow). */
  private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
      new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf), Color.DARK_GRAY};

  private Charts() {
  }

  /** A labelled vertical line, e.g. where a ramp step begins. */
  record Mark(double x, String label) {
  }

  static void write(Path file, String title, String xLabel, String yLabel, List<Line> lines, boolean shapes)
      throws IOException {
    write(file, title, xLabel, yLabel, lines, shapes, List.of());
  }

  static void write(Path file, String title, String xLabel, String yLabel, List<Line> lines, boolean shapes,
      List<Mark> marks) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Line l : lines) {
      if (l.series.getItemCount() > 0) {
        data.addSeries(l.series);
      }
    }
    LogAxis y = new LogAxis(yLabel);
    y.setSmallestValue(0.01);
    y.setNumberFormatOverride(new DecimalFormat("#,##0.##"));
    y.setTickUnit(new NumberTickUnit(1)); // one label per power of ten
    y.setMinorTickMarksVisible(true);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, shapes);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(1.6f));
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    XYPlot plot = new XYPlot(data, new NumberAxis(xLabel), y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    for (Mark m : marks) {
      ValueMarker marker = new ValueMarker(m.x(), Color.GRAY, new BasicStroke(1f));
      marker.setLabel(m.label());
      marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(marker);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 560);
  }

  /** Lines keyed by name, created on first use, in insertion order. */
  static final class Lines {
    private final Map<String, Line> byName = new LinkedHashMap<>();

    Line get(String name) {
      return byName.computeIfAbsent(name, Line::new);
    }

    List<Line> all() {
      return List.copyOf(byName.values());
    }
  }
}
