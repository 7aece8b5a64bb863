package dev.carapace.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lint corpus ({@code src/test/resources/lint}) and the exact findings {@code carapace lint} gives on each
 * file with the default profile: {@code LINE:COLUMN SEVERITY RULE CONTAINER}, in output order. Shared by the
 * in-process test and the IT that runs the installed command.
 */
final class LintCorpus {
  static final Path DIR = Path.of("src/test/resources/lint");

  static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

  static {
    // a Deployment takes restartPolicy: Always only: restart-policy is not asked of it (a Pod's is, below)
    EXPECTED.put("kubernetes/web-bad.yaml", List.of("18:7 HIGH host-network web/app", "18:7 MEDIUM host-uts web/app", "24:11 MEDIUM memory-limit web/app",
        "24:11 MEDIUM pids-limit web/app", "24:11 LOW cpu-limit web/app", "24:11 LOW healthcheck web/app",
        "25:11 LOW image-pinned web/app", "26:11 MEDIUM read-only-rootfs web/app", "27:13 CRITICAL privileged web/app",
        "31:21 HIGH baseline-capabilities web/app", "31:21 MEDIUM restricted-capabilities web/app",
        "36:11 MEDIUM host-path-volumes web/app", "38:13 CRITICAL docker-socket web/app",
        "38:13 CRITICAL sensitive-mounts web/app"));
    EXPECTED.put("kubernetes/pod-restricted.yaml", List.of("5:1 LOW restart-policy tool/sh",
        "12:7 MEDIUM memory-limit tool/sh", "12:7 MEDIUM pids-limit tool/sh", "12:7 LOW cpu-limit tool/sh",
        "12:7 LOW healthcheck tool/sh", "14:7 MEDIUM read-only-rootfs tool/sh"));
    EXPECTED.put("compose/compose-bad.yaml", List.of("2:3 HIGH no-new-privileges web", "2:3 HIGH non-root-user web",
        "2:3 MEDIUM capabilities web", "2:3 MEDIUM memory-limit web", "2:3 MEDIUM pids-limit web",
        "2:3 MEDIUM read-only-rootfs web", "2:3 MEDIUM restricted-capabilities web", "2:3 LOW cpu-limit web",
        "2:3 LOW healthcheck web", "3:5 LOW image-pinned web", "4:5 CRITICAL privileged web", "6:9 MEDIUM host-ports web",
        "6:9 MEDIUM ports-all-interfaces web", "7:5 HIGH baseline-capabilities web", "7:5 MEDIUM capabilities web",
        "7:5 MEDIUM restricted-capabilities web", "10:9 CRITICAL sensitive-mounts web",
        "10:9 MEDIUM host-path-volumes web", "11:3 HIGH no-new-privileges db", "11:3 HIGH non-root-user db",
        "11:3 MEDIUM capabilities db", "11:3 MEDIUM memory-limit db", "11:3 MEDIUM pids-limit db",
        "11:3 MEDIUM restricted-capabilities db", "11:3 LOW cpu-limit db", "11:3 LOW healthcheck db",
        "12:5 LOW image-pinned db", "13:5 HIGH host-pid db"));
    EXPECTED.put("compose/compose-good.yaml", List.of());
    // its variables from .env beside it (the image's tag, mem_limit), the service's environment from api.env
    EXPECTED.put("compose-env/compose.yaml", List.of("4:5 LOW image-pinned api", "18:9 MEDIUM host-ports api",
        "18:9 MEDIUM ports-all-interfaces api"));
    // extends within the file: each inherited key's finding on the line where the key is written
    EXPECTED.put("compose-env/extends.yaml", List.of("3:3 HIGH no-new-privileges base",
        "3:3 MEDIUM memory-limit base", "3:3 MEDIUM pids-limit base", "3:3 LOW cpu-limit base", "3:3 LOW healthcheck base", "4:5 LOW image-pinned base",
        "4:5 LOW image-pinned web", "4:5 LOW image-pinned job", "7:5 MEDIUM restricted-capabilities base",
        "14:3 HIGH no-new-privileges web", "14:3 MEDIUM memory-limit web", "14:3 MEDIUM pids-limit web",
        "14:3 LOW cpu-limit web", "14:3 LOW healthcheck web", "16:5 MEDIUM restricted-capabilities web",
        "16:5 MEDIUM restricted-capabilities job", "22:5 MEDIUM read-only-rootfs web",
        "22:5 MEDIUM read-only-rootfs job", "23:3 HIGH no-new-privileges job", "23:3 MEDIUM memory-limit job",
        "23:3 MEDIUM pids-limit job", "23:3 LOW cpu-limit job", "23:3 LOW healthcheck job"));
    EXPECTED.put("run/run-bad.sh", List.of("3:1 HIGH no-new-privileges web", "3:1 HIGH non-root-user web",
        "3:1 MEDIUM memory-limit web", "3:1 MEDIUM pids-limit web", "3:1 MEDIUM read-only-rootfs web",
        "3:1 MEDIUM restricted-capabilities web", "3:1 LOW cpu-limit web", "3:1 LOW default-bridge web",
        "3:1 LOW healthcheck web", "4:3 HIGH baseline-capabilities web", "4:3 MEDIUM restricted-capabilities web",
        "5:3 MEDIUM host-ports web", "5:3 MEDIUM ports-all-interfaces web", "6:3 CRITICAL privileged web",
        "7:3 LOW image-pinned web",
        "10:1 HIGH no-new-privileges line 10", "10:1 HIGH non-root-user line 10", "10:1 MEDIUM capabilities line 10",
        "10:1 MEDIUM memory-limit line 10", "10:1 MEDIUM pids-limit line 10", "10:1 MEDIUM read-only-rootfs line 10",
        "10:1 MEDIUM restricted-capabilities line 10", "10:1 LOW cpu-limit line 10",
        "10:1 LOW default-bridge line 10", "10:1 LOW healthcheck line 10", "10:21 HIGH host-pid line 10",
        "10:32 LOW image-pinned line 10"));
    EXPECTED.put("run/run-good.sh", List.of());
  }

