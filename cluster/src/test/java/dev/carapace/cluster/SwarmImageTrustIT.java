package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.UntrustedImageException;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SwarmDeployer.Builder#imageTrust} on the real engine (API 1.41, engine 20.10) and the testbed's
 * registry (TLS, htpasswd), in a single-node swarm this class creates and leaves ({@link SingleNodeSwarm}).
 * Copies of {@code carapace-test/busybox:1} are pushed under repositories of this run ({@link TestRegistry}),
 * signed with {@link ImageSigner}. A signed tag is deployed by its digest: the service, each task and each
 * task's container record {@code repository@sha256:...}, as sent, and the tag moved afterwards changes no
 * task, not even a new one; an unsigned image is refused before the engine is asked anything (no service, no
 * service event, no container); warn mode deploys by the digest and logs. The node has no registry
 * credentials: the test pulls each digest first (with the registry's user), as {@code SwarmIT} does, and the
 * node uses the content it has. Everything pushed, pulled or deployed is removed.
 */
class SwarmImageTrustIT {
  private static final Duration T = Duration.ofSeconds(120);
  private static final KeyPair KEY = KubernetesImageTrustTest.keyPair();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DockerClient docker;
  private static TestRegistry registry;
  private static RegistryAccess access;
  private static final List<String> pulled = new ArrayList<>();

  @BeforeAll
  static void createSwarm() {
    docker = DockerClients.connect(TestEngine.endpoint());
    SingleNodeSwarm.init(docker, "SwarmImageTrustIT");
    registry = new TestRegistry();
    access = RegistryAccess.builder().credentials(credentials()).build(); // the engine's CAs: /etc/docker/certs.d
  }

  @AfterAll
  static void leaveSwarm() throws IOException {
    try {
      for (String image : pulled) {
        try {
          docker.removeImageCmd(image).exec(); // a reference only: the image keeps carapace-test/busybox:1
        } catch (NotFoundException e) {
          // removing the tag removed the repository's digest references too
        }
      }
      if (registry != null) {
        registry.deleteAll();
      }
    } finally {
      SingleNodeSwarm.leave(docker);
      docker.close();
    }
  }

  private static RegistryCredentials credentials() {
    return RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword());
  }

  /** Pulls {@code image} into the engine with the registry's user: the node itself has no credentials. */
  private static void pull(String image) {
    try (ContainerLauncher puller = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
        .registryCredentials(credentials()).build()) {
      puller.pull(image);
    }
    pulled.add(image);
  }

  private static String sign(String image) {
    String digest = ImageSigner.builder().privateKey(KEY.getPrivate()).registryAccess(access).build().sign(image);
    registry.rememberSignatures(registry.repository(image.substring(registry.image("").length(),
        image.lastIndexOf(':'))), digest);
    return digest;
  }

  /** busybox copied as {@code <run>/<name>:1} ({@code variant} making its own digest) and signed; its digest. */
  private static String signedCopy(String name, int variant) throws IOException {
    String digest = registry.copyBusybox(name, "1", variant);
    assertEquals(digest, sign(registry.image(name) + ":1"));
    return digest;
  }

  private static ImageTrust.Builder trust() {
    return ImageTrust.builder().addTrustedKey(KEY.getPublic()).registryAccess(access);
  }

  private static SecureContainerSpec spec(String image) {
    // ends on SIGTERM: a scale-down or removal does not wait out the 10 s stop grace period, as SwarmIT's tasks
    return SecureContainerSpec.builder().image(image)
        .command("sh", "-c", "echo done; trap 'exit 0' TERM; sleep 600 & wait")
        .network(NetworkMode.bridge()).build();
  }

  private static SwarmDeployment named(String name) {
    return SwarmDeployment.builder(name).acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES).build();
  }

  private static JsonNode get(String path) {
    return TestEngine.getJson(path).get(0);
  }

  /** The engine's service events naming {@code service}, since {@code since} (seconds). */
  private static List<String> serviceEvents(String service, long since) {
    String filters = "{\"type\":[\"service\"]}";
    return TestEngine.getJson("/events?since=" + since + "&until=" + (System.currentTimeMillis() / 1000 + 1)
        + "&filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8)).stream()
        .filter(e -> e.path("Actor").path("Attributes").path("name").asText().equals(service))
        .map(e -> e.path("Action").asText()).collect(Collectors.toList());
  }

  private static List<JsonNode> servicesNamed(String service) {
    return TestEngine.getJson("/services?filters=" + URLEncoder.encode("{\"name\":[\"" + service + "\"]}",
        StandardCharsets.UTF_8)).stream().filter(JsonNode::isArray).flatMap(a -> {
          List<JsonNode> l = new ArrayList<>();
          a.forEach(l::add);
          return l.stream();
        }).filter(s -> s.path("Spec").path("Name").asText().equals(service)).collect(Collectors.toList());
  }

  @Test
  void aSignedTagRunsByItsDigestOnEveryTaskAndAMovedTagChangesNone() throws Exception {
    String tag = registry.image("signed") + ":1";
    String digest = signedCopy("signed", 1);
    String pinned = registry.image("signed") + "@" + digest;
    pull(pinned);
    long deployed = System.currentTimeMillis() / 1000 - 1;
    try (SwarmDeployer swarm = SwarmDeployer.builder().endpoint(TestEngine.endpoint())
        .imageTrust(trust().requireSignature(registry.image("*")).build()).build();
        SwarmService s = swarm.deploy(spec(tag), named("carapace-signed"), T)) {
      assertEquals(pinned, s.spec().image(), "the service's spec names the digest verified");
      assertTrue(serviceEvents("carapace-signed", deployed).contains("create"), "the events show a service create");
      assertEquals(1, servicesNamed("carapace-signed").size());
      JsonNode service = get("/services/" + s.id());
      assertEquals(pinned, service.path("Spec").path("TaskTemplate").path("ContainerSpec").path("Image").asText(),
          "the engine recorded the digest sent, not one of its own resolution");
      SwarmTask first = s.tasks().get(0);
      assertEquals(pinned, first.image());
      assertEquals(pinned, get("/tasks/" + first.id()).path("Spec").path("ContainerSpec").path("Image").asText());
      JsonNode inspect = get("/containers/" + first.containerId() + "/json");
      assertEquals(pinned, inspect.path("Config").path("Image").asText());
      String imageId = inspect.path("Image").asText();
      assertTrue(get("/images/" + imageId + "/json").path("RepoDigests").toString().contains(pinned));

      // the tag moves to another digest (unsigned): the running task, and a new one, keep the verified digest
      String moved = registry.copyBusybox("signed", "1", 3);
      assertNotEquals(digest, moved);
      assertEquals(moved, access.resolveDigest(tag), "the registry's tag points elsewhere now");
      List<SwarmTask> two = s.scale(2, T);
      assertEquals(2, two.size());
      for (SwarmTask t : two) {
        assertEquals(pinned, t.image(), t.toString());
        JsonNode c = get("/containers/" + t.containerId() + "/json");
        assertEquals(pinned, c.path("Config").path("Image").asText());
        assertEquals(imageId, c.path("Image").asText(), "the same content on every task");
      }
      assertEquals(pinned, get("/services/" + s.id()).path("Spec").path("TaskTemplate").path("ContainerSpec")
          .path("Image").asText());
      // deployed again now, the moved tag's unsigned digest is refused before any create
      long since = System.currentTimeMillis() / 1000 - 1;
      UntrustedImageException e = assertThrows(UntrustedImageException.class,
          () -> swarm.deploy(spec(tag), named("carapace-moved"), T));
      assertEquals("create of " + tag + " failed: image not trusted at " + moved + ": no signature (no manifest "
          + TestRegistry.signatureTag(moved) + " in " + registry.image("signed") + ")", e.getMessage());
      assertEquals(List.of(), servicesNamed("carapace-moved"));
      assertEquals(List.of(), serviceEvents("carapace-moved", since));
    }
  }

  /**
   * With the deployer's registry credentials, sent with the create ({@code X-Registry-Auth}), the node itself
   * pulls the verified digest from the registry (the engine had no image of it before) and runs it.
   */
  @Test
  void theNodePullsTheVerifiedDigestWithTheDeployersCredentials() throws Exception {
    String tag = registry.image("pulled") + ":1";
    String digest = signedCopy("pulled", 7);
    String pinned = registry.image("pulled") + "@" + digest;
    assertThrows(NotFoundException.class, () -> docker.inspectImageCmd(pinned).exec(), "not on the engine yet");
    pulled.add(pinned);
    try (SwarmDeployer swarm = SwarmDeployer.builder().endpoint(TestEngine.endpoint()).registryCredentials(credentials())
        .imageTrust(ImageTrust.builder().addTrustedKey(KEY.getPublic()).requireSignature(registry.image("*"))
            .build()).build();   // the trust's access without credentials: the deployer's are used
        SwarmService s = swarm.deploy(spec(tag), named("carapace-pulled"), T)) {
      SwarmTask task = s.tasks().get(0);
      assertEquals(pinned, task.image());
      JsonNode inspect = get("/containers/" + task.containerId() + "/json");
      assertEquals(pinned, inspect.path("Config").path("Image").asText());
      assertTrue(get("/images/" + inspect.path("Image").asText() + "/json").path("RepoDigests").toString()
          .contains(pinned), "the node pulled the digest");
    }
  }

  @Test
  void anUnsignedImageIsRefusedBeforeTheEngineIsAsked() throws Exception {
    String tag = registry.image("unsigned") + ":1";
    String digest = registry.copyBusybox("unsigned", "1", 2);
    long since = System.currentTimeMillis() / 1000 - 1;
    try (SwarmDeployer swarm = SwarmDeployer.builder().endpoint(TestEngine.endpoint())
        .imageTrust(trust().requireSignature(registry.image("*")).build()).build()) {
      UntrustedImageException e = assertThrows(UntrustedImageException.class,
          () -> swarm.deploy(spec(tag), named("carapace-unsigned"), T));
      assertEquals("create of " + tag + " failed: image not trusted at " + digest + ": no signature (no manifest "
          + TestRegistry.signatureTag(digest) + " in " + registry.image("unsigned") + ")", e.getMessage());
      assertEquals(digest, e.verification().digest().orElseThrow());
      assertEquals(List.of(), servicesNamed("carapace-unsigned"), "no service");
      assertEquals(List.of(), serviceEvents("carapace-unsigned", since), "no service event");
      assertEquals(List.of(), TestEngine.containersOf(docker, swarm.id()), "no container");
    }
  }

  @Test
  void warnModeDeploysAnUnsignedImageByItsDigestAndLogs() throws Exception {
    String tag = registry.image("warned") + ":1";
    String digest = registry.copyBusybox("warned", "1", 4);
    String pinned = registry.image("warned") + "@" + digest;
    pull(pinned);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    try (SwarmDeployer swarm = SwarmDeployer.builder().endpoint(TestEngine.endpoint())
        .imageTrust(trust().warnIfUnsigned(registry.image("*")).build()).build()) {
      SwarmService s;
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        s = swarm.deploy(spec(tag), named("carapace-warned"), T);
      } finally {
        System.setErr(err);
      }
      try (s) {
        assertEquals(Set.of(pinned), s.tasks().stream().map(SwarmTask::image).collect(Collectors.toSet()));
        assertEquals(pinned, get("/containers/" + s.tasks().get(0).containerId() + "/json").path("Config")
            .path("Image").asText());
      }
    }
    String logged = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("WARN dev.carapace.cluster.SwarmDeployer - deploying service carapace-warned of " + tag
        + " at " + digest + " without a verified signature: no signature (no manifest "
        + TestRegistry.signatureTag(digest) + " in " + registry.image("warned") + ")"), logged);
  }
}
