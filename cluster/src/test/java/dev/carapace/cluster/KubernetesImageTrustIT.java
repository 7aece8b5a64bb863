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
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import dev.carapace.policy.Policy;
import dev.carapace.policy.Profiles;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link KubernetesRenderer.Builder#imageTrust} on the testbed's registry (TLS, htpasswd): a copy of
 * {@code carapace-test/busybox:1} pushed under a repository of this run and signed with {@link ImageSigner} is
 * rendered by its digest, judged pinned and signed by {@link ManifestAudit}, and run by {@code podman kube
 * play} (pulling that digest from the registry with the registry's user): podman's record of the container
 * names the digest. The same image unsigned is refused at {@code build()}. Everything pushed, pulled and
 * played is removed.
 */
class KubernetesImageTrustIT {
  private static final String PREFIX = "carapace-kube-trust-" + UUID.randomUUID().toString().substring(0, 8);
  private static final KeyPair KEY = KubernetesImageTrustTest.keyPair();
  private static TestRegistry registry;
  private static RegistryAccess access;

  @BeforeAll
  static void connect() {
    registry = new TestRegistry();
    access = RegistryAccess.builder().credentials(RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER,
        TestPeers.registryPassword())).build(); // the engine's CAs: /etc/docker/certs.d
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try {
      assertEquals(List.of(), Podman.pods(PREFIX));
    } finally {
      registry.deleteAll();
    }
  }

  private static ImageTrust trust() {
    return ImageTrust.builder().addTrustedKey(KEY.getPublic()).requireSignature(registry.image("*"))
        .registryAccess(access).build();
  }

  private static KubernetesRenderer.Builder renderer(String name, String image) {
    return KubernetesRenderer.builder(SecureContainerSpec.builder().image(image).name(name).user("1000:1000")
        .command("sleep", "300").build()).acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK);
  }

  @Test
  void aSignedTagIsRenderedByItsDigestAndPodmanRunsThatDigest() throws Exception {
    String tag = registry.image("kube") + ":1";
    // its own image id: removing what podman pulled below must not remove the testbed's carapace-test/busybox:1
    String digest = registry.copyBusyboxAsItsOwnImage("kube", "1");
    assertEquals(digest, ImageSigner.builder().privateKey(KEY.getPrivate()).registryAccess(access).build().sign(tag));
    registry.rememberSignatures(registry.repository("kube"), digest);
    String pinned = registry.image("kube") + "@" + digest;

    String name = PREFIX + "-pod";
    KubernetesWorkload<Pod> pod = renderer(name, tag).imageTrust(trust()).build().pod();
    assertEquals(pinned, pod.model().getSpec().getContainers().get(0).getImage());
    Policy policy = Policy.builder("signed").addProfile(Profiles.carapaceDefault())
        .addRule(Profiles.imageSignedBy(trust())).build();
    assertEquals(List.of(), ManifestAudit.judge(pod.yaml(), policy).violations().stream()
        .filter(v -> List.of("image-pinned", "image-signed").contains(v.ruleId())).map(v -> v.message()).toList(),
        "the manifest is judged pinned and signed");

    Path file = Podman.play(pod.yaml(), "--creds", TestPeers.REGISTRY_USER + ":"
        + new String(TestPeers.registryPassword()), "--cert-dir", "/etc/docker/certs.d/" + TestPeers.REGISTRY);
    try {
      String container = name + "-" + name;
      assertEquals(pinned, Podman.run("inspect", "--format", "{{.ImageName}}", container).strip(),
          "podman's record names the digest rendered");
      String imageId = Podman.run("inspect", "--format", "{{.Image}}", container).strip();
      String repoDigests = Podman.run("image", "inspect", "--format", "{{json .RepoDigests}}", imageId);
      // podman lists each digest of the image under each repository it names the image by
      assertTrue(repoDigests.contains("@" + digest + "\""), "the image podman runs has the digest: " + repoDigests);
      assertEquals("running", Podman.run("inspect", "--format", "{{.State.Status}}", container).strip());
    } finally {
      try {
        Podman.down(file);
      } finally {
        Podman.run("rmi", "--ignore", pinned);
        assertTrue(Podman.run("images", "--format", "{{.Repository}}:{{.Tag}}").contains(
            "localhost/carapace-test/busybox:1"), "the testbed's image is still in podman's store");
      }
    }
  }

  @Test
  void anUnsignedImageIsRefusedAtBuild() throws Exception {
    String tag = registry.image("kube-unsigned") + ":1";
    String digest = registry.copyBusybox("kube-unsigned", "1", 6);
    UntrustedImageException e = assertThrows(UntrustedImageException.class,
        () -> renderer(PREFIX + "-unsigned", tag).imageTrust(trust()).build());
    assertEquals("create of " + tag + " failed: image not trusted at " + digest + ": no signature (no manifest "
        + TestRegistry.signatureTag(digest) + " in " + registry.image("kube-unsigned") + ")", e.getMessage());
    assertTrue(e.verification().problem().isPresent());
  }
}
