package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Violation;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A spec naming its image by digest is rendered with that exact reference, and a tag can be rendered at the
 * digest it resolved to ({@link KubernetesRenderer.Builder#imageDigest}); {@link ManifestAudit} flags a
 * manifest whose image is not pinned, with the YAML path to change.
 */
class KubernetesImageDigestTest {
  static final String DIGEST = "sha256:3b5e4bd4bd0b2b1e0c4dab7ec3ab85a1c37c5e3a4c2b1f5f5c0a6dce8f2bd0c1";
  static final String REPOSITORY = "127.0.0.1:5443/carapace-test/busybox";

  private static KubernetesRenderer.Builder renderer(String image) {
    return KubernetesRenderer.builder(SecureContainerSpec.builder().image(image).build())
        .acceptLoss(dev.carapace.core.SpecAttribute.PIDS_LIMIT).acceptLoss(dev.carapace.core.SpecAttribute.NETWORK);
  }

  /** The image of every container of every kind the renderer makes, read back from its YAML. */
  private static List<String> renderedImages(KubernetesRenderer r) {
    Pod pod = Yaml.read(r.pod().yaml(), Pod.class);
    return List.of(pod.getSpec().getContainers().get(0).getImage(),
        r.deployment().model().getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
        r.job().model().getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }

  private static List<String> pinnedFindings(String yaml) {
    return ManifestAudit.judge(yaml, Profiles.carapaceDefault()).violations().stream()
        .filter(v -> v.ruleId().equals("image-pinned")).map(v -> v.container() + ": " + v.message() + " | " + v.remedy())
        .toList();
  }

  @Test
  void aDigestInTheSpecIsRenderedIntactInEveryKind() {
    for (String image : List.of(REPOSITORY + "@" + DIGEST, "busybox@" + DIGEST, REPOSITORY + ":1@" + DIGEST)) {
      KubernetesRenderer r = renderer(image).build();
      assertEquals(List.of(image, image, image), renderedImages(r));
      assertTrue(r.pod().yaml().contains("image: \"" + image + "\"") || r.pod().yaml().contains("image: " + image),
          r.pod().yaml());
      assertEquals("busybox", r.pod().name(), "the name comes from the repository, without tag or digest");
      assertEquals(List.of(), pinnedFindings(r.pod().yaml()));
      assertEquals(List.of(), Profiles.carapaceDefault().evaluate(r.pod().policyView()).violations().stream()
          .filter(v -> v.ruleId().equals("image-pinned")).toList());
    }
  }

  @Test
  void aTagIsRenderedAtTheDigestItResolvedTo() {
    KubernetesRenderer r = renderer(REPOSITORY + ":1").imageDigest(DIGEST).build();
    assertEquals(List.of(REPOSITORY + "@" + DIGEST, REPOSITORY + "@" + DIGEST, REPOSITORY + "@" + DIGEST),
        renderedImages(r));
    assertEquals(List.of(), pinnedFindings(r.deployment().yaml()));
    assertEquals(List.of(), Profiles.carapaceDefault().evaluate(r.job().policyView()).violations().stream()
        .filter(v -> v.ruleId().equals("image-pinned")).toList(), "the policy view judges the pinned image");
    // a name alone (:latest) too, and the spec's own digest again changes nothing
    assertEquals("busybox@" + DIGEST, renderedImages(renderer("busybox").imageDigest(DIGEST).build()).get(0));
    assertEquals(REPOSITORY + ":1@" + DIGEST,
        renderedImages(renderer(REPOSITORY + ":1@" + DIGEST).imageDigest(DIGEST).build()).get(0));
    // without the digest: the tag as written, flagged by the audit
    assertEquals(REPOSITORY + ":1", renderedImages(renderer(REPOSITORY + ":1").build()).get(0));
  }

  @Test
  void aBadDigestIsRefusedNamingIt() {
    KubernetesRenderer.Builder b = renderer(REPOSITORY + ":1");
    assertEquals("image digest must be sha256: and 64 lower-case hex digits: " + DIGEST.toUpperCase(java.util.Locale.ROOT),
        assertThrows(IllegalArgumentException.class, () -> b.imageDigest(DIGEST.toUpperCase(java.util.Locale.ROOT)))
            .getMessage());
    assertEquals("image digest must be sha256: and 64 lower-case hex digits: sha256:abc",
        assertThrows(IllegalArgumentException.class, () -> b.imageDigest("sha256:abc")).getMessage());
    assertEquals("image digest must be sha256: and 64 lower-case hex digits: \"\"",
        assertThrows(IllegalArgumentException.class, () -> b.imageDigest("")).getMessage());
    assertEquals("image digest must be sha256: and 64 lower-case hex digits: sha256:\\u000a\\u001b[31m",
        assertThrows(IllegalArgumentException.class, () -> b.imageDigest("sha256:\n\u001b[31m")).getMessage());
    String huge = "sha256:" + "a".repeat(100_000);
    assertEquals("image digest must be sha256: and 64 lower-case hex digits: sha256:" + "a".repeat(73) + "... (100007"
        + " characters)", assertThrows(IllegalArgumentException.class, () -> b.imageDigest(huge)).getMessage());
    assertEquals("image digest must not be null",
        assertThrows(NullPointerException.class, () -> b.imageDigest(null)).getMessage());
    String other = "sha256:" + "0".repeat(64);
    assertEquals("image digest must be the digest the spec's image names: " + other + " for busybox@" + DIGEST,
        assertThrows(IllegalArgumentException.class, () -> renderer("busybox@" + DIGEST).imageDigest(other))
            .getMessage());
    String id = DIGEST;
    assertEquals("image digest must pin a registry reference, not an image id: " + id
        + " (name the image by repository, e.g. registry.example/app:1)",
        assertThrows(IllegalArgumentException.class, () -> renderer(id).imageDigest(DIGEST)).getMessage());
  }

  @Test
  void theAuditFlagsEveryUnpinnedContainerWithItsPath() {
    String yaml = String.join("\n",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: shop}",
        "spec:",
        "  template:",
        "    spec:",
        "      initContainers:",
        "        - {name: migrate, image: 'registry.example/shop/migrate:2'}",
        "      containers:",
        "        - {name: web, image: 'registry.example/shop/web@" + DIGEST + "'}",
        "        - {name: sidecar, image: busybox}",
        "        - {name: byid, image: '" + DIGEST + "'}",
        "");
    String remedy = "set spec.template.spec.%s.image: NAME@sha256:DIGEST, the digest of the manifest its tag names"
        + " now (skopeo inspect --format '{{.Digest}}' docker://NAME:TAG)";
    assertEquals(List.of(
        "shop/byid: image must be pinned by digest: " + DIGEST + " (an image id, which the kubelet pulls as a name) | "
            + String.format(remedy, "containers[2]"),
        "shop/init:migrate: image must be pinned by digest: registry.example/shop/migrate:2 (a tag) | "
            + String.format(remedy, "initContainers[0]"),
        "shop/sidecar: image must be pinned by digest: busybox (no tag: :latest) | "
            + String.format(remedy, "containers[1]")), pinnedFindings(yaml));
    PolicyReport cis = ManifestAudit.judge(yaml, Profiles.cisDocker());
    Violation v = cis.violations().stream().filter(x -> x.ruleId().equals("image-pinned")).findFirst().orElseThrow();
    assertEquals(dev.carapace.policy.Severity.LOW, v.severity());
    assertEquals(List.of("CIS Docker 1.6 4.5", "NIST SP 800-190 4.2.2 (immutable image names)"), v.standards());
  }

  @Test
  void givenAnImageTrustTheAuditReportsAManifestImageNoTrustedKeySigned() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair key = g.generateKeyPair();
    try (dev.carapace.core.testing.FakeRegistry registry = new dev.carapace.core.testing.FakeRegistry()) {
      String type = "application/vnd.docker.distribution.manifest.v2+json";
      String[] digests = new String[2];
      for (int i = 0; i < 2; i++) {
        String config = registry.putBlob(("{\"variant\":" + i + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digests[i] = registry.putManifest("team/" + (i == 0 ? "signed" : "unsigned"), "1", type, ("{\"schemaVersion\":2,"
            + "\"mediaType\":\"" + type + "\",\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
            + "\"size\":10,\"digest\":\"" + config + "\"},\"layers\":[]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      dev.carapace.core.RegistryAccess access = dev.carapace.core.RegistryAccess.builder().withoutEngineCertificates()
          .addCertificateAuthority(registry.ca.certificate()).credentials(dev.carapace.core.RegistryCredentials.none())
          .build();
      String addr = registry.address();
      dev.carapace.core.ImageSigner.builder().privateKey(key.getPrivate()).registryAccess(access).build()
          .sign(addr + "/team/signed:1");
      dev.carapace.core.ImageTrust trust = dev.carapace.core.ImageTrust.builder().addTrustedKey(key.getPublic())
          .requireSignature(addr + "/team/*").registryAccess(access).build();
      String yaml = String.join("\n",
          "apiVersion: v1",
          "kind: Pod",
          "metadata: {name: shop}",
          "spec:",
          "  containers:",
          "    - {name: good, image: '" + addr + "/team/signed@" + digests[0] + "'}",
          "    - {name: bad, image: '" + addr + "/team/unsigned:1'}",
          "");
      dev.carapace.policy.Policy signed = dev.carapace.policy.Policy.builder("signed")
          .addRule(Profiles.imageSignedBy(trust)).build();
      PolicyReport report = ManifestAudit.judge(yaml, signed);
      assertEquals(List.of("shop/bad: image must be signed by a trusted key: " + addr + "/team/unsigned:1 at " + digests[1]
          + ": no signature (no manifest " + digests[1].replace(':', '-') + ".sig in " + addr + "/team/unsigned) | sign"
          + " the image's digest with a trusted key (cosign sign --key KEY NAME@sha256:DIGEST) and set"
          + " spec.containers[1].image: NAME@sha256:DIGEST"), report.violations().stream()
          .map(v -> v.container() + ": " + v.message() + " | " + v.remedy()).toList());
    }
  }
}
