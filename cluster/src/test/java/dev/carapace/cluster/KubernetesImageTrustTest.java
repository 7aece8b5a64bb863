package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.UntrustedImageException;
import dev.carapace.core.testing.CosignKeyFile;
import dev.carapace.core.testing.FakeRegistry;
import dev.carapace.policy.Policy;
import dev.carapace.policy.Profiles;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KubernetesRenderer.Builder#imageTrust}: the renderer resolves the tag, verifies the signature and
 * renders the digest, with core's own verification (an in-process registry, {@link FakeRegistry}); a refusal
 * is the launcher's {@link UntrustedImageException}, exact; warn mode renders by digest and logs; the manifest
 * rendered is judged pinned and signed by {@link ManifestAudit}. The real registry's IT is
 * {@code KubernetesImageTrustIT}.
 */
class KubernetesImageTrustTest {
  private static final KeyPair KEY = keyPair();
  private static final KeyPair OTHER = keyPair();
  private FakeRegistry registry;
  private String app;
  private String digest;

  static KeyPair keyPair() {
    return CosignKeyFile.generateP256();
  }

  @BeforeEach
  void start() throws Exception {
    registry = new FakeRegistry();
    app = registry.address() + "/team/app";
    digest = push("team/app", "1", "one");
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private String push(String repository, String tag, String variant) {
    String config = registry.putBlob(("{\"variant\":\"" + variant + "\"}").getBytes(StandardCharsets.UTF_8));
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":10,\"digest\":\""
        + config + "\"},\"layers\":[]}";
    return registry.putManifest(repository, tag, "application/vnd.docker.distribution.manifest.v2+json",
        manifest.getBytes(StandardCharsets.UTF_8));
  }

  private RegistryAccess access() {
    return RegistryAccess.builder().withoutEngineCertificates().addCertificateAuthority(registry.ca.certificate())
        .credentials(RegistryCredentials.none()).timeout(Duration.ofSeconds(10)).build();
  }

  private ImageTrust.Builder trust() {
    return ImageTrust.builder().addTrustedKey(KEY.getPublic()).registryAccess(access());
  }

  private void sign(String image, KeyPair key) {
    ImageSigner.builder().privateKey(key.getPrivate()).registryAccess(access()).build().sign(image);
  }

  private static KubernetesRenderer.Builder renderer(String image) {
    return KubernetesRenderer.builder(SecureContainerSpec.builder().image(image).build())
        .acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK);
  }

  private static List<String> renderedImages(KubernetesRenderer r) {
    Pod pod = Yaml.read(r.pod().yaml(), Pod.class);
    return List.of(pod.getSpec().getContainers().get(0).getImage(),
        r.deployment().model().getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
        r.job().model().getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }

  private static List<String> findings(String yaml, Policy policy, String... rules) {
    return ManifestAudit.judge(yaml, policy).violations().stream().filter(v -> List.of(rules).contains(v.ruleId()))
        .map(v -> v.ruleId() + ": " + v.message()).toList();
  }

  @Test
  void aSignedTagIsRenderedAtTheDigestVerifiedAndJudgedPinnedAndSigned() {
    sign(app + ":1", KEY);
    ImageTrust trust = trust().requireSignature(registry.address() + "/team/*").build();
    KubernetesRenderer r = renderer(app + ":1").imageTrust(trust).build();
    String pinned = app + "@" + digest;
    assertEquals(List.of(pinned, pinned, pinned), renderedImages(r));
    assertEquals(pinned, r.pod().policyView().image(), "the workload's policy view names the digest");
    Policy policy = Policy.builder("signed").addProfile(Profiles.carapaceDefault())
        .addRule(Profiles.imageSignedBy(trust().requireSignature(registry.address() + "/team/*").build())).build();
    for (String yaml : List.of(r.pod().yaml(), r.deployment().yaml(), r.job().yaml())) {
      assertEquals(List.of(), findings(yaml, policy, "image-pinned", "image-signed"), yaml);
    }
    // the same tag without the trust: not pinned (its digest is signed)
    assertEquals(List.of("image-pinned: image must be pinned by digest: " + app + ":1 (a tag)"),
        findings(renderer(app + ":1").build().pod().yaml(), policy, "image-pinned", "image-signed"));
  }

  @Test
  void anUnsignedImageIsRefusedAtBuildAsALaunchIsRefused() {
    ImageTrust trust = trust().requireSignature(registry.address() + "/team/*").build();
    UntrustedImageException e = assertThrows(UntrustedImageException.class,
        () -> renderer(app + ":1").imageTrust(trust).build());
    assertEquals("create of " + app + ":1 failed: image not trusted at " + digest + ": no signature (no manifest "
        + digest.replace(':', '-') + ".sig in " + app + ")", e.getMessage());
    assertEquals(digest, e.verification().digest().orElseThrow());
    // another key's signature: refused, naming it
    sign(app + ":1", OTHER);
    UntrustedImageException other = assertThrows(UntrustedImageException.class,
        () -> renderer(app + ":1").imageTrust(trust).build());
    assertTrue(other.getMessage().startsWith("create of " + app + ":1 failed: image not trusted at " + digest + ": "),
        other.getMessage());
    // a tag the registry does not have: refused, the digest unresolved
    UntrustedImageException missing = assertThrows(UntrustedImageException.class,
        () -> renderer(app + ":2").imageTrust(trust).build());
    assertTrue(missing.getMessage().startsWith("create of " + app + ":2 failed: image not trusted: the digest could"
        + " not be resolved: "), missing.getMessage());
  }

  @Test
  void warnModeRendersTheDigestAndLogs() {
    ImageTrust trust = trust().warnIfUnsigned(registry.address() + "/team/*").build();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    KubernetesRenderer r;
    try {
      r = renderer(app + ":1").imageTrust(trust).build();
    } finally {
      System.setErr(err);
    }
    assertEquals(app + "@" + digest, renderedImages(r).get(0));
    String logged = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("WARN dev.carapace.cluster.KubernetesRenderer - rendering " + app + ":1 at " + digest
        + " without a verified signature: no signature (no manifest " + digest.replace(':', '-') + ".sig in " + app
        + ")"), logged);
  }

  @Test
  void aDigestGivenIsVerifiedNotResolvedAgainAndAnImageNoRuleMatchesIsRenderedAsWritten() {
    String second = push("team/app", "2", "two");
    sign(app + "@" + second, KEY);
    ImageTrust trust = trust().requireSignature(registry.address() + "/team/*").build();
    int before = registry.requests.size();
    KubernetesRenderer r = renderer(app + ":1").imageDigest(second).imageTrust(trust).build();
    assertEquals(app + "@" + second, renderedImages(r).get(0), "the caller's digest, verified");
    assertTrue(registry.requests.subList(before, registry.requests.size()).stream()
        .noneMatch(q -> q.contains("/manifests/1")), "the tag is not resolved: " + registry.requests);
    // the tag's own digest is unsigned: given as the digest, it is refused
    assertThrows(UntrustedImageException.class, () -> renderer(app + ":1").imageDigest(digest).imageTrust(trust)
        .build());
    // no rule for the image: as written, the registry not asked
    before = registry.requests.size();
    assertEquals("busybox:1", renderedImages(renderer("busybox:1").imageTrust(trust).build()).get(0));
    assertEquals(before, registry.requests.size());
  }
}
