package dev.carapace.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.UntrustedImageException;
import dev.carapace.core.testing.FakeRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link CarapaceHardening.Builder#imageTrust}: the request's image is verified and replaced by its
 * verified digest; an unsigned one is refused in {@code applyTo} as itself and at create. Against an
 * in-process registry (core's {@code FakeRegistry}); no engine.
 */
class HardeningImageTrustTest {
  private FakeRegistry registry;
  private RegistryAccess access;
  private KeyPair key;
  private String signed;
  private String unsigned;
  private String signedDigest;

  @BeforeEach
  void start() throws Exception {
    registry = new FakeRegistry();
    access = RegistryAccess.builder().withoutEngineCertificates().addCertificateAuthority(registry.ca.certificate())
        .credentials(RegistryCredentials.none()).build();
    key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":2,\"digest\":\""
        + registry.putBlob("{}".getBytes(StandardCharsets.UTF_8)) + "\"},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    signedDigest = registry.putManifest("team/signed", "1", "application/vnd.docker.distribution.manifest.v2+json",
        manifest);
    registry.putManifest("team/unsigned", "1", "application/vnd.docker.distribution.manifest.v2+json", manifest);
    signed = registry.address() + "/team/signed:1";
    unsigned = registry.address() + "/team/unsigned:1";
    ImageSigner.builder().privateKey(key.getPrivate()).registryAccess(access).build().sign(signed);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private CarapaceHardening hardening() {
    return CarapaceHardening.builder().imageTrust(ImageTrust.builder().addTrustedKey(key.getPublic())
        .requireSignature(registry.address() + "/*").registryAccess(access).build()).build();
  }

  private static CreateContainerCmd request(String image) {
    return new CreateContainerCmdImpl(c -> {
      throw new AssertionError("never sent");
    }, null, image).withCmd("sleep", "60");
  }

  @Test
  void aSignedImageIsCreatedByItsVerifiedDigest() {
    CreateContainerCmd cmd = request(signed);
    hardening().accept(cmd);
    assertEquals(registry.address() + "/team/signed@" + signedDigest, cmd.getImage());
    assertEquals("true", cmd.getLabels().get(CarapaceHardening.HARDENED_LABEL));
  }

  @Test
  void anUnsignedImageIsRefusedAtCreateAndInApplyTo() {
    String expected = "create of " + unsigned + " failed: image not trusted at " + signedDigest + ": no signature (no"
        + " manifest " + signedDigest.replace(':', '-') + ".sig in " + registry.address() + "/team/unsigned)";
    UntrustedImageException e = assertThrows(UntrustedImageException.class, () -> hardening().accept(request(unsigned)));
    assertEquals(expected, e.getMessage());
    try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(unsigned)).withCommand("sleep", "60")) {
      e = assertThrows(UntrustedImageException.class, () -> hardening().applyTo(c));
      assertEquals(expected, e.getMessage());
    }
  }
}
