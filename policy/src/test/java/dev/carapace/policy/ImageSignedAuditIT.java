package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.testing.PolicyTesting;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rule {@code image-signed} on the testbed registry: images of this test's own (busybox copied under a
 * repository of its own, one signed with {@link dev.carapace.core.ImageSigner}, one not), pulled and run on the
 * real engine. The audit reports the running container whose digest is unsigned, and passes the signed one
 * whether it was created by digest or by tag; an enforcing check refuses the unsigned image before any create.
 * Everything is removed afterwards: containers, the engine's names of the images, the registry's manifests.
 */
class ImageSignedAuditIT {
  private static final KeyPair KEY = ImageSignedRuleTest.keyPair();
  final String run = UUID.randomUUID().toString();

  @Test
  void theAuditReportsTheRunningContainerWhoseDigestIsUnsignedAndEnforcementRefusesItBeforeCreate() throws Exception {
    List<String> containers = new ArrayList<>();
    List<String> names = new ArrayList<>();
    RegistryCredentials credentials = RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER,
        TestPeers.registryPassword());
    RegistryAccess access = RegistryAccess.builder().credentials(credentials).build(); // the engine's CAs
    TestRegistry images = new TestRegistry();
    try (DockerClient docker = PolicyTesting.docker();
        ContainerLauncher puller = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
            .registryCredentials(credentials).build();
        EngineAudit audit = EngineAudit.connect(TestEngine.endpoint())) {
      String signedRepo = images.image("signed");
      String unsignedRepo = images.image("unsigned");
      String signed = images.copyBusybox("signed", "1", 1);
      String unsigned = images.copyBusybox("unsigned", "1", 2);
      assertEquals(signed, ImageSigner.builder().privateKey(KEY.getPrivate()).registryAccess(access).build()
          .sign(signedRepo + ":1"));
      images.rememberSignatures(images.repository("signed"), signed);
      ImageTrust trust = ImageTrust.builder().addTrustedKey(KEY.getPublic()).requireSignature(images.image("*"))
          .registryAccess(access).build();
      Policy policy = Policy.builder("signed").addRule(Profiles.imageSignedBy(trust)).build();
      try {
        for (String image : List.of(signedRepo + ":1", signedRepo + "@" + signed, unsignedRepo + "@" + unsigned)) {
          puller.pull(image);
          names.add(image);
          String id = docker.createContainerCmd(image).withCmd("sleep", "60")
              .withLabels(Map.of(PolicyTesting.TEST_LABEL, run)).withHostConfig(HostConfig.newHostConfig()).exec().getId();
          containers.add(id);
          docker.startContainerCmd(id).exec();
        }
        PolicyReport report = audit.audit(policy, containers);
        System.out.println(report.toText());
        assertEquals(List.of(List.of(), List.of(), List.of("image must be signed by a trusted key: " + unsignedRepo + "@"
            + unsigned + ": no signature (no manifest " + unsigned.replace(':', '-') + ".sig in "
            + unsignedRepo + ")")), report.containers().stream().map(c -> c.violations().stream()
            .map(Violation::message).collect(Collectors.toList())).collect(Collectors.toList()));

        // enforced: refused by the check, nothing created
        long since = System.currentTimeMillis() / 1000 - 1;
        try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
            .addCheck(PolicyCheck.enforce(policy)).build()) {
          PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> launcher.run(
              SecureContainerSpec.builder().image(unsignedRepo + ":1").command("true")
                  .putLabel(PolicyTesting.TEST_LABEL, run + "-enforced").build(), Duration.ofSeconds(30)));
          assertEquals(List.of("image must be signed by a trusted key: " + unsignedRepo + ":1 at " + unsigned
              + ": no signature (no manifest " + unsigned.replace(':', '-') + ".sig in " + unsignedRepo + ")"),
              e.report().violations().stream().map(Violation::message).collect(Collectors.toList()));
          assertEquals(0, launcher.run(SecureContainerSpec.builder().image(signedRepo + ":1").command("true")
              .putLabel(PolicyTesting.TEST_LABEL, run + "-enforced").build(), Duration.ofSeconds(30)).exitCode());
        }
        assertEquals(List.of("create", "start", "die", "destroy"),
            TestEngine.containerEvents(PolicyTesting.TEST_LABEL, run + "-enforced", since).stream()
                .filter(a -> List.of("create", "start", "die", "destroy").contains(a)).collect(Collectors.toList()),
            "only the signed image's container was created");
      } finally {
        for (String id : containers) {
          docker.removeContainerCmd(id).withForce(true).exec();
        }
        for (String name : names) {
          try {
            docker.removeImageCmd(name).exec();   // a name only: the image keeps carapace-test/busybox:1
          } catch (NotFoundException e) {
            // removing the tag removed the repository's digest names too
          }
        }
      }
    } finally {
      images.deleteAll();
    }
  }
}
