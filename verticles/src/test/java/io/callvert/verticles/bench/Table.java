package io.callvert.verticles.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one result table, plus free-text notes (errors, achieved rates, what was verified). */
final class Table {

  final List<Row> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  synchronized void add(Row row) {
    rows.add(row);
  }

  synchronized void note(String benchmark, String text) {
    notes.add(benchmark + ": " + text);
  }

  synchronized String render(String header) {
    String[] head = {"benchmark", "figure", "value", "ceiling", "ratio", "target", "result"};
    List<String[]> lines = new ArrayList<>();
    lines.add(head);
    for (Row r : rows) {
      double ratio = r.ratio();
      lines.add(new String[] {r.benchmark(), r.figure(), Row.num(r.value()), Row.num(r.ceiling()),
          Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f", ratio) : "-", r.target(), r.result()});
    }
    int[] w = new int[head.length];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        w[i] = Math.max(w[i], l[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(header).append('\n');
    for (int n = 0; n < lines.size(); n++) {
      String[] l = lines.get(n);
      sb.append("| ");
      for (int i = 0; i < l.length; i++) {
        boolean numeric = i >= 2 && i <= 4;
        sb.append(numeric ? pad(l[i], w[i], true) : pad(l[i], w[i], false)).append(" | ");
      }
      sb.setLength(sb.length() - 1);
      sb.append('\n');
      if (n == 0) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
          sb.append(i >= 2 && i <= 4 ? "-".repeat(w[i] + 1) + ":" : "-".repeat(w[i] + 2)).append('|');
        }
        sb.append('\n');
      }
    }
    if (!notes.isEmpty()) {
      sb.append('\n');
      for (String note : notes) {
        sb.append("- ").append(note).append('\n');
      }
    }
    return sb.toString();
  }

  private static String pad(String s, int w, boolean right) {
    String fill = " ".repeat(Math.max(0, w - s.length()));
    return right ? fill + s : s + fill;
  }
}
