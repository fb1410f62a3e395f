package io.tessera.sinks.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FolderNamesTest {

  @Test
  void plainIdsReadAsThemselves() {
    assertThat(FolderNames.of("3f2c9a1e-7b4d-4e0a-9c55-0a1b2c3d4e5f")).isEqualTo("3f2c9a1e-7b4d-4e0a-9c55-0a1b2c3d4e5f");
    assertThat(FolderNames.of("req_1.v2")).isEqualTo("req_1.v2");
  }

  @Test
  void everythingElseIsEscapedSoNoIdLeavesTheRootOrCollides() {
    assertThat(FolderNames.of("..")).isEqualTo("%2E.");
    assertThat(FolderNames.of(".")).isEqualTo("%2E");
    assertThat(FolderNames.of("a/b")).isEqualTo("a%2Fb");
    assertThat(FolderNames.of("a%2Fb")).isEqualTo("a%252Fb");
    assertThat(FolderNames.of("é")).isEqualTo("%C3%A9");
  }

  @Test
  void emptyAndTooLongIdsAreRefused() {
    assertThatThrownBy(() -> FolderNames.of("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> FolderNames.of("x".repeat(FolderNames.MAX_ID_BYTES + 1)))
        .hasMessageContaining("limit is " + FolderNames.MAX_ID_BYTES);
  }
}
