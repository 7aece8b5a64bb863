package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ExecResult;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RunResult;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.Wait;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.internal.PrintkRateLimit;
import dev.carapace.policy.testing.PolicyTesting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 on the real engine: three workloads recorded under {@code SCMP_ACT_LOG}, each run again
 * under its recorded profile (it ends as recorded), and a call outside the set denied with
 * {@code EPERM} inside the container, where a control profile (the same plus that one call) lets it
 * through, so the denial is the profile's, not a missing capability's.
 */
class SyscallRecorderIT {
  static final Set<String> OUTSIDE = Set.of("unshare", "mount", "ptrace", "keyctl", "io_uring_setup");
  static final String PROBE = "unshare -U true; echo probe-rc=$?";
  static String ratelimitBefore;

  final String run = UUID.randomUUID().toString();
  final SyscallRecorder recorder = SyscallRecorder.builder().endpoint(TestEngine.endpoint())
      .timeout(Duration.ofSeconds(30)).stopTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void rememberRateLimit() throws Exception {
    ratelimitBefore = Files.readString(PrintkRateLimit.FILE).strip();
  }

  @AfterAll
  static void rateLimitIsBack() throws Exception {
    assertEquals(ratelimitBefore, Files.readString(PrintkRateLimit.FILE).strip(),
        "kernel.printk_ratelimit restored after the recordings");
  }

  SecureContainerSpec.Builder busybox(String... argv) {
    return SecureContainerSpec.builder().image(TestEngine.BUSYBOX).putLabel(PolicyTesting.TEST_LABEL, run)
        .command(argv);
  }

  static void print(String what, SyscallRecording rec, RecordedSeccompProfile p) {
    System.out.println(what + ": " + rec + "\n  " + p.diffSummary() + "\n  " + rec.syscalls());
    rec.runs().forEach(r -> System.out.println("  run: " + r + " added " + r.added() + " " + r.commands()
        + (r.lossEvidence().isEmpty() ? "" : " " + r.lossEvidence())));
  }

  static void assertOutsideNotRecorded(SyscallRecording rec) {
    TreeSet<String> hit = new TreeSet<>(OUTSIDE);
    hit.retainAll(rec.syscalls());
    assertEquals(Set.of(), hit, "none of the five probes is in the recorded set");
  }

  /**
   * The set holds none of the five probes and is under half of Docker's; the workload exits 0 under
   * its profile; {@code unshare} is denied inside.
   */
  void passesUnderItsProfileWhereUnshareIsDenied(SecureContainerSpec spec, String script, SyscallRecording rec,
      RecordedSeccompProfile p) {
    assertOutsideNotRecorded(rec);
    assertTrue(p.syscalls().size() < p.dockerDefaultAllowed().size() / 2, p.diffSummary());
    SyscallRecorder.Check check = recorder.check(spec, p, null, 0);
    System.out.println("  check: " + check);
    assertTrue(check.passed(), check.toString());
    probeDeniedInsideContainer(script, p);
  }

