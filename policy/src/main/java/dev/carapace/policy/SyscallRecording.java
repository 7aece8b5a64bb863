package dev.carapace.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The system calls a workload made, as a {@link SyscallRecorder} saw them in the kernel's log, over
 * one run or several ({@link #merge}): the union of the runs' sets, and each run with what it added
 * and what it may have missed.
 *
 * <p>It never hides a loss: a run whose records were dropped ({@link Run#lostRecords()}), or whose
 * processes exited before they could be tied to the container ({@link Run#unattributedRecords()}),
 * or whose numbers are not in the table ({@link Run#unknownNumbers()}) is not {@linkplain
 * Run#complete() complete}, and {@link #profile()} refuses a recording without one complete run.
 */
public final class SyscallRecording {
  private final String architecture;
  private final List<Run> runs;
  private final SortedSet<String> syscalls;

  SyscallRecording(String architecture, List<Run> runs) {
    this.architecture = Objects.requireNonNull(architecture);
    this.runs = List.copyOf(runs);
    TreeSet<String> all = new TreeSet<>();
    runs.forEach(r -> all.addAll(r.syscalls()));
    this.syscalls = Collections.unmodifiableSortedSet(all);
  }

  /** One run of the workload under the logging profile. */
  public static final class Run {
    private final SortedSet<String> syscalls;
    private final SortedSet<String> added;
    private final long records;
    private final int processes;
    private final int byDescent;
    private final SortedSet<String> commands;
    private final OptionalInt exitCode;
    private final Duration elapsed;
    private final long lostRecords;
    private final List<String> lossEvidence;
    private final long unattributedRecords;
    private final SortedSet<Integer> unknownNumbers;
    private final long foreignRecords;

    Run(Set<String> syscalls, Set<String> added, long records, int processes, int byDescent, Set<String> commands,
        OptionalInt exitCode, Duration elapsed, long lostRecords, List<String> lossEvidence,
        long unattributedRecords, Set<Integer> unknownNumbers, long foreignRecords) {
      this.syscalls = Collections.unmodifiableSortedSet(new TreeSet<>(syscalls));
      this.added = Collections.unmodifiableSortedSet(new TreeSet<>(added));
      this.records = records;
      this.processes = processes;
      this.byDescent = byDescent;
      this.commands = Collections.unmodifiableSortedSet(new TreeSet<>(commands));
      this.exitCode = exitCode;
      this.elapsed = elapsed;
      this.lostRecords = lostRecords;
      this.lossEvidence = List.copyOf(lossEvidence);
      this.unattributedRecords = unattributedRecords;
      this.unknownNumbers = Collections.unmodifiableSortedSet(new TreeSet<>(unknownNumbers));
      this.foreignRecords = foreignRecords;
    }

    /** The names this run made. */
    public SortedSet<String> syscalls() {
      return syscalls;
    }

    /** The names no earlier run of the recording made. */
    public SortedSet<String> added() {
      return added;
    }

    /** How many of the container's records the run read. */
    public long records() {
      return records;
    }

    /** How many of the container's processes made a call (the runtime's own start-up included). */
    public int processes() {
      return processes;
    }

    /**
     * How many of {@link #processes()} had exited before their cgroup could be read and were tied to
     * the container by descent (see {@link SyscallRecorder}).
     */
    public int processesByDescent() {
      return byDescent;
    }

    /** Their {@code comm} names ({@code runc:[2:INIT]}, {@code sh}, {@code httpd}, ...). */
    public SortedSet<String> commands() {
      return commands;
    }

    /** The exit code of the container's main process; empty when it never exited. */
    public OptionalInt exitCode() {
      return exitCode;
    }

    /** The run's wall time, from before the launch to after the kernel log was read. */
    public Duration elapsed() {
      return elapsed;
    }

    /** Records the kernel numbered but never printed, or dropped, in the run's window; 0 when none. */
    public long lostRecords() {
      return lostRecords;
    }

    /** What showed each loss (the kernel's lines, the serial gaps), at most 20. */
    public List<String> lossEvidence() {
      return lossEvidence;
    }

    /**
     * Records of processes that exited before their cgroup could be read, so that they could not be
     * tied to the container (nor to anything else): not counted, and the run is not complete.
     */
    public long unattributedRecords() {
      return unattributedRecords;
    }

    /** Numbers the table has no name for (a kernel newer than the table): not in the set. */
    public SortedSet<Integer> unknownNumbers() {
      return unknownNumbers;
    }

    /** Logged records of other containers' processes in the same window, left out. */
    public long foreignRecords() {
      return foreignRecords;
    }

    /** No loss, no unattributed record, no unknown number: the run's set is all it did. */
    public boolean complete() {
      return lostRecords == 0 && unattributedRecords == 0 && unknownNumbers.isEmpty();
    }

    /** {@code 39 calls (+3) from 812 records of 4 processes, exit 0, 1234 ms, complete}. */
    @Override
    public String toString() {
      return syscalls.size() + " calls (+" + added.size() + ") from " + records + " records of " + processes
          + " processes (" + byDescent + " by descent), exit " + (exitCode.isPresent() ? Integer.toString(exitCode.getAsInt()) : "none") + ", "
          + elapsed.toMillis() + " ms, " + (complete() ? "complete" : "INCOMPLETE: " + lostRecords + " lost, "
          + unattributedRecords + " unattributed, unknown numbers " + unknownNumbers);
    }
  }

  /** The architecture the numbers were read for ({@code x86_64}, {@code aarch64}). */
  public String architecture() {
    return architecture;
  }

  /** The union of every run's names, sorted. */
  public SortedSet<String> syscalls() {
    return syscalls;
  }

  /** Every run, in order. */
  public List<Run> runs() {
    return runs;
  }

  /** Whether at least one run saw everything its workload did (see {@link Run#complete()}). */
  public boolean complete() {
    return runs.stream().anyMatch(Run::complete);
  }

  /** Records lost over all runs. */
  public long lostRecords() {
    return runs.stream().mapToLong(Run::lostRecords).sum();
  }

  /**
   * How many runs it took until the set stopped growing: the number of the last run that added a
   * name (the first run always does).
   */
  public int runsUntilStable() {
    int last = 0;
    for (int i = 0; i < runs.size(); i++) {
      if (!runs.get(i).added().isEmpty()) {
        last = i + 1;
      }
    }
    return last;
  }

  /** The exit codes the runs ended with (one, for a workload that behaves the same each time). */
  public SortedSet<Integer> exitCodes() {
    TreeSet<Integer> codes = new TreeSet<>();
    runs.forEach(r -> r.exitCode().ifPresent(codes::add));
    return Collections.unmodifiableSortedSet(codes);
  }

  /** This recording and {@code other}'s runs, in that order, as one recording (same architecture). */
  public SyscallRecording merge(SyscallRecording other) {
    if (!other.architecture.equals(architecture)) {
      throw new IllegalArgumentException("recordings must be of one architecture: " + architecture + " and "
          + other.architecture);
    }
    List<Run> all = new ArrayList<>(runs);
    TreeSet<String> seen = new TreeSet<>(syscalls);
    for (Run r : other.runs) {
      TreeSet<String> added = new TreeSet<>(r.syscalls());
      added.removeAll(seen);
      seen.addAll(r.syscalls());
      all.add(new Run(r.syscalls, added, r.records, r.processes, r.byDescent, r.commands, r.exitCode, r.elapsed, r.lostRecords,
          r.lossEvidence, r.unattributedRecords, r.unknownNumbers, r.foreignRecords));
    }
    return new SyscallRecording(architecture, all);
  }

  /**
   * The profile allowing exactly {@link #syscalls()}, everything else refused with {@code EPERM}.
   *
   * @throws IllegalStateException when no run is {@linkplain Run#complete() complete}: the set may be
   *     short, and a short profile breaks the workload
   */
  public RecordedSeccompProfile profile() {
    if (!complete()) {
      Run first = runs.isEmpty() ? null : runs.get(0);
      throw new IllegalStateException("recording must have a complete run for a profile: " + runs.size()
          + " runs, none complete" + (first == null ? "" : " (first: " + first + ", " + first.lossEvidence() + ")")
          + "; record again (SyscallRecorder.recordUntilStable)");
    }
    return RecordedSeccompProfile.of(architecture, syscalls);
  }

  /** {@code 41 system calls on x86_64 in 3 runs (stable after 1), complete}. */
  @Override
  public String toString() {
    return syscalls.size() + " system calls on " + architecture + " in " + runs.size() + " runs (stable after "
        + runsUntilStable() + "), " + (complete() ? "complete" : "INCOMPLETE");
  }
}
