package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Manifests read as kubectl reads them (go-yaml v2): anchors, merge keys, scalars, documents, limits. */
class ManifestReaderTest {
  private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n";

  private static List<String> baselineRules(String yaml) {
    return ManifestAudit.judge(yaml, Profiles.podSecurityBaseline()).violatedRuleIds();
  }

  private static String refused(String yaml) {
    return assertThrows(InvalidManifestException.class, () -> ManifestAudit.containers(yaml)).getMessage();
  }

  @Test
  void aValueBehindAnAliasIsJudgedAsKubernetesRunsIt() {
    String yaml = "x-shared: &sc {privileged: true}\n" + POD
        + "  containers:\n    - name: a\n      image: x\n      securityContext: *sc\n";
    assertEquals(List.of("privileged"), baselineRules(yaml));
  }

  @Test
  void aValueBehindAMergeKeyIsJudgedAndExplicitKeysWin() {
    String base = "x-base: &base {privileged: true, allowPrivilegeEscalation: true}\n" + POD
        + "  containers:\n    - name: a\n      image: x\n      securityContext:\n";
    assertEquals(List.of("privileged"), baselineRules(base + "        <<: *base\n"));
    // an explicit key after the merge overrides it, in go-yaml v2, v3 and the merge rules alike
    assertEquals(List.of(), baselineRules(base + "        <<: *base\n        privileged: false\n"));
    // a sequence of mappings: all merged
    assertEquals(List.of("privileged", "host-ports"), baselineRules("x-a: &a {privileged: true}\n"
        + "x-b: &b {ports: [{containerPort: 80, hostPort: 80}]}\n" + POD
        + "  containers:\n    - {name: a, image: x, securityContext: {<<: [*a]}, <<: [*b]}\n"));
  }

  @Test
  void readingsThatDifferBetweenGoYamlVersionsAreRefusedWithTheReason() {
    String late = refused("x-base: &base {privileged: true}\n" + POD
        + "  containers:\n    - name: a\n      image: x\n      securityContext:\n        privileged: false\n"
        + "        <<: *base\n");
    assertTrue(late.startsWith("manifest document 1 merge key << must come before the keys it would override:"
        + " privileged is set before it (line 10, column 9), and go-yaml v2 (kubectl) lets the merge win"), late);
    String twice = refused("x-a: &a {privileged: false}\nx-b: &b {privileged: true}\n" + POD
        + "  containers:\n    - {name: a, image: x, securityContext: {<<: [*a, *b]}}\n");
    assertTrue(twice.startsWith("manifest document 1 merge key << must not merge mappings that give key privileged"
        + " different values"), twice);
    String duplicate = refused(POD + "  containers:\n    - name: a\n      image: x\n"
        + "      securityContext: {privileged: false, privileged: true}\n");
    assertTrue(duplicate.startsWith("manifest document 1 must not set key privileged twice (first (line 8, column"),
        duplicate);
    assertTrue(refused(POD + "  containers: [{name: a, image: x, securityContext: {<<: [1]}}]\n")
        .startsWith("manifest document 1 merge key << must merge a mapping or a sequence of mappings: scalar"));
  }

  @Test
  void scalarsResolveAsGoYamlV2ResolvesThem() {
    for (String yes : List.of("yes", "Yes", "on", "ON", "y", "Y", "true")) {
      assertEquals(List.of("privileged"), baselineRules(POD
          + "  containers: [{name: a, image: x, securityContext: {privileged: " + yes + "}}]\n"), yes);
    }
    for (String zero : List.of("0", "00", "0x0", "0o0", "0b0", "0_0", "+0", "-0", "0.0", "-0.0", "0e5", ".0")) {
      PolicyReport r = ManifestAudit.judge(POD + "  securityContext: {runAsNonRoot: true, runAsUser: " + zero
          + ", seccompProfile: {type: RuntimeDefault}}\n  containers: [{name: a, image: x, securityContext:"
          + " {runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]\n",
          Profiles.podSecurityRestricted());
      assertEquals(List.of("non-root-user"), r.violatedRuleIds(), zero);
    }
    assertEquals(List.of(), baselineRules(POD
        + "  containers: [{name: a, image: x, securityContext: {privileged: 'yes'}}]\n".replace("'yes'", "no")));
    assertTrue(refused(POD + "  containers: [{name: a, image: x, securityContext: {runAsUser: .inf}}]\n")
        .contains("must be a number JSON can hold"));
    assertTrue(refused(POD + "  containers: [{name: a, image: !custom x}]\n")
        .contains("tag !custom must be one go-yaml reads into JSON"));
  }

  @Test
  void emptyTrailingAndCommentOnlyDocumentsAreSkipped() {
    String pod = POD + "  containers: [{name: a, image: x}]\n";
    for (String yaml : List.of("---\n" + pod + "---\n", "# only a comment\n---\n" + pod + "---\n# another\n---\n",
        "---\n---\n" + pod + "...\n---\n", pod + "---\n{}\n---\n~\n")) {
      assertEquals(1, ManifestAudit.containers(yaml).size(), yaml);
    }
    assertEquals("manifest document 3 kind must be set: no kind (one of CronJob, DaemonSet, Deployment, Job, Pod,"
        + " ReplicaSet, ReplicationController, StatefulSet)", refused("---\n# c\n---\n" + pod + "---\nspec: {}\n"));
  }

