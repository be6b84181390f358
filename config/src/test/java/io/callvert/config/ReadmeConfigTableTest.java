package io.callvert.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's configuration table is generated from {@link ConfigKeys}; this keeps them equal. */
class ReadmeConfigTableTest {

  @Test
  @DisplayName("README lists every configuration key with its env name, default and description, exactly as ConfigKeys has them")
  void readme_table_matches_config_keys() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme)
        .as("README.md is out of date: paste ConfigKeys.markdownTable() into its Configuration section")
        .contains(ConfigKeys.markdownTable().strip());
  }
}
