package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.Endpoint;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.SyscallRecordingRefusedException.Reason;
import dev.carapace.policy.internal.KernelLogWindow;
import dev.carapace.policy.internal.SyscallTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The recorder's refusals, its reading of the kernel's records, and the profile it makes: no engine. */
class SyscallRecorderTest {
  static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final String OTHER = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
  static final SecureContainerSpec SPEC = SecureContainerSpec.builder().image("busybox").command("true").build();

  /** A host with the given facts. */
  static SyscallRecorder.Host host(int euid, String avail, String logged, String arch) {
    return new SyscallRecorder.Host() {
      @Override
      public int euid() {
        return euid;
      }

      @Override
      public Optional<String> read(Path file) {
        return Optional.ofNullable(file.equals(SyscallRecorder.ACTIONS_AVAIL) ? avail : logged);
      }

      @Override
      public String architecture() {
        return arch;
      }

      @Override
      public Optional<String> cgroupOf(int pid) {
        return Optional.empty();
      }
    };
  }

  static final String ALL = "kill_process kill_thread trap errno user_notif trace log allow\n";
  static final String LOGGED = "kill_process kill_thread trap errno user_notif trace log\n";

  static SyscallRecordingRefusedException refused(SyscallRecorder.Builder b, SecureContainerSpec spec) {
    return assertThrows(SyscallRecordingRefusedException.class, () -> b.build().preflight(spec));
  }

  @Test
  void aCheckIsAValueThatSaysHowTheRunEnded() {
    SyscallRecorder.Check passed = ImmutableSyscallRecorder.Check.builder().exitCode(OptionalInt.of(0)).expected(0)
        .elapsed(Duration.ofMillis(812)).build();
    assertEquals(ImmutableSyscallRecorder.Check.builder().exitCode(OptionalInt.of(0)).expected(0)
        .elapsed(Duration.ofMillis(812)).build(), passed);
    assertEquals(passed.hashCode(), ImmutableSyscallRecorder.Check.builder().from(passed).build().hashCode());
    assertTrue(passed.passed());
    assertEquals("passed: exit 0 as recorded, 812 ms", passed.toString());
    SyscallRecorder.Check killed = ImmutableSyscallRecorder.Check.builder().from(passed).exitCode(OptionalInt.of(159))
        .failure("fetch failed").build();
    assertFalse(killed.passed());
    assertFalse(killed.equals(passed));
    assertEquals("FAILED: exit 159 (expected 0), fetch failed, 812 ms", killed.toString());
    assertEquals("FAILED: exit none (expected 0), 812 ms", ImmutableSyscallRecorder.Check.builder().from(passed)
        .exitCode(OptionalInt.empty()).build().toString());
  }

  @Test
  void refusesAnEngineOverTcp() {
    SyscallRecordingRefusedException e = refused(SyscallRecorder.builder().host(host(0, ALL, LOGGED, "x86_64"))
        .endpoint(Endpoint.plainTcp("10.0.0.5", 2375)), SPEC);
    assertEquals(Reason.REMOTE_ENGINE, e.reason());
    assertEquals("cannot record system calls: the engine is reached over tcp (tcp://10.0.0.5:2375): the records"
        + " are written by the kernel that runs the container, which may be another host's; record against a local"
        + " engine's unix socket", e.getMessage());
  }

  @Test
  void refusesWithoutRoot() {
    SyscallRecordingRefusedException e = refused(SyscallRecorder.builder().host(host(1000, ALL, LOGGED, "x86_64")),
        SPEC);
    assertEquals(Reason.NOT_ROOT, e.reason());
    assertEquals("cannot record system calls: this process runs as uid 1000, not root: reading /dev/kmsg and"
        + " setting kernel.printk_ratelimit need root", e.getMessage());
  }

