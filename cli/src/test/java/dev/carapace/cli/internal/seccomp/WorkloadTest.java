package dev.carapace.cli.internal.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.carapace.cli.internal.InputText;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workload {@code seccomp record} runs: from a run line or a Compose service, with where it is written. */
class WorkloadTest {
  private static InputText stdin(String text) {
    return InputText.read("-", new ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), null);
  }

  @Test
  void aRunLineGivesItsSpecItsNameAndItsLine() {
    Workload w = Workload.read(stdin("# the tool\n\n  $ docker run --name tool -e TOKEN -e MODE=fast busybox:1 \\\n"
        + "      sh -c 'echo hi'\n"), null, Map.of("TOKEN", "t0k3n"));
    assertEquals("tool", w.name());
    assertEquals(List.of(3, 3), List.of(w.line(), w.column()));
    assertEquals(null, w.file());
    assertEquals(List.of("sh", "-c", "echo hi"), w.spec().command());
    assertEquals(Map.of("TOKEN", "t0k3n", "MODE", "fast"), Map.copyOf(w.spec().env()));
    // without --name, the image names it
    assertEquals("busybox:1", Workload.read(stdin("docker run busybox:1 true\n"), null, Map.of()).name());
  }

  @Test
  void aComposeServiceGivesItsSpecAndTheLineOfItsKey() {
    Workload w = Workload.read(stdin("services:\n  web:\n    image: busybox:1\n  db:\n    image: busybox:2\n"
        + "    command: [sleep, '5']\n"), "db", Map.of());
    assertEquals("db", w.name());
    assertEquals("busybox:2", w.spec().image());
    assertEquals(List.of("sleep", "5"), w.spec().command());
    assertEquals(List.of(4, 3), List.of(w.line(), w.column()));
  }
}
