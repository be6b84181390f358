package io.callvert.verticles.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GraphPathTest {

  @Test
  @DisplayName("every prefix and collection form, in any case, with an optional trailing slash")
  void forms() {
    assertThat(GraphPath.parse("/communications/calls")).isEqualTo(new GraphPath("", null, null, null));
    assertThat(GraphPath.parse("/V1.0/App/CALLS/")).isEqualTo(new GraphPath("/v1.0", null, null, null));
    assertThat(GraphPath.parse("/beta/communications/calls/ABC")).isEqualTo(new GraphPath("/beta", "ABC", null, null));
    assertThat(GraphPath.parse("/v1.0/communications/calls/id/microsoft.graph.playPrompt"))
        .isEqualTo(new GraphPath("/v1.0", "id", "microsoft.graph.playPrompt", null));
    assertThat(GraphPath.parse("/app/calls/id/operations/op/")).isEqualTo(new GraphPath("", "id", "operations", "op"));
  }

  @Test
  @DisplayName("anything else is not a Graph calls path")
  void not_graph() {
    assertThat(GraphPath.parse("/callvert/calls")).isNull();
    assertThat(GraphPath.parse("/communications/callsX")).isNull();
    assertThat(GraphPath.parse("/v2/communications/calls")).isNull();
    assertThat(GraphPath.parse("/communications/calls//playPrompt")).isNull();
    assertThat(GraphPath.parse("/communications/calls/a/b/c/d")).isNull();
    assertThat(GraphPath.parse("/v1.0communications/calls")).isNull();
  }
}