  @Test
  void refusesGvisor() {
    SyscallRecordingRefusedException e = refused(SyscallRecorder.builder().host(host(0, ALL, LOGGED, "x86_64")),
        SPEC.toBuilder().runtime(ContainerRuntime.gvisor()).build());
    assertEquals(Reason.SANDBOXED_RUNTIME, e.reason());
    assertTrue(e.getMessage().startsWith("cannot record system calls: the container runs under runsc, whose own"
        + " kernel takes the workload's calls: the host's seccomp never sees them"), e.getMessage());
  }

  @Test
  void theEnginesRecordOfASandboxIsRecognised() {
    assertTrue(SyscallRecorder.sandboxedName("runsc"));
    assertTrue(SyscallRecorder.sandboxedName("io.containerd.runsc.v1"));
    assertFalse(SyscallRecorder.sandboxedName("runc"));
    assertFalse(SyscallRecorder.sandboxedName("io.containerd.runc.v2"));
    assertFalse(SyscallRecorder.sandboxedName(""));
    assertFalse(SyscallRecorder.sandboxedName(null));
  }

  @Test
  void refusesAKernelWithoutTheLogAction() {
    SyscallRecordingRefusedException e = refused(SyscallRecorder.builder()
        .host(host(0, "kill_process kill_thread trap errno trace allow\n", LOGGED, "x86_64")), SPEC);
    assertEquals(Reason.NO_LOG_ACTION, e.reason());
    assertEquals("cannot record system calls: the kernel has no seccomp log action:"
        + " /proc/sys/kernel/seccomp/actions_avail is \"kill_process kill_thread trap errno trace allow\""
        + " (needs Linux 4.14+ with seccomp)", e.getMessage());
    assertEquals(Reason.NO_LOG_ACTION, refused(SyscallRecorder.builder().host(host(0, null, LOGGED, "x86_64")),
        SPEC).reason());
  }

  @Test
  void refusesAKernelThatDoesNotLogTheLogAction() {
    SyscallRecordingRefusedException e = refused(SyscallRecorder.builder()
        .host(host(0, ALL, "kill_process kill_thread\n", "x86_64")), SPEC);
    assertEquals(Reason.NO_LOG_ACTION, e.reason());
    assertTrue(e.getMessage().contains("actions_logged is \"kill_process kill_thread\" (add log to it as root)"),
        e.getMessage());
  }

  @Test
  void refusesAnArchitectureWithoutATable() {
    assertEquals(Reason.UNSUPPORTED_ARCHITECTURE,
        refused(SyscallRecorder.builder().host(host(0, ALL, LOGGED, "riscv64")), SPEC).reason());
  }

  @Test
  void acceptsARootLocalRuncHost() {
    SyscallRecorder.builder().host(host(0, ALL, LOGGED, "x86_64")).build().preflight(SPEC);
  }

  // ------------------------------------------------------------------ the kernel's records

  static String rec(long serial, int pid, String comm, int nr) {
    return "audit: type=1326 audit(1796574865.722:" + serial + "): auid=4294967295 uid=0 gid=0 ses=4294967295"
        + " pid=" + pid + " comm=" + comm + " exe=\"/bin/busybox\" sig=0 arch=c000003e syscall=" + nr
        + " compat=0 ip=0x40828e code=0x7ffc0000";
  }

  @Test
  void parsesARealRecordAndAHexComm() {
    KernelLogWindow.SeccompRecord r = KernelLogWindow.parse("audit: type=1326 audit(1796574865.722:1): auid=4294967295"
        + " uid=0 gid=0 ses=4294967295 pid=3572 comm=\"runc:[2:INIT]\" exe=\"/\" sig=0 arch=c000003e syscall=257"
        + " compat=0 ip=0x40828e code=0x7ffc0000").orElseThrow();
    assertEquals(3572, r.pid);
    assertEquals("runc:[2:INIT]", r.comm);
    assertEquals(257, r.syscall);
    assertEquals(1, r.serial);
    assertTrue(r.logged());
    assertEquals("my cat", KernelLogWindow.parse(rec(2, 9, "6D7920636174", 0)).orElseThrow().comm);
    assertTrue(KernelLogWindow.parse("docker0: port 1(veth02ccc8d) entered blocking state").isEmpty());
  }