  /** Runs {@code script; PROBE} under the recorded profile and under it plus {@code unshare}. */
  void probeDeniedInsideContainer(String script, RecordedSeccompProfile profile) {
    TreeSet<String> plus = new TreeSet<>(profile.syscalls());
    plus.add("unshare");
    RecordedSeccompProfile control = RecordedSeccompProfile.of(profile.architecture(), plus);
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      RunResult denied = launcher.run(busybox("sh", "-c", script + "; " + PROBE).seccomp(profile.seccomp()).build(),
          Duration.ofSeconds(30));
      RunResult allowed = launcher.run(busybox("sh", "-c", script + "; " + PROBE).seccomp(control.seccomp()).build(),
          Duration.ofSeconds(30));
      System.out.println("  probe under the profile: " + denied.stdout().strip() + " | " + denied.stderr().strip());
      System.out.println("  probe under profile+unshare: " + allowed.stdout().strip() + " | " + allowed.stderr().strip());
      assertTrue(denied.stderr().contains("unshare(0x10000000): Operation not permitted"), denied.stderr());
      assertTrue(denied.stdout().contains("probe-rc=1"), denied.stdout());
      assertTrue(allowed.stdout().contains("probe-rc=0"), allowed.stdout() + allowed.stderr());
    }
  }

  @Test
  void shellScriptWithFilesAndPipes() {
    String script = "for i in 1 2 3; do echo line$i >> /tmp/f; done; cat /tmp/f | grep line2 | wc -l > /tmp/n;"
        + " sort -r /tmp/f | head -1; test \"$(cat /tmp/n)\" = 1";
    SecureContainerSpec spec = busybox("sh", "-c", script).build();
    long t0 = System.nanoTime();
    SyscallRecording rec = recorder.recordUntilStable(spec, null, 1, 4);
    RecordedSeccompProfile p = rec.profile();
    print("script (" + (System.nanoTime() - t0) / 1_000_000 + " ms)", rec, p);
    assertTrue(rec.complete());
    assertEquals(Set.of(0), rec.exitCodes());
    assertTrue(rec.syscalls().containsAll(List.of("execve", "openat", "write", "wait4")), rec.syscalls().toString());
    assertTrue(rec.syscalls().contains("pipe") || rec.syscalls().contains("pipe2"), rec.syscalls().toString());
    passesUnderItsProfileWhereUnshareIsDenied(spec, script, rec, p);
  }

  @Test
  void programThatForks() {
    String script = "for i in 1 2 3 4; do (echo child $i; sleep 0.1) & done; wait; echo all done";
    SecureContainerSpec spec = busybox("sh", "-c", script).build();
    SyscallRecording rec = recorder.recordUntilStable(spec, null, 1, 4);
    RecordedSeccompProfile p = rec.profile();
    print("fork", rec, p);
    assertTrue(rec.syscalls().contains("clone") || rec.syscalls().contains("fork")
        || rec.syscalls().contains("vfork"), rec.syscalls().toString());
    assertTrue(rec.runs().get(0).processes() >= 5, rec.runs().get(0).toString()); // sh + 4 children
    passesUnderItsProfileWhereUnshareIsDenied(spec, script, rec, p);
  }

  @Test
  void httpdServingAPage() throws Exception {
    SecureContainerSpec spec = busybox("sh", "-c", "mkdir -p /tmp/www && echo recorded-page > /tmp/www/index.html"
        + " && exec httpd -f -p 8080 -h /tmp/www")
        .network(NetworkMode.bridge()).addPort(PortBinding.localhost(0, 8080)).build();
    SyscallRecorder.Exercise fetch = c -> {
      c.await(Wait.portAccepts(8080), Duration.ofSeconds(20));
      String page = get(c.hostPort(8080), "/index.html");
      if (!page.startsWith("HTTP/1.") || !page.contains(" 200 ") || !page.endsWith("\r\n\r\nrecorded-page\n")) {
        throw new IllegalStateException("page: " + page);
      }
    };
    SyscallRecording rec = recorder.recordUntilStable(spec, fetch, 1, 4);
    RecordedSeccompProfile p = rec.profile();
    print("httpd", rec, p);
    assertTrue(rec.syscalls().containsAll(List.of("bind", "listen", "accept", "sendfile")) || rec.syscalls()
        .containsAll(List.of("bind", "listen", "accept4")), rec.syscalls().toString());
    assertOutsideNotRecorded(rec);
    assertTrue(p.syscalls().size() < p.dockerDefaultAllowed().size() / 2, p.diffSummary());
    int recordedExit = rec.exitCodes().first();
    SyscallRecorder.Check check = recorder.check(spec, p, fetch, recordedExit);
    System.out.println("  check: " + check);
    assertTrue(check.passed(), check.toString());
    // the call outside the set, from inside the running server's container (docker exec)
    try (ContainerLauncher launcher = TestEngine.launcher();
         RunningContainer web = launcher.launch(spec.toBuilder().seccomp(p.seccomp()).build())) {
      web.await(Wait.portAccepts(8080), Duration.ofSeconds(20));
      ExecResult unshare = web.exec("unshare", "-U", "true");
      System.out.println("  exec unshare under the profile: " + unshare);
      assertEquals(1, unshare.exitCode(), unshare.toString());
      assertTrue(unshare.stderr().contains("Operation not permitted"), unshare.toString());
    }
  }

  @Test
  void twoRecordingsAtOnceEachKeepToTheirOwnContainer() throws Exception {
    SecureContainerSpec pipes = busybox("sh", "-c", "for i in 1 2 3; do echo line$i >> /tmp/f; done;"
        + " cat /tmp/f | grep line2 | wc -l").build();
    SecureContainerSpec sleeps = busybox("sh", "-c", "for i in 1 2; do (sleep 1; echo child $i) & done; wait").build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<SyscallRecording> a = pool.submit(() -> recorder.record(pipes));
      java.util.concurrent.Future<SyscallRecording> b = pool.submit(() -> recorder.record(sleeps));
      SyscallRecording ra = a.get(120, java.util.concurrent.TimeUnit.SECONDS);
      SyscallRecording rb = b.get(120, java.util.concurrent.TimeUnit.SECONDS);
      System.out.println("concurrent pipes: " + ra.runs().get(0) + " " + ra.runs().get(0).commands()
          + " foreign " + ra.runs().get(0).foreignRecords() + "\n  " + ra.syscalls());
      System.out.println("concurrent sleeps: " + rb.runs().get(0) + " " + rb.runs().get(0).commands()
          + " foreign " + rb.runs().get(0).foreignRecords() + "\n  " + rb.syscalls());
      // sleep's call is only in the sleeping workload, cat's sendfile and the pipe only in the other
      assertTrue(rb.syscalls().contains("clock_nanosleep"), rb.syscalls().toString());
      assertFalse(ra.syscalls().contains("clock_nanosleep"), ra.syscalls().toString());
      assertTrue(ra.syscalls().contains("pipe2"), ra.syscalls().toString());
      assertFalse(rb.syscalls().contains("pipe2"), rb.syscalls().toString());
      assertFalse(rb.syscalls().contains("sendfile"), rb.syscalls().toString());
      assertTrue(ra.runs().get(0).foreignRecords() + rb.runs().get(0).foreignRecords() > 0,
          "the windows overlapped: each saw the other's records and left them out");
      assertFalse(ra.runs().get(0).commands().contains("sleep"), ra.runs().get(0).commands().toString());
      // a run that could not tie every process to a container says so, never returns a short set as complete
      for (SyscallRecording.Run r : List.of(ra.runs().get(0), rb.runs().get(0))) {
        assertEquals(r.unattributedRecords() == 0 && r.lostRecords() == 0, r.complete(), r.toString());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(ratelimitBefore, Files.readString(PrintkRateLimit.FILE).strip(), "restored after both");
  }

  @Test
  void aFailingExerciseLeavesNoContainerAndTheRateLimitRestored() throws Exception {
    SecureContainerSpec spec = busybox("sleep", "30").build();
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> recorder.record(spec, c -> {
          throw new IOException("the page did not come");
        }));
    assertTrue(e.getMessage().startsWith("exercise failed during recording: java.io.IOException: the page did not"
        + " come"), e.getMessage());
    assertEquals(ratelimitBefore, Files.readString(PrintkRateLimit.FILE).strip());
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      assertEquals(List.of(), launcher.dockerClient().listContainersCmd().withShowAll(true)
          .withLabelFilter(java.util.Map.of(PolicyTesting.TEST_LABEL, run)).exec());
    }
  }

  /** A plain HTTP/1.0 GET on 127.0.0.1: status line, headers and body as text. */
  static String get(int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    }
  }
}
