package io.callvert.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The configuration table in {@code docs/configuration.md} is generated from {@link ConfigKeys};
 * this keeps them equal. (The README links to that page instead of carrying the table.)
 */
class ConfigurationDocTableTest {

  @Test
  @DisplayName("docs/configuration.md lists every configuration key with its env name, default and description, exactly as ConfigKeys has them")
  void configuration_table_matches_config_keys() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "configuration.md"));
    assertThat(page)
        .as("docs/configuration.md is out of date: paste ConfigKeys.markdownTable() into it")
        .contains(ConfigKeys.markdownTable().strip());
  }
}