  static Map<Integer, String> cgroups(Object... pidAndCgroup) {
    Map<Integer, String> m = new java.util.HashMap<>();
    for (int i = 0; i < pidAndCgroup.length; i += 2) {
      m.put((Integer) pidAndCgroup[i], (String) pidAndCgroup[i + 1]);
    }
    return m;
  }

  static SyscallRecording.Run run(List<String> messages, Map<Integer, String> cgroups, int initPid) {
    KernelLogWindow w = KernelLogWindow.forMessages(messages, pid -> Optional.ofNullable(cgroups.get(pid)));
    return SyscallRecorder.run(w, ID, initPid, "x86_64", OptionalInt.of(0), true, Duration.ofMillis(5));
  }

  @Test
  void keepsOnlyTheContainersProcesses() {
    SyscallRecording.Run r = run(List.of(rec(1, 100, "\"runc:[2:INIT]\"", 257), rec(2, 100, "\"sh\"", 59),
        rec(3, 200, "\"other\"", 272), rec(4, 100, "\"sh\"", 1)),
        cgroups(100, "12:pids:/docker/" + ID + "\n", 200, "12:pids:/docker/" + OTHER + "\n"), 100);
    assertEquals(new TreeSet<>(List.of("openat", "execve", "write")), r.syscalls());
    assertEquals(1, r.foreignRecords());
    assertEquals(3, r.records());
    assertTrue(r.complete());
  }

  @Test
  void aSerialGapIsALossAndSoIsTheKernelsSuppressedLine() {
    Map<Integer, String> cg = cgroups(100, "/docker/" + ID);
    SyscallRecording.Run gap = run(List.of(rec(1, 100, "\"sh\"", 0), rec(5, 100, "\"sh\"", 1)), cg, 100);
    assertEquals(3, gap.lostRecords());
    assertEquals(List.of("audit serial numbers 2..4 never printed"), gap.lossEvidence());
    assertFalse(gap.complete());
    SyscallRecording.Run reordered = run(List.of(rec(1, 100, "\"sh\"", 0), rec(3, 100, "\"sh\"", 1),
        rec(2, 100, "\"sh\"", 2)), cg, 100);
    assertEquals(0, reordered.lostRecords(), "two CPUs print their records in either order");
    assertTrue(reordered.complete());
    SyscallRecording.Run suppressed = run(List.of(rec(1, 100, "\"sh\"", 0),
        "kauditd_printk_skb: 135 callbacks suppressed", rec(2, 100, "\"sh\"", 1)), cg, 100);
    assertEquals(1, suppressed.lostRecords());
    assertFalse(suppressed.complete());
    SyscallRecording.Run lost = run(List.of(rec(1, 100, "\"sh\"", 0),
        "audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64"), cg, 100);
    assertFalse(lost.complete());
  }

  @Test
  void aProcessGoneBeforeItWasReadIsTheContainersOnlyByDescent() {
    Map<Integer, String> cg = cgroups(100, "/docker/" + ID);
    // 101 appears after 100's clone (56): by descent
    SyscallRecording.Run child = run(List.of(rec(1, 100, "\"sh\"", 56), rec(2, 101, "\"cat\"", 0)), cg, 100);
    assertEquals(2, child.processes());
    assertEquals(1, child.processesByDescent());
    assertTrue(child.syscalls().contains("read"));
    assertTrue(child.complete());
    // no fork of ours before it: unattributed, the run is incomplete
    SyscallRecording.Run orphan = run(List.of(rec(1, 101, "\"cat\"", 0), rec(2, 100, "\"sh\"", 56)), cg, 100);
    assertEquals(1, orphan.unattributedRecords());
    assertFalse(orphan.syscalls().contains("read"));
    assertFalse(orphan.complete());
    // a new container's init that could not be read: another container started, no descent at all
    SyscallRecording.Run newContainer = run(List.of(rec(1, 100, "\"sh\"", 56), rec(2, 300, "\"runc:[2:INIT]\"", 9),
        rec(3, 101, "\"cat\"", 0)), cg, 100);
    assertEquals(2, newContainer.unattributedRecords());
    assertFalse(newContainer.complete());
    // a process read to be in another cgroup: no descent either
    SyscallRecording.Run foreign = run(List.of(rec(1, 100, "\"sh\"", 56), rec(2, 200, "\"x\"", 1),
        rec(3, 101, "\"cat\"", 0)), cgroups(100, "/docker/" + ID, 200, "/docker/" + OTHER), 100);
    assertEquals(1, foreign.unattributedRecords());
    assertEquals(1, foreign.foreignRecords());
  }

