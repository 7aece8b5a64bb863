package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunLineAuditTest {
  private static List<String> found(String text, Policy policy) {
    return RunLineAudit.lint(text, policy).violations().stream()
        .map(v -> v.location() + " " + v.violation().container() + " " + v.violation().ruleId()).toList();
  }

  @Test
  void eachFindingIsOnItsFlagAcrossContinuationsAndComments() {
    String text = """
        #!/bin/sh
        # the web server
        docker run --name web \\
          --cap-add NET_ADMIN \\
          -v /etc:/host-etc:ro \\
          --privileged nginx:1.27

        $ docker container run --pid=host -it busybox:1.36 sh  # a shell
        """;
    assertEquals(List.of(
        "3:1 --security-opt web no-new-privileges", "3:1 --user web non-root-user", "3:1 --memory web memory-limit",
        "3:1 --pids-limit web pids-limit", "3:1 --read-only web read-only-rootfs", "3:1 --cpus web cpu-limit",
        "3:1 --network web default-bridge", "3:1 --health-cmd web healthcheck",
        "5:3 --volume web sensitive-mounts", "6:3 --privileged web privileged", "6:16 image web image-pinned",
        "8:1 --security-opt line 8 no-new-privileges", "8:1 --user line 8 non-root-user",
        "8:1 --cap-drop line 8 capabilities", "8:1 --memory line 8 memory-limit", "8:1 --pids-limit line 8 pids-limit",
        "8:1 --read-only line 8 read-only-rootfs", "8:1 --cpus line 8 cpu-limit",
        "8:1 --network line 8 default-bridge", "8:1 --health-cmd line 8 healthcheck",
        "8:24 --pid line 8 host-pid", "8:39 image line 8 image-pinned"), found(text, Profiles.cisDocker()));
  }

  @Test
  void portsAreReadAsDockerReadsThemEachOnItsOwnFlag() {
    String text = "docker run --read-only -p 8080:80 -p :8081:81 --publish=82 -p ::1:8083:83 -p [::1]:8084:84"
        + " busybox:1.36\n";
    assertEquals(List.of("1:24 --publish line 1 ports-all-interfaces", "1:35 --publish line 1 ports-all-interfaces",
        "1:47 --publish line 1 ports-all-interfaces"), RunLineAudit.lint(text, Profiles.cisDocker()).violations()
        .stream().filter(v -> v.violation().ruleId().equals("ports-all-interfaces"))
        .map(v -> v.location() + " " + v.violation().container() + " " + v.violation().ruleId()).toList());
  }

  @Test
  void aRepeatedFlagIsPlacedOnTheOccurrenceTheFindingNames() {
    String text = "docker run --cap-drop ALL --cap-add CHOWN \\\n   --cap-add sys_admin --read-only busybox:1.36\n";
    assertEquals(List.of("2:4 --cap-add line 1 capabilities"), RunLineAudit.lint(text, Profiles.cisDocker())
        .violations().stream().filter(v -> v.violation().ruleId().equals("capabilities"))
        .map(v -> v.location() + " " + v.violation().container() + " " + v.violation().ruleId()).toList());
  }

  @Test
  void aFlagWhoseEffectIsNotOnTheLineIsReported() {
    assertEquals(List.of("1:12 --env-file line 1 unjudged-flag"), RunLineAudit.lint(
        "docker run --env-file app.env --read-only busybox:1.36", Profiles.carapaceDefault()).violations().stream()
        .filter(v -> v.violation().ruleId().equals(RunLineAudit.UNJUDGED_FLAG))
        .map(v -> v.location() + " " + v.violation().container() + " " + v.violation().ruleId()).toList());
  }

  @Test
  void aLineThatIsNotADockerRunCommandIsRefusedWithItsLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunLineAudit.lint("docker run busybox:1.36\n\n  kubectl apply -f x\n", Profiles.carapaceDefault()));
    assertEquals("line 3, column 3: run line file must hold only docker run commands: kubectl apply -f",
        e.getMessage());
  }

  @Test
  void anUnknownFlagIsRefusedAtItsColumn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunLineAudit.lint("docker run \\\n  --frobnicate busybox:1.36\n", Profiles.carapaceDefault()));
    assertEquals("line 2, column 3: docker run flag is not supported: --frobnicate (SecureContainerSpec has no"
        + " such setting)", e.getMessage());
  }

  @Test
  void aBadValueIsRefusedAtItsFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunLineAudit.lint("docker run -m 64m --cpuset-cpus x busybox:1.36\n", Profiles.carapaceDefault()));
    assertEquals("line 1, column 19: --cpuset-cpus: cpuset must be a list like 0-2,5: x", e.getMessage());
  }

  @Test
  void anUnclosedQuoteIsRefusedWhereItOpens() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunLineAudit.lint("\ndocker run -e 'A=1 busybox:1.36\n", Profiles.carapaceDefault()));
    assertEquals("line 2, column 15: command line quote must be closed: ' opened at offset 14 is not", e.getMessage());
  }
}
