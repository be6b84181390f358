package io.callvert.verticles.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The example in docs/embedding.md is EmbedExample.java (which EmbedExampleTest runs), word for word. */
class EmbeddingDocExampleTest {

  @Test
  @DisplayName("docs/embedding.md's example is the compiled and tested EmbedExample, minus its package line")
  void readme_example_is_the_tested_one() throws Exception {
    String source = Files.readAllLines(Path.of("src/test/java/io/callvert/verticles/embed/EmbedExample.java")).stream()
        .filter(l -> !l.startsWith("package ")).collect(Collectors.joining("\n")).strip();
    assertThat(Files.readString(Path.of("..", "docs", "embedding.md")))
        .as("docs/embedding.md's example is out of date: paste EmbedExample.java (without its package line)")
        .contains(source);
  }
}
