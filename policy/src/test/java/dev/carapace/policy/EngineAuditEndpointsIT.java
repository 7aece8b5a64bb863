package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.carapace.CarapaceException;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.policy.testing.PolicyTesting;
import dev.carapace.tls.DockerTlsMaterial;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineAudit#connect(Endpoint)} with the endpoint's credentials: the testbed's nginx
 * basic-auth proxy (the seed's docker-authenticate) on plain HTTP and on TLS with a client
 * certificate, and dockerd's own {@code --tlsverify} listener.
 */
class EngineAuditEndpointsIT {
  static final String HOST = "127.0.0.1";
  final String run = UUID.randomUUID().toString();

  /** Audits one container launched over the unix socket, through {@code endpoint}. */
  void auditsOneContainerThrough(Endpoint endpoint) {
    try (ContainerLauncher launcher = TestEngine.launcher();
        RunningContainer c = launcher.launch(TestEngine.busybox("sleep", "30")
            .putLabel(PolicyTesting.TEST_LABEL, run).build());
        EngineAudit audit = EngineAudit.connect(endpoint)) {
      PolicyReport report = audit.audit(Profiles.carapaceDefault(), Map.of(PolicyTesting.TEST_LABEL, run));
      assertEquals(1, report.containers().size(), report::toText);
      assertEquals(c.id(), audit.containerIds(false, Map.of(PolicyTesting.TEST_LABEL, run)).get(0));
      // the root busybox image sets no USER: the audit sees root, over any transport
      assertEquals(List.of("user must not be root: \"\" (root, the engine's default)"),
          report.containers().get(0).violations().stream().filter(v -> v.ruleId().equals("non-root-user"))
              .map(Violation::message).toList(), report::toText);
    }
  }

  @Test
  void auditsThroughTheSeedsBasicAuthProxy() {
    auditsOneContainerThrough(Endpoint.plainTcp(HOST, TestPeers.NGINX_BASIC)
        .basicAuth(TestPeers.USER, TestPeers.password()));
  }

  @Test
  void auditsThroughTheTlsProxyWithClientCertificateAndBasicAuth() {
    auditsOneContainerThrough(Endpoint.tls(HOST, TestPeers.NGINX_TLS, DockerTlsMaterial.readClient(TestPeers.pki()))
        .basicAuth(TestPeers.USER, TestPeers.password()));
  }

  @Test
  void auditsThroughDockerdsTlsListener() {
    auditsOneContainerThrough(Endpoint.tls(HOST, TestPeers.DOCKERD_TLS, DockerTlsMaterial.readClient(TestPeers.pki())));
  }

  @Test
  void aWrongPasswordIsAnAuthenticationErrorThatDoesNotShowIt() {
    String wrong = "not-the-password";
    Endpoint endpoint = Endpoint.plainTcp(HOST, TestPeers.NGINX_BASIC).basicAuth(TestPeers.USER, wrong.toCharArray());
    try (EngineAudit audit = EngineAudit.connect(endpoint)) {
      CarapaceException e = assertThrows(CarapaceException.class, audit::engineSecurity);
      assertEquals("audit GET /info failed on tcp://127.0.0.1:2380 (basic auth as carapace): HTTP 401"
          + " (wrong or missing basic-auth credentials)", e.getMessage());
      assertFalse(e.getMessage().contains(wrong));
    }
  }
}