  @Test
  void aRunWithoutTheContainerIsRefusedAsNoRecords() {
    SyscallRecordingRefusedException e = assertThrows(SyscallRecordingRefusedException.class,
        () -> run(List.of(rec(1, 200, "\"x\"", 1)), cgroups(200, "/docker/" + OTHER), -1));
    assertEquals(Reason.NO_RECORDS, e.reason());
  }

  @Test
  void anUnknownNumberMakesTheRunIncomplete() {
    SyscallRecording.Run r = run(List.of(rec(1, 100, "\"sh\"", 999)), cgroups(100, "/docker/" + ID), 100);
    assertEquals(Set.of(999), r.unknownNumbers());
    assertFalse(r.complete());
  }

  // ------------------------------------------------------------------ recordings and profiles

  static SyscallRecording.Run done(Set<String> names, boolean complete) {
    return new SyscallRecording.Run(names, names, 10, 1, 0, Set.of("sh"), OptionalInt.of(0), Duration.ZERO,
        complete ? 0 : 4, List.of(), 0, Set.of(), 0);
  }

  @Test
  void runsMergeAndTheSetStopsGrowing() {
    SyscallRecording a = new SyscallRecording("x86_64", List.of(done(Set.of("read", "write"), true)));
    SyscallRecording b = new SyscallRecording("x86_64", List.of(done(Set.of("read", "lseek"), true)));
    SyscallRecording c = new SyscallRecording("x86_64", List.of(done(Set.of("read"), true)));
    SyscallRecording all = a.merge(b).merge(c);
    assertEquals(new TreeSet<>(List.of("lseek", "read", "write")), all.syscalls());
    assertEquals(Set.of("lseek"), all.runs().get(1).added());
    assertEquals(Set.of(), all.runs().get(2).added());
    assertEquals(2, all.runsUntilStable());
    assertThrows(IllegalArgumentException.class, () -> a.merge(new SyscallRecording("aarch64", List.of())));
  }

  @Test
  void aRecordingWithoutACompleteRunMakesNoProfile() {
    SyscallRecording lossy = new SyscallRecording("x86_64", List.of(done(Set.of("read"), false)));
    IllegalStateException e = assertThrows(IllegalStateException.class, lossy::profile);
    assertTrue(e.getMessage().startsWith("recording must have a complete run for a profile: 1 runs, none complete"),
        e.getMessage());
  }

  @Test
  void theProfileIsDockersFormatAndTheLaunchersSeccompTakesIt() throws Exception {
    RecordedSeccompProfile p = RecordedSeccompProfile.of("x86_64", Set.of("write", "read", "exit_group", "execve"));
    JsonNode json = new ObjectMapper().readTree(p.json());
    assertEquals("SCMP_ACT_ERRNO", json.get("defaultAction").asText());
    assertEquals(1, json.get("defaultErrnoRet").asInt());
    assertEquals("SCMP_ARCH_X86_64", json.get("architectures").get(0).asText());
    assertEquals("SCMP_ACT_ALLOW", json.get("syscalls").get(0).get("action").asText());
    List<String> names = new ArrayList<>();
    json.get("syscalls").get(0).get("names").forEach(n -> names.add(n.asText()));
    assertEquals(List.of("execve", "exit_group", "read", "write"), names);
    Seccomp s = p.seccomp();
    assertEquals(Seccomp.Kind.PROFILE, s.kind());
    assertEquals(p.json(), s.json().orElseThrow());
  }

