package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.testing.CosignVerifier;
import dev.carapace.core.testing.SignatureCorpus;
import dev.carapace.core.testing.SkopeoVerifier;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import dev.carapace.core.testing.ToolRun.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Carapace's verifier ({@link ImageTrust}) against the two reference verifiers on the testbed's
 * registry: cosign 2.5.0 (Debian trixie's binary, {@code testbed/cosign.sh}; {@link CosignVerifier}:
 * {@code cosign verify --key}, offline) and skopeo (containers/image's {@code sigstoreSigned} policy,
 * {@code signedIdentity: matchRepository}; {@link SkopeoVerifier}, built by {@code testbed/skopeo.sh}).
 * <ul>
 *   <li>an image signed by {@code cosign sign --key} (a key of {@code cosign generate-key-pair},
 *       no transparency log) verifies through Carapace's {@link ImageTrust} with {@code cosign.pub}
 *       and launches by its digest;
 *   <li>every case of the {@link SignatureCorpus} is judged by Carapace, cosign and skopeo: each gets
 *       the verdict it expects from Carapace, and the same from cosign and skopeo unless the case
 *       names that verifier's known difference. The table is printed.
 * </ul>
 * Every manifest pushed is deleted afterwards, and the credentials and keys written for cosign, even on failure.
 */
class SignatureAgreementIT {
  private static TestRegistry registry;
  private static RegistryAccess access;
  private static CosignVerifier cosign;
  private static CosignVerifier.KeyPairFiles cosignKey;

  @TempDir static Path tmp;

  @BeforeAll
  static void connect() {
    access = RegistryAccess.builder()
        .credentials(RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword()))
        .addCertificateAuthority(TestPeers.dir().resolve("registry").resolve("ca.pem"))
        .withoutEngineCertificates()
        .build();
    registry = new TestRegistry();
    cosign = CosignVerifier.forTestbedRegistry();
    cosignKey = cosign.generateKeyPair("cosign-" + UUID.randomUUID()); // one scrypt-encrypted key for both tests
  }

  @AfterAll
  static void removeAll() {
    try {
      registry.deleteAll();
    } finally {
      cosign.close();
    }
  }

  @Test
  void imageSignedByCosignVerifiesAndLaunchesByDigest() throws Exception {
    CosignVerifier.KeyPairFiles key = cosignKey;
    String digest = registry.copyBusybox("cosign-launch", "1", 1);
    String image = registry.image("cosign-launch") + ":1";
    Verdict signed = cosign.sign(ImageName.parse(image).pinned(digest), key);
    assertTrue(signed.accepted(), "cosign sign --key: " + signed);
    registry.rememberSignatures(registry.repository("cosign-launch"), digest);
    Verdict byCosign = cosign.verify(image, java.nio.file.Files.readString(key.publicKey()));
    assertTrue(byCosign.accepted(), "cosign verify --key: " + byCosign);

    ImageTrust trust = ImageTrust.builder().addTrustedKeys(key.publicKey())
        .requireSignature(registry.image("cosign-launch")).registryAccess(access).build();
    ImageVerification v = trust.verify(image);
    assertTrue(v.signatureVerified(), "Carapace on cosign's signature: " + v);
    assertEquals(registry.image("cosign-launch") + "@" + digest, v.imageToLaunch());

    String pinned = registry.image("cosign-launch") + "@" + digest;
    DockerClient docker = TestPeers.unixSocket();
    try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
        .registryCredentials(RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword()))
        .imageTrust(trust).build();
        RunningContainer c = launcher.launch(SecureContainerSpec.builder().image(image)
            .command("echo", "signed by cosign").build())) {
      assertEquals(pinned, c.spec().image());
      assertEquals(pinned, docker.inspectContainerCmd(c.id()).exec().getConfig().getImage(), "the engine recorded the digest");
      assertEquals(0, c.awaitExit(Duration.ofSeconds(60)).orElseThrow());
      assertEquals("signed by cosign\n", c.logs().stdout());
    } finally {
      try {
        docker.removeImageCmd(pinned).exec(); // a reference only: the image keeps carapace-test/busybox:1
      } catch (RuntimeException e) {
        // not pulled
      }
      docker.close();
    }
  }

  @Test
  void carapaceCosignAndSkopeoAgreeOnEveryCase() throws Exception {
    SignatureCorpus corpus = new SignatureCorpus(registry, access, "agreement");
    try (SkopeoVerifier skopeo = SkopeoVerifier.forTestbedRegistry()) {
      List<SignatureCorpus.Case> cases = corpus.build(skopeo, cosign, cosignKey, tmp);
      Map<String, SignatureCorpus.Verifier> verifiers = new LinkedHashMap<>();
      verifiers.put(SignatureCorpus.COSIGN, cosign::verify);
      verifiers.put(SignatureCorpus.SKOPEO, skopeo::verify);
      List<SignatureCorpus.Row> rows = SignatureCorpus.judge(cases, access, verifiers);
      System.out.println(SignatureCorpus.table(rows, corpus.repository(), List.copyOf(verifiers.keySet())));
      assertEquals(List.of(), SignatureCorpus.unexpected(rows), "verdicts (see the table above)");

      // The payload bound is the one cosign and Carapace differ on by default: raised to cosign's, they agree.
      SignatureCorpus.Case huge = cases.stream().filter(c -> c.name().equals(SignatureCorpus.OVER_PAYLOAD_BOUND))
          .findFirst().orElseThrow();
      ImageVerification raised = ImageTrust.builder().addTrustedKey(huge.trusted())
          .requireSignature(TestPeers.REGISTRY + "/carapace-test/*").registryAccess(access)
          .maxPayloadBytes(ImageTrust.MAX_PAYLOAD_BYTES_LIMIT).build().verify(huge.image());
      assertTrue(raised.signatureVerified(), "with maxPayloadBytes " + ImageTrust.MAX_PAYLOAD_BYTES_LIMIT + ": " + raised);
    }
  }
}
