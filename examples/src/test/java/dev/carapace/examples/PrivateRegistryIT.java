package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrivateRegistryIT {
  private static final String IMAGE = TestPeers.REGISTRY + "/carapace-test/busybox:1";

  @Test
  void pullsWithALoginRunsItAndRefusesAWrongPassword() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DockerClient docker = TestPeers.unixSocket()) {
      remove(docker);                                       // so the pull really asks the registry
      try {
        assertEquals(0, PrivateRegistry.run(TestEngine.endpoint(), TestPeers.REGISTRY, TestPeers.REGISTRY_USER,
            TestPeers.registryPassword(), new PrintStream(buf, true, StandardCharsets.UTF_8)));
        docker.inspectImageCmd(IMAGE).exec();               // the image is there now
      } finally {
        remove(docker);
      }
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    String[] lines = out.split("\n");
    assertEquals(3, lines.length, out);
    assertTrue(lines[0].matches("pulled 127\\.0\\.0\\.1:5443/carapace-test/busybox:1: [1-9][0-9]* progress events,"
        + " last \"Status: Downloaded newer image for 127\\.0\\.0\\.1:5443/carapace-test/busybox:1\""), lines[0]);
    assertEquals("container said: pulled with a login, run hardened", lines[1]);
    assertEquals("wrong password: refused by 127.0.0.1:5443 for user carapace", lines[2]);
  }

  private static void remove(DockerClient docker) {
    try {
      docker.removeImageCmd(IMAGE).exec();
    } catch (NotFoundException e) {
      // not there
    }
  }
}
