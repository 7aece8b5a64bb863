package dev.carapace.cli.internal.output;

import dev.carapace.policy.Severity;
import java.util.List;

/** Reports the writer tests write: one with a finding per severity, files and no files, hostile text. */
final class ReportSamples {
  static final RuleInfo PRIVILEGED = new RuleInfo("no-privileged", "Not privileged", "drop --privileged",
      Severity.CRITICAL);
  static final RuleInfo READ_ONLY = new RuleInfo("read-only-rootfs", "Read-only root filesystem", "add --read-only",
      Severity.MEDIUM);
  static final RuleInfo CLEAN = new RuleInfo("no-host-pid", "Not in the host's PID namespace", "", Severity.HIGH);
  static final RuleInfo HEALTH = new RuleInfo("healthcheck", "Has a health check", "add HEALTHCHECK", Severity.LOW);

  private ReportSamples() {}

  static Report mixed() {
    return new Report("lint", "2 files", List.of(PRIVILEGED, READ_ONLY, CLEAN, HEALTH), List.of(
        Finding.at("no-privileged", Severity.CRITICAL, "service web: privileged: true", "drop privileged",
            "deploy/compose.yaml", 12, 5),
        Finding.at("read-only-rootfs", Severity.MEDIUM, "pod api: readOnlyRootFilesystem unset", "set it",
            "k8s/my pod.yaml", 3, null),
        Finding.of("healthcheck", Severity.LOW, "container db: no health check", "add HEALTHCHECK"),
        // a finding whose text carries what a hostile file could put there
        Finding.at("no-privileged", Severity.HIGH, "line\nbreak \u001b[31mred\u0000 <x a=\"&\"/> \u202e",
            null, "weird/ä:b.txt", 1, 1)),
        List.of("container db: apparmor: not enabled on the host"));
  }

  static final String DIGEST = "sha256:" + "6f1e".repeat(16);

  /** An {@code image verify} report: one image verified, one unsigned (a finding), one whose tag was not found. */
  static Report images() {
    RuleInfo signed = new RuleInfo("image-signed", "The image's digest is signed by a trusted key", "sign it",
        Severity.HIGH);
    RuleInfo pinned = new RuleInfo("image-pinned", "The image is pinned by digest", "name it by digest", Severity.LOW);
    return new Report("image verify", "3 images against 1 trusted key, signature required", List.of(signed, pinned),
        List.of(Finding.of("image-signed", Severity.HIGH, "registry.example/unsigned:1: image must be signed by a"
            + " trusted key: registry.example/unsigned@" + DIGEST + ": no signature", "sign it")
            .on(Target.image("registry.example/unsigned:1", "image-signed"))),
        List.of(),
        List.of(new ArtifactInfo("registry.example/app:1", "registry.example/app@" + DIGEST, DIGEST,
                java.util.Map.of("signature", "verified, EC P-256 key SHA256:0123456789abcdef")),
            new ArtifactInfo("registry.example/unsigned:1", "registry.example/unsigned@" + DIGEST, DIGEST,
                java.util.Map.of("signature", "not verified, no signature")),
            new ArtifactInfo("registry.example/gone:1", null, null, java.util.Map.of())));
  }

  /** An audit's findings: about the engine and two containers, none in a file. */
  static Report audit(String endpoint) {
    java.net.URI e = java.net.URI.create(endpoint);
    return new Report("audit", "profile carapace-default on " + endpoint + ", 2 running containers",
        List.of(PRIVILEGED, READ_ONLY), List.of(
        Finding.of("engine-userns", Severity.MEDIUM, "engine: SecurityOptions lists neither name=userns nor"
            + " name=rootless", "remap").on(Target.engine(e, "engine-userns")),
        Finding.of("no-privileged", Severity.CRITICAL, "web: privileged must be false: true", "drop it")
            .on(Target.container(e, "web", "privileged")),
        Finding.of("read-only-rootfs", Severity.MEDIUM, "web: readOnlyRootfs must be true: false", "add --read-only")
            .on(Target.container(e, "web", "readOnlyRootfs")),
        Finding.of("read-only-rootfs", Severity.MEDIUM, "db/1 ä: readOnlyRootfs must be true: false", "add --read-only")
            .on(Target.container(e, "db/1 ä", "readOnlyRootfs"))),
        List.of());
  }

  static Report empty() {
    return new Report("audit", "profile cis-docker on unix:///var/run/docker.sock, 0 running containers",
        List.of(PRIVILEGED), List.of(), List.of());
  }
}
