package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.carapace.core.testing.SignatureCorpus;
import dev.carapace.core.testing.SkopeoVerifier;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Carapace's verifier ({@link ImageTrust}) and skopeo (containers/image's {@code sigstoreSigned}
 * policy, {@code signedIdentity: matchRepository}; {@link SkopeoVerifier}) judge the same
 * {@link SignatureCorpus} of images on the testbed's registry: each case must get the verdict it
 * expects from Carapace, and from skopeo the same one unless the case names skopeo's known
 * difference (a bound). The table of verdicts is printed. CosignAgreementIT adds cosign as a third
 * verifier on the same corpus; every manifest pushed is deleted afterwards, even on failure.
 */
class SkopeoAgreementIT {
  private static TestRegistry registry;
  private static RegistryAccess access;

  @TempDir static Path tmp;

  @BeforeAll
  static void connect() {
    access = RegistryAccess.builder()
        .credentials(RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword()))
        .addCertificateAuthority(TestPeers.dir().resolve("registry").resolve("ca.pem"))
        .withoutEngineCertificates()
        .build();
    registry = new TestRegistry();
  }

  @AfterAll
  static void removeCorpus() {
    registry.deleteAll();
  }

  @Test
  void carapaceAndSkopeoAgreeOnEveryCase() throws Exception {
    SignatureCorpus corpus = new SignatureCorpus(registry, access, "agreement");
    try (SkopeoVerifier skopeo = SkopeoVerifier.forTestbedRegistry()) {
      List<SignatureCorpus.Case> cases = corpus.build(skopeo, null, tmp);
      List<SignatureCorpus.Row> rows = SignatureCorpus.judge(cases, access, Map.of(SignatureCorpus.SKOPEO, skopeo::verify));
      System.out.println(SignatureCorpus.table(rows, corpus.repository()));
      assertEquals(List.of(), SignatureCorpus.unexpected(rows), "verdicts (see the table above)");
    }
  }
}
