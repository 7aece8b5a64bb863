package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.ImageVerification;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.FakeRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rule {@code image-signed} ({@link Profiles#imageSignedBy}) against an in-process registry (core's
 * {@link FakeRegistry}) holding images signed with {@link ImageSigner}: a signed digest passes, an unsigned one
 * or one signed by another key is a violation naming the image, the digest and the reason, an image the trust
 * only warns about is a note; a running container is judged by the digest it runs, not by what its tag names now.
 */
class ImageSignedRuleTest {
  private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  private static final KeyPair KEY = keyPair();
  private static final KeyPair OTHER = keyPair();

  private FakeRegistry registry;
  private String addr;
  private ImageTrust trust;
  private Rule rule;
  private String signed;
  private String unsigned;

  static KeyPair keyPair() {
    return dev.carapace.core.testing.CosignKeyFile.generateP256();
  }

  /** A schema 2 manifest of its own config (its layers need not exist to be signed); returns its digest. */
  private String push(String repository, String tag, String variant) {
    String config = registry.putBlob(("{\"variant\":\"" + variant + "\"}").getBytes(StandardCharsets.UTF_8));
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + DOCKER_MANIFEST + "\",\"config\":"
        + "{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":10,\"digest\":\"" + config
        + "\"},\"layers\":[]}";
    return registry.putManifest(repository, tag, DOCKER_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
  }

  private RegistryAccess access() {
    return RegistryAccess.builder().withoutEngineCertificates().addCertificateAuthority(registry.ca.certificate())
        .credentials(RegistryCredentials.none()).timeout(Duration.ofSeconds(10)).build();
  }

  @BeforeEach
  void start() throws Exception {
    registry = new FakeRegistry();
    addr = registry.address();
    signed = push("team/signed", "1", "signed");
    unsigned = push("team/unsigned", "1", "unsigned");
    push("team/warned", "1", "warned");
    push("team/free", "1", "free");
    ImageSigner.builder().privateKey(KEY.getPrivate()).registryAccess(access()).build().sign(addr + "/team/signed:1");
    push("team/other-key", "1", "other");
    ImageSigner.builder().privateKey(OTHER.getPrivate()).registryAccess(access()).build()
        .sign(addr + "/team/other-key:1");
    trust = ImageTrust.builder().addTrustedKey(KEY.getPublic())
        .requireSignature(addr + "/team/signed")
        .requireSignature(addr + "/team/unsigned")
        .requireSignature(addr + "/team/other-key")
        .warnIfUnsigned(addr + "/team/warned")
        .registryAccess(access()).build();
    rule = Profiles.imageSignedBy(trust);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private static SecureContainerSpec spec(String image) {
    return SecureContainerSpec.builder().image(image).build();
  }

  private List<String> messages(ContainerView c) {
    return rule.evaluate(c).violations().stream().map(Violation::message).collect(Collectors.toList());
  }

  private List<String> notes(ContainerView c) {
    return rule.evaluate(c).notes().stream().map(Note::reason).collect(Collectors.toList());
  }

  /** A running container created from {@code image}, whose image the engine knows by {@code repoDigests}. */
  private static ContainerView running(String image, String... repoDigests) {
    return ContainerView.builder().origin(ContainerView.Origin.ENGINE).image(image)
        .imageId("sha256:" + "3c".repeat(32)).build()
        .knowingImage(new ImageFacts(image, "", Optional.empty(), List.of(repoDigests)));
  }

  @Test
  void aSignedDigestPassesByTagAndByDigest() {
    assertEquals(List.of(), messages(ContainerView.of(spec(addr + "/team/signed:1"))));
    assertEquals(List.of(), messages(ContainerView.of(spec(addr + "/team/signed@" + signed))));
    assertEquals(List.of(), notes(ContainerView.of(spec(addr + "/team/signed:1"))));
    assertEquals("image-signed", rule.id());
    assertEquals(Severity.HIGH, rule.severity());
    assertEquals(List.of("CIS Docker 1.6 4.5", "NIST SP 800-190 4.1.5 (use of untrusted images)"), rule.standards());
  }

  @Test
  void anUnsignedDigestOrAnotherKeysSignatureIsAViolationNamingTheDigestAndWhy() {
    assertEquals(List.of("image must be signed by a trusted key: " + addr + "/team/unsigned:1 at " + unsigned
        + ": no signature (no manifest " + unsigned.replace(':', '-') + ".sig in " + addr + "/team/unsigned)"),
        messages(ContainerView.of(spec(addr + "/team/unsigned:1"))));
    String other = registry.manifests.get("team/other-key").keySet().stream().filter(t -> t.endsWith(".sig"))
        .findFirst().orElseThrow().replace("sha256-", "sha256:").replace(".sig", "");
    assertEquals(List.of("image must be signed by a trusted key: " + addr + "/team/other-key@" + other
        + ": signature: not signed by a trusted key (1 key tried)"),
        messages(ContainerView.of(spec(addr + "/team/other-key@" + other))));
    Violation v = rule.evaluate(ContainerView.of(spec(addr + "/team/unsigned:1"))).violations().get(0);
    assertEquals("sign the image's digest with a trusted key (ImageSigner, or cosign sign --key KEY"
        + " NAME@sha256:DIGEST) and launch it by that digest", v.remedy());
  }

  @Test
  void anImageTheTrustOnlyWarnsAboutIsANoteAndOneItHasNoRuleForPasses() {
    ContainerView warned = ContainerView.of(spec(addr + "/team/warned:1"));
    assertEquals(List.of(), messages(warned));
    assertEquals(1, notes(warned).size());
    assertTrue(notes(warned).get(0).startsWith("image is not signed by a trusted key, which the image trust only warns"
        + " about: " + addr + "/team/warned:1 at sha256:"), notes(warned).toString());
    assertEquals(List.of(), messages(ContainerView.of(spec(addr + "/team/free:1"))));
    assertEquals(List.of(), notes(ContainerView.of(spec(addr + "/team/free:1"))));
    // an image id names no repository: noted, never a registry call
    ContainerView byId = ContainerView.of(spec("sha256:" + "3c".repeat(32)));
    assertEquals(List.of(), messages(byId));
    assertTrue(notes(byId).get(0).endsWith(": no signature can name it"), notes(byId).toString());
  }

  @Test
  void aRunningContainerIsJudgedByTheDigestItRunsNotByWhatItsTagNamesNow() {
    // created by tag while the tag named the signed digest; the tag has moved to an unsigned image since
    String moved = push("team/signed", "1", "moved-unsigned");
    assertTrue(!moved.equals(signed));
    assertEquals(List.of(), messages(running(addr + "/team/signed:1", addr + "/team/signed@" + signed)));
    // and the other way round: it runs the unsigned digest, whatever the tag names now
    assertEquals(List.of("image must be signed by a trusted key: " + addr + "/team/signed:1 (runs " + addr
        + "/team/signed@" + moved + "): no signature (no manifest " + moved.replace(':', '-') + ".sig in " + addr
        + "/team/signed)"), messages(running(addr + "/team/signed:1", addr + "/team/signed@" + moved)));
    // created by digest: that digest
    assertEquals(List.of(), messages(running(addr + "/team/signed@" + signed)));
    // an image built or loaded on the engine has no digest of the repository: nothing can be verified
    ContainerView local = running(addr + "/team/unsigned:1", "elsewhere.example/copy@" + unsigned);
    Violation v = rule.evaluate(local).violations().get(0);
    assertEquals("image must be signed by a trusted key: " + addr + "/team/unsigned:1 (its image has no digest of "
        + addr + "/team/unsigned: built, loaded or tagged here, so no signature can name it), image sha256:3c3c3c3c3c3c",
        v.message());
    assertEquals("recreate the container from a signed image by digest (NAME@sha256:DIGEST, signed with ImageSigner or"
        + " cosign sign --key)", v.remedy());
    // the same where the trust only warns: a note
    assertEquals(List.of(), messages(running(addr + "/team/warned:1")));
    assertEquals(1, notes(running(addr + "/team/warned:1")).size());
    // no rule: nothing
    assertEquals(List.of(), messages(running(addr + "/team/free:1")));
  }

  @Test
  void aVerificationAlreadyMadeIsJudgedWithoutAskingTheRegistryAgain() {
    String image = addr + "/team/unsigned@" + unsigned;
    ImageVerification made = trust.verify(image);
    List<String> asked = List.copyOf(registry.requests);
    Rule given = Profiles.imageSignedBy(trust, List.of(made));
    List<String> byTrust = messages(ContainerView.of(spec(image)));
    assertEquals(List.of("image must be signed by a trusted key: " + image + ": no signature (no manifest "
        + unsigned.replace(':', '-') + ".sig in " + addr + "/team/unsigned)"), byTrust);
    int afterTrust = registry.requests.size();
    assertTrue(afterTrust > asked.size(), "the rule of the trust alone asks again: " + registry.requests);
    Rule.Outcome judged = given.evaluate(ContainerView.of(spec(image)));
    assertEquals(byTrust, judged.violations().stream().map(Violation::message).toList());
    assertEquals(afterTrust, registry.requests.size(), "the verification given is not asked for again: "
        + registry.requests.subList(afterTrust, registry.requests.size()));
    // an image the verifications do not name is verified through the trust
    assertEquals(List.of(), given.evaluate(ContainerView.of(spec(addr + "/team/signed:1"))).violations());
    assertTrue(registry.requests.size() > afterTrust);
    assertEquals("image-signed", given.id());

    ImageVerification free = trust.verify(addr + "/team/free:1");
    ImageTrust warnOnly = ImageTrust.builder().addTrustedKey(KEY.getPublic()).warnIfUnsigned(addr + "/team/*")
        .registryAccess(access()).build();
    assertEquals("image verification must be made by the rule's trust: " + image + " was verified under"
        + " REQUIRE_SIGNATURE, the trust's rule for it is WARN_IF_UNSIGNED",
        assertThrows(IllegalArgumentException.class, () -> Profiles.imageSignedBy(warnOnly, List.of(made)))
            .getMessage());
    assertEquals("image verifications must name each image once: " + image, assertThrows(
        IllegalArgumentException.class, () -> Profiles.imageSignedBy(trust, List.of(made, free, made))).getMessage());
    assertEquals("image verifications must not be null", assertThrows(NullPointerException.class,
        () -> Profiles.imageSignedBy(trust, null)).getMessage());
  }

  @Test
  void anEnforcingCheckRefusesAnUnsignedImageBeforeAnyCreate() {
    Policy signedOnly = Policy.builder("signed").addProfile(Profiles.carapaceDefault()).addRule(rule).build();
    PolicyCheck check = PolicyCheck.enforce(signedOnly).atLeast(Severity.HIGH);
    SecureContainerSpec.Builder hardened = BuiltinRulesTest.hardened();
    check.check(hardened.image(addr + "/team/signed:1").build());
    PolicyViolationException e = assertThrows(PolicyViolationException.class,
        () -> check.check(hardened.image(addr + "/team/unsigned:1").build()));
    assertEquals(List.of("image-signed"), e.report().violatedRuleIds().stream().filter(id -> !id.equals("image-pinned"))
        .toList());
    assertTrue(e.getMessage().contains("[HIGH] image-signed: image must be signed by a trusted key: " + addr
        + "/team/unsigned:1 at " + unsigned + ": no signature"), e.getMessage());
    assertEquals("image trust must not be null", assertThrows(NullPointerException.class,
        () -> Profiles.imageSignedBy(null)).getMessage());
  }
}