  @Test
  void theDiffAgainstDockersDefaultCountsAndNames() {
    RecordedSeccompProfile p = RecordedSeccompProfile.of("x86_64", Set.of("read", "write", "kexec_load"));
    assertEquals(333, p.dockerDefaultAllowed().size());
    assertEquals(Set.of("kexec_load"), p.addedToDockerDefault());
    assertEquals(331, p.removedFromDockerDefault().size());
    assertTrue(p.removedFromDockerDefault().containsAll(List.of("unshare", "mount", "ptrace", "io_uring_setup")));
    assertFalse(p.dockerDefaultAllowed().contains("keyctl")); // Docker 20.10's default refuses it already
    assertEquals("3 system calls on x86_64; Docker's default (v20.10.24) allows 333: 331 removed, 1 added"
        + " [kexec_load]", p.diffSummary());
  }

  @Test
  void aNameOrArchitectureTheTableDoesNotKnowIsRefused() {
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> RecordedSeccompProfile.of("x86_64", Set.of("read", "no_such\"call")));
    assertEquals("syscalls must be names of x86_64 system calls: \"no_such\\\"call\"", name.getMessage());
    IllegalArgumentException arch = assertThrows(IllegalArgumentException.class,
        () -> RecordedSeccompProfile.of("mips", Set.of("read")));
    assertEquals("architecture must be x86_64 or aarch64: \"mips\"", arch.getMessage());
  }

  @Test
  void theTableHasTheKernelsNumbers() {
    assertEquals(Optional.of("read"), SyscallTable.name("x86_64", 0));
    assertEquals(Optional.of("unshare"), SyscallTable.name("x86_64", 272));
    assertEquals(Optional.of("io_uring_setup"), SyscallTable.name("x86_64", 425));
    assertEquals(Optional.of("openat"), SyscallTable.name("aarch64", 56));
    assertEquals(Optional.of("clone"), SyscallTable.name("aarch64", 220));
    assertEquals(Optional.empty(), SyscallTable.name("x86_64", 100000));
    assertEquals(Optional.empty(), SyscallTable.name("x86_64", 400)); // a hole in the table
  }

  @Test
  void aRecordedProfileUnusedIsANoteNotAViolation() {
    RecordedSeccompProfile p = RecordedSeccompProfile.of("x86_64", Set.of("read", "write", "exit_group", "execve"));
    Policy policy = Policy.builder("mine").addProfile(Profiles.carapaceDefault())
        .addRule(Profiles.recordedSeccompProfiles(Map.of("web:1", p))).build();
    SecureContainerSpec web = SecureContainerSpec.builder().image("web:1").build();
    PolicyReport unused = policy.evaluate(web);
    assertEquals(List.of("image web:1 has a recorded seccomp profile (4 system calls of Docker's 333) but runs with"
        + " the engine's default profile"), unused.notes().stream().filter(n -> n.ruleId()
            .equals("seccomp-recorded-profile-unused")).map(Note::reason).collect(java.util.stream.Collectors.toList()));
    assertTrue(unused.violations().stream().noneMatch(v -> v.ruleId().startsWith("seccomp")));
    PolicyReport used = policy.evaluate(web.toBuilder().seccomp(p.seccomp()).build());
    assertTrue(used.notes().stream().noneMatch(n -> n.ruleId().equals("seccomp-recorded-profile-unused")));
    PolicyReport other = policy.evaluate(SecureContainerSpec.builder().image("db:1").build());
    assertTrue(other.notes().stream().noneMatch(n -> n.ruleId().equals("seccomp-recorded-profile-unused")));
  }
}
