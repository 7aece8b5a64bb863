package dev.carapace.core.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How an image reference is split for the registry API, as docker reads it. */
class ImageNameTest {
  private static final String D = "sha256:" + "ab".repeat(32);

  @Test
  void splitsRegistryRepositoryTagAndDigest() {
    assertEquals(new ImageName("docker.io", "library/busybox", null, null), ImageName.parse("busybox"));
    assertEquals("latest", ImageName.parse("busybox").reference());
    assertEquals("registry-1.docker.io", ImageName.parse("busybox").apiHost());
    assertEquals(new ImageName("docker.io", "team/app", "1", null), ImageName.parse("team/app:1"));
    assertEquals(new ImageName("docker.io", "library/x", null, null), ImageName.parse("index.docker.io/library/x"));
    ImageName n = ImageName.parse("127.0.0.1:5443/team/app:1@" + D);
    assertEquals(new ImageName("127.0.0.1:5443", "team/app", "1", D), n);
    assertEquals(D, n.reference());
    assertEquals("127.0.0.1:5443/team/app", n.name());
    assertEquals("127.0.0.1:5443/team/app@" + D, n.pinned(D));
    assertEquals("127.0.0.1:5443", n.apiHost());
    assertEquals(new ImageName("localhost", "app", null, null), ImageName.parse("localhost/app"));
    assertEquals(Optional.of("docker.io/library/busybox"), ImageName.nameOf("busybox:1.36"));
    assertEquals(Optional.empty(), ImageName.nameOf("Not A Reference"));
  }

  @Test
  void refusesImageIdsAndOtherDigests() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageName.parse("ab".repeat(32)));
    assertEquals("image must be a registry reference, not an image id: " + "ab".repeat(32), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageName.parse("app@sha512:" + "ab".repeat(64)));
  }
}