  @Test
  void billionLaughsAreRefusedFastWithAClearMessage() {
    StringBuilder sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      sb.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        sb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      sb.append("]\n");
    }
    String laughs = sb + POD + "  containers: [{name: a, image: x}]\n";
    String message = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> refused(laughs));
    assertTrue(message.startsWith("manifest document 1 must not expand aliases into most of its nodes: "), message);
    assertTrue(message.contains("(billion laughs?); go-yaml refuses it too (document contains excessive aliasing)"),
        message);
    // the same with scalar aliases only (SnakeYAML's own alias limit counts collections)
    StringBuilder s = new StringBuilder("s: &s0 lol\n");
    for (int i = 1; i < 25; i++) {
      s.append("k").append(i).append(": &s").append(i).append(" {a: *s").append(i - 1).append(", b: *s")
          .append(i - 1).append("}\n");
    }
    String scalarLaughs = s.toString();
    assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(60), () -> refused(scalarLaughs))
        .contains("must not expand aliases into most of its nodes"));
    // aliases that stay a minority of a large document: the absolute bound
    StringBuilder wide = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\nplain: [");
    for (int i = 0; i < 500_100; i++) { // a flow sequence over lines of 2,000 characters (lines are bounded)
      wide.append(i == 0 ? "" : ",").append(i % 1000 == 999 ? "\n  " : "").append('x');
    }
    wide.append("]\nrefs: [*a0, *a0]\n");
    String wideYaml = wide.toString();
    assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(60), () -> refused(wideYaml))
        .contains("must expand to at most 500000 nodes through anchors and aliases"));
  }

  @Test
  void recursionAndDepthAreRefused() {
    assertTrue(refused("a: &a [*a]\n" + POD).contains("recursive"), refused("a: &a [*a]\n" + POD));
    String deep = "x: " + "[".repeat(500) + "]".repeat(500) + "\n" + POD;
    assertEquals("manifest document 1 must nest at most 100 levels: deeper", refused(deep));
    StringBuilder chain = new StringBuilder("a0: &a0 [x]\n");
    for (int i = 1; i < 150; i++) {
      chain.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append("]\n");
    }
    assertTrue(refused(chain + POD).contains("must nest at most 100 levels once aliases are expanded"));
  }

  /** A Pod of about {@code bytes} characters: many environment variables. */
  static String bigPod(int bytes) {
    StringBuilder sb = new StringBuilder(bytes + 200);
    sb.append(POD).append("  containers:\n    - name: a\n      image: x\n      env:\n");
    for (int i = 0; sb.length() < bytes; i++) {
      sb.append("        - {name: E").append(i).append(", value: \"abcdefghijklmnopqrstuvwxyz0123456789\"}\n");
    }
    return sb.toString();
  }

  /**
   * A manifest over the size limit is refused before it is read; one within it is read whole. The times
   * (refusing 50 MiB against reading 1 MiB; reading 2 MiB against 0.25 MiB, linear in the text) are measured by
   * the bench's {@code manifests} section, not here: a timed ratio in a unit test fails under load.
   */
  @Test
  void sizeIsRefusedBeforeReadingAndLargeManifestsAreRead() {
    for (int size : new int[] {1 << 18, 1 << 20, 2 << 20}) {
      assertEquals(1, ManifestAudit.containers(bigPod(size)).size(), size + " characters");
    }
    String fiftyMb = "x".repeat(50 << 20);
    assertEquals("manifest must be at most 16777216 characters (16 MiB): 52428800 characters, refused before reading",
        refused(fiftyMb));
    String fourMb = bigPod(4 << 20);
    assertEquals("manifest document 1 must be at most 3145728 code points (3 MiB, the API server's request limit):"
        + " longer, refused at the limit", refused(fourMb));
  }

  @Test
  void aLongLineIsRefusedBeforeSnakeYamlReadsIt() {
    // one 15 MB token within the 16 MiB limit: SnakeYAML took 200 s over such a token before refusing it at its
    // document limit; the shared pre-check refuses it in one linear scan
    String token = POD + "  containers:\n    - name: a\n      image: \"" + "a".repeat(15_000_000) + "\"\n";
    int line = (int) token.chars().filter(c -> c == '\n').count();
    assertEquals("manifest lines must be at most 65536 characters: this one has 15000015 (SnakeYAML reads a long"
        + " unbroken run in time that grows with its square) (line " + line + ", column 65537)", refused(token));
    assertEquals("manifest must be text: a NUL character (binary data?) (line 2, column 3)",
        refused("apiVersion: v1\nki\0nd: Pod\n"));
    assertEquals(1, ManifestAudit.containers(POD + "  containers:\n    - name: a\n      image: \""
        + "a".repeat(YamlText.MAX_LINE - 15) + "\"\n").size()); // a line of exactly 64 KiB is read
  }

  /** Hostile YAML made of anchors, aliases, merge keys and flow syntax: refused or read, never anything else. */
  @Test
  void generatedHostileYamlIsReadOrRefusedNeverElse() {
    String[] tokens = {"&a ", "&b ", "*a", "*b", "<<: ", "<<: [*a, *b]", "- ", "{", "}", "[", "]", ": ", ", ", "\n",
        "  ", "---\n", "x", "0x1F", "yes", "on", ".inf", "~", "'q'", "\"\\u202e\"", "!!str ", "!x ", "kind: Pod\n",
        "spec: ", "containers: ", "name: ", "image: ", "securityContext: ", "privileged: ", "? ", "# c\n", "|\n  t\n"};
    int count = Integer.getInteger("carapace.fuzz.count", 500);
    Random random = new Random(19_0419L);
    for (int i = 0; i < count; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(60);
      for (int j = 0; j < n; j++) {
        sb.append(tokens[random.nextInt(tokens.length)]);
      }
      String yaml = sb.toString();
      int input = i;
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        try {
          ManifestAudit.judge(yaml, Profiles.podSecurityRestricted());
        } catch (InvalidManifestException expected) {
          // refused with a message
        }
      }, () -> "input " + input + ": " + yaml);
    }
  }
}
