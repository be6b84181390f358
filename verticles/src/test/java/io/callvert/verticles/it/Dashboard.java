package io.callvert.verticles.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the checked-in Grafana dashboard ({@code docs/grafana/callvert.json}) queries. */
final class Dashboard {

  private static final Pattern METRIC = Pattern.compile("\\b((?:callvert|vertx|jvm)_[a-z0-9_]+)");

  private Dashboard() {}

  static JsonObject json() {
    try {
      Path file = Path.of("..", "docs", "grafana", "callvert.json");
      if (!Files.exists(file)) {
        file = Path.of("docs", "grafana", "callvert.json");
      }
      return new JsonObject(Files.readString(file));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every metric name in every panel's queries. */
  static Set<String> metrics() {
    Set<String> names = new TreeSet<>();
    JsonArray panels = json().getJsonArray("panels");
    for (int i = 0; i < panels.size(); i++) {
      JsonArray targets = panels.getJsonObject(i).getJsonArray("targets");
      for (int t = 0; t < targets.size(); t++) {
        Matcher m = METRIC.matcher(targets.getJsonObject(t).getString("expr"));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  /** Whether a Prometheus text exposition has a sample of {@code metric}. */
  static boolean exposes(String scrape, String metric) {
    return Pattern.compile("(?m)^" + Pattern.quote(metric) + "[{ ]").matcher(scrape).find();
  }
}
