package io.callvert.verticles.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the benchmark suite from rotting: every benchmark runs for about a second with small sizes
 * ({@link BenchConfig#smoke()}: 200 calls, 2,000 capacity calls in-process) and must produce
 * numbers. Nothing here asserts speed; the real run is {@code mvn -Pbench ... verify}.
 */
class BenchSmokeIT {

  @Test
  @Timeout(120)
  @DisplayName("every benchmark of the suite runs and produces numbers")
  void every_benchmark_produces_numbers() {
    Table table = BenchMain.run(BenchConfig.smoke());
    System.out.println(table.render(BenchMain.header(BenchConfig.smoke())));

    assertThat(table.notes).noneMatch(n -> n.contains("FAILED"));
    for (String benchmark : List.of("api.cancel", "api.pairs", "latency", "media", "webhook", "capacity")) {
      List<Row> rows = table.rows.stream().filter(r -> r.benchmark().equals(benchmark)).toList();
      assertThat(rows).as(benchmark).isNotEmpty();
      assertThat(rows).as(benchmark).allSatisfy(r -> assertThat(r.value()).as(benchmark + " " + r.figure()).isFinite());
    }
    // figures that have a ceiling measured it too
    assertThat(table.rows.stream().filter(r -> r.figure().equals("req/s") || r.figure().equals("signed notifications/s")))
        .hasSize(2).allSatisfy(r -> assertThat(r.ceiling()).isPositive());
  }
}
