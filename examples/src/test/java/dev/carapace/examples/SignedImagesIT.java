package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link SignedImages} on the testbed's registry, on a copy of busybox under a repository of this run. */
class SignedImagesIT {
  @Test
  void signsLaunchesByDigestAndRefusesAnotherKey() throws Exception {
    TestRegistry registry = new TestRegistry();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String digest = registry.copyBusybox("example", "1", 0);
    try (DockerClient docker = TestPeers.unixSocket()) {
      try {
        assertEquals(0, SignedImages.run(TestEngine.endpoint(), registry.image("example") + ":1",
            RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword()),
            new PrintStream(buf, true, StandardCharsets.UTF_8)));
      } finally {
        registry.rememberSignatures(registry.repository("example"), digest);
        registry.deleteAll();
        try {
          docker.removeImageCmd(registry.image("example") + "@" + digest).exec();
        } catch (NotFoundException e) {
          // not pulled
        }
      }
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertEquals("signed " + digest + "\ncontainer said: signed, verified, pinned\nanother key's trust: signature: not"
        + " signed by a trusted key (1 key tried)\n", out);
  }
}