  /**
   * The bad inputs and the start of the one stderr line each gives (after {@code carapace lint: error: }):
   * file and line.
   */
  static final Map<String, String> BAD = new LinkedHashMap<>();

  static {
    BAD.put("bad/bomb.yaml", "bad/bomb.yaml:5: manifest document 1 must not expand aliases into most of its nodes");
    BAD.put("bad/deep.yaml", "bad/deep.yaml:5: manifest document 1 must nest at most 100 levels: deeper");
    BAD.put("bad/not-a-workload.yaml", "bad/not-a-workload.yaml:10: manifest document 2 kind must be set: no kind");
    BAD.put("bad/unknown-flag.sh", "bad/unknown-flag.sh:3: docker run flag is not supported: --frobnicate");
    BAD.put("bad/notes.txt", "bad/notes.txt:1: must be a Kubernetes manifest (apiVersion, kind), a Compose file"
        + " (services) or a file of docker run lines: it starts 'Some notes about the deployment.'");
    BAD.put("bad/binary.sh", "bad/binary.sh:1: must be text: a NUL byte at offset 18 (a binary file?)");
    BAD.put("bad/compose-env/compose.yaml", "bad/compose-env/settings.env:3:10: services.web.env_file: env file value"
        + " must write $ only as ${NAME} or ${NAME:-default}");
    BAD.put("bad/compose-wrong-type.yaml", "bad/compose-wrong-type.yaml:4:5: services.web.ports: must be a list:"
        + " a string");
  }

  private static final Pattern FINDING = Pattern.compile("^(\\S+):(\\d+):(\\d+): (\\w+) (\\S+): ([^:]*): .*$");

  private LintCorpus() {}

  /** The findings of {@code file} in the text output: {@code LINE:COLUMN SEVERITY RULE CONTAINER}. */
  static List<String> findings(String textOutput, String file) {
    List<String> out = new ArrayList<>();
    for (String line : textOutput.split("\n")) {
      Matcher m = FINDING.matcher(line);
      if (m.matches() && m.group(1).equals(file)) {
        out.add(m.group(2) + ":" + m.group(3) + " " + m.group(4) + " " + m.group(5) + " " + m.group(6));
      }
    }
    return out;
  }
}
