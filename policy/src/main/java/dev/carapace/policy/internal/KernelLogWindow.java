package dev.carapace.policy.internal;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A window on the kernel log ({@code /dev/kmsg}) between two markers this class writes into it, keeping
 * the seccomp {@code SCMP_ACT_LOG} records ({@code audit: type=1326 ... code=0x7ffc0000}) and every sign
 * that records were lost.
 *
 * <p>A reader thread reads the log from its oldest record, skips everything up to its own start
 * marker, and then, for each seccomp record, reads the process's {@code /proc/PID/cgroup} at once
 * (the first time it sees the pid) while the process most likely still runs: that text later says
 * whether the process belonged to the container. A process gone before the reader looked is
 * <em>unattributed</em>, never guessed. The window ends at the end marker.
 *
 * <p>Losses it notices: a gap between audit serial numbers ({@code audit(T:SERIAL)}: the kernel
 * numbers every record before it decides to print or drop it), the kernel's own loss lines
 * ({@code audit_lost=}, {@code rate limit exceeded}, {@code printk limit exceeded},
 * {@code backlog limit exceeded}, {@code callbacks suppressed}), and records overwritten in the ring
 * buffer before they were read ({@code EPIPE}).
 *
 * <p>Memory is bounded: per process, a count per system call number, at most {@link #MAX_PROCESSES}
 * processes (more are counted as lost).
 */
public final class KernelLogWindow implements AutoCloseable {
  /** The most processes one window keeps; a workload that starts more gets the rest counted as lost. */
  public static final int MAX_PROCESSES = 4096;
  /** SECCOMP_RET_LOG as the record prints it. */
  static final String LOG_CODE = "0x7ffc0000";

  private static final Pattern SECCOMP = Pattern.compile(
      "audit: type=1326 audit\\(\\d+\\.\\d+:(\\d+)\\):.* pid=(\\d+) comm=(\"[^\"]*\"|[0-9A-Fa-f]+|\\(null\\)) .*"
          + "arch=([0-9a-f]+) syscall=(\\d+) .*code=(0x[0-9a-f]+)");
  private static final Pattern SERIAL = Pattern.compile("audit\\(\\d+\\.\\d+:(\\d+)\\)");
  private static final Pattern LOSS = Pattern.compile(
      "audit_lost=|rate limit exceeded|printk limit exceeded|backlog limit exceeded|callbacks suppressed");

  /** One seccomp log record, parsed. */
  public static final class SeccompRecord {
    public final long serial;
    public final int pid;
    public final String comm;
    public final String arch;
    public final int syscall;
    public final String code;

    SeccompRecord(long serial, int pid, String comm, String arch, int syscall, String code) {
      this.serial = serial;
      this.pid = pid;
      this.comm = comm;
      this.arch = arch;
      this.syscall = syscall;
      this.code = code;
    }

    /** Whether the filter's action was {@code SCMP_ACT_LOG} (and not a kill or an errno logged). */
    public boolean logged() {
      return LOG_CODE.equals(code);
    }
  }

  /** What one process did in the window. */
  public static final class Process {
    public final int pid;
    /** {@code /proc/PID/cgroup} when the first record was read; empty when the process was gone. */
    public final Optional<String> cgroup;
    /** The names {@code comm} had, in order. */
    public final List<String> comms = new ArrayList<>();
    /**
     * Audit architecture (hex, as printed) to system call number to the window's sequence number of
     * the first record of that call (records are numbered in the order read, over all processes).
     */
    public final Map<String, Map<Integer, Long>> calls = new TreeMap<>();
    public int records;
    /** The sequence number of this process's first record. */
    public long firstSeq;

    Process(int pid, Optional<String> cgroup) {
      this.pid = pid;
      this.cgroup = cgroup;
    }
  }

  private final Path kmsg;
  private final IntFunction<Optional<String>> cgroupOf;
  private final String marker = "carapace-seccomp-recorder " + UUID.randomUUID();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Map<Integer, Process> processes = new LinkedHashMap<>();
  private final List<String> lossEvidence = new ArrayList<>();
  private final InputStream in;
  private final Thread reader;
  private long lost;
  private long lastSerial = -1;
  private long otherRecords;
  private long seqs;
  /** Audit serial numbers skipped so far and not seen since. */
  private final java.util.TreeSet<Long> missing = new java.util.TreeSet<>();
  private long missingUntracked;
  private static final int MAX_MISSING = 100_000;
  private volatile IOException failure;
  private volatile long lastRecordNanos = System.nanoTime();

  private KernelLogWindow(Path kmsg, IntFunction<Optional<String>> cgroupOf) throws IOException {
    this.kmsg = kmsg;
    this.cgroupOf = cgroupOf;
    this.in = new FileInputStream(kmsg.toFile());
    this.reader = new Thread(this::read, "carapace-kmsg-reader");
    reader.setDaemon(true);
    reader.setPriority(Thread.MAX_PRIORITY);
  }

  /**
   * Opens {@code kmsg}, starts the reader and writes the start marker; returns once the reader has
   * seen it, so that every record the kernel writes afterwards is in the window.
   *
   * @param cgroupOf the cgroup text of a live pid, empty when it is gone
   * @throws IOException when the log cannot be read or written, or the marker does not come back
   *     within {@code timeout}
   */
  public static KernelLogWindow open(Path kmsg, IntFunction<Optional<String>> cgroupOf, Duration timeout)
      throws IOException {
    KernelLogWindow w = new KernelLogWindow(kmsg, cgroupOf);
    w.reader.start();
    w.mark("start");
    w.await(w.started, timeout, "start");
    return w;
  }

  /**
   * Writes the end marker, waits until the reader has read everything up to it, then keeps reading
   * until no seccomp record has come for {@code quiet} (the kernel's audit thread prints records
   * after the calls, so the last ones may follow the marker), at most {@code timeout} in all; then
   * stops the reader.
   */
  public void finish(Duration timeout, Duration quiet) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    mark("end");
    await(ended, timeout, "end");
    try {
      while (System.nanoTime() < deadline && System.nanoTime() - lastRecordNanos < quiet.toNanos()) {
        Thread.sleep(Math.max(1, quiet.toMillis() / 4));
      }
      mark("stop");
      reader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the kernel log", e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void await(CountDownLatch latch, Duration timeout, String which) throws IOException {
    try {
      if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        IOException f = failure;
        throw new IOException("the kernel log did not show the " + which + " marker within " + timeout.toMillis()
            + " ms: " + kmsg + (f != null ? " (" + f.getMessage() + ")" : ""), f);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the kernel log", e);
    }
  }

  private void mark(String which) throws IOException {
    try (OutputStream out = new FileOutputStream(kmsg.toFile())) {
      out.write(("<5>" + marker + " " + which + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  private void read() {
    byte[] buf = new byte[16384];
    boolean inWindow = false;
    try {
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (IOException e) {
          if (String.valueOf(e.getMessage()).contains("Broken pipe")) {
            // EPIPE: the ring buffer overwrote records before we read them; the next read goes on
            if (inWindow) {
              synchronized (this) {
                lost++;
                lossEvidence.add("kernel log ring buffer overwrote records before they were read (EPIPE)");
              }
            }
            continue;
          }
          throw e;
        }
        if (n < 0) {
          throw new IOException("end of " + kmsg);
        }
        String line = new String(buf, 0, n, StandardCharsets.UTF_8);
        int semi = line.indexOf(';');
        String message = semi < 0 ? line : line.substring(semi + 1);
        int nl = message.indexOf('\n');
        if (nl >= 0) {
          message = message.substring(0, nl);
        }
        if (!inWindow) {
          if (message.equals(marker + " start")) {
            inWindow = true;
            started.countDown();
          }
          continue;
        }
        if (message.equals(marker + " end")) {
          ended.countDown();
          continue;
        }
        if (message.equals(marker + " stop")) {
          return;
        }
        accept(message);
      }
    } catch (IOException | RuntimeException e) {
      failure = e instanceof IOException ? (IOException) e : new IOException(e.toString(), e);
    } finally {
      started.countDown();
      ended.countDown();
    }
  }

  /** One message of the window (the text after the {@code ;} of a {@code /dev/kmsg} record). */
  synchronized void accept(String message) {
    if (LOSS.matcher(message).find()) {
      lost++;
      lossEvidence.add("kernel: " + message.strip());
    }
    Matcher serial = SERIAL.matcher(message);
    if (serial.find()) {
      long s = Long.parseLong(serial.group(1));
      if (lastSerial >= 0 && s > lastSerial + 1) {
        // the numbers skipped may still come: two CPUs queue their records in either order
        long gap = s - lastSerial - 1;
        if (missing.size() + gap <= MAX_MISSING) {
          for (long m = lastSerial + 1; m < s; m++) {
            missing.add(m);
          }
        } else {
          missingUntracked += gap;
        }
      } else if (s < lastSerial) {
        missing.remove(s);
      }
      if (s > lastSerial) {
        lastSerial = s;
      }
    }
    Optional<SeccompRecord> r = parse(message);
    if (r.isEmpty() || !r.get().logged()) {
      if (r.isPresent()) {
        otherRecords++;
      }
      return;
    }
    SeccompRecord rec = r.get();
    lastRecordNanos = System.nanoTime();
    Process p = processes.get(rec.pid);
    if (p == null) {
      if (processes.size() >= MAX_PROCESSES) {
        lost++;
        return;
      }
      p = new Process(rec.pid, cgroupOf.apply(rec.pid));
      processes.put(rec.pid, p);
    }
    if (p.comms.isEmpty() || !p.comms.get(p.comms.size() - 1).equals(rec.comm)) {
      p.comms.add(rec.comm);
    }
    long seq = ++seqs;
    if (p.records == 0) {
      p.firstSeq = seq;
    }
    p.calls.computeIfAbsent(rec.arch, a -> new TreeMap<>()).putIfAbsent(rec.syscall, seq);
    p.records++;
  }

  /** Parses a seccomp record ({@code type=1326}); empty for any other message. */
  public static Optional<SeccompRecord> parse(String message) {
    Matcher m = SECCOMP.matcher(message);
    if (!m.find()) {
      return Optional.empty();
    }
    String comm = m.group(3);
    comm = comm.startsWith("\"") ? comm.substring(1, comm.length() - 1) : hexComm(comm);
    return Optional.of(new SeccompRecord(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), comm,
        m.group(4), Integer.parseInt(m.group(5)), m.group(6)));
  }

  /** A comm with a space or a quote is printed in hex by the kernel. */
  private static String hexComm(String hex) {
    if (hex.equals("(null)") || hex.length() % 2 != 0) {
      return hex;
    }
    byte[] b = new byte[hex.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Every process with a seccomp log record in the window, in the order first seen. */
  public synchronized List<Process> processes() {
    return List.copyOf(processes.values());
  }

  /**
   * How many records were lost, as far as the log shows; 0 when it shows no loss. An audit serial
   * number skipped and never seen later in the window counts as one lost record.
   */
  public synchronized long lost() {
    return lost + missing.size() + missingUntracked;
  }

  /** What showed the losses, at most 20 lines. */
  public synchronized List<String> lossEvidence() {
    List<String> out = new ArrayList<>(lossEvidence);
    Long start = null;
    long prev = -2;
    for (long m : missing) {
      if (m != prev + 1) {
        if (start != null) {
          out.add(gap(start, prev));
        }
        start = m;
      }
      prev = m;
    }
    if (start != null) {
      out.add(gap(start, prev));
    }
    if (missingUntracked > 0) {
      out.add(missingUntracked + " more audit serial numbers never printed");
    }
    return Collections.unmodifiableList(new ArrayList<>(out.subList(0, Math.min(20, out.size()))));
  }

  private static String gap(long from, long to) {
    return "audit serial numbers " + from + ".." + to + " never printed";
  }

  /** Seccomp records of another action (a kill, an errno with the log flag): not counted as calls. */
  public synchronized long otherRecords() {
    return otherRecords;
  }

  /** A window over messages given by hand, for tests: no thread, no file. */
  public static KernelLogWindow forMessages(List<String> messages, IntFunction<Optional<String>> cgroupOf) {
    KernelLogWindow w;
    try {
      w = new KernelLogWindow(Path.of("/dev/null"), cgroupOf);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    messages.forEach(w::accept);
    return w;
  }

  /** Stops reading (the thread ends at the next kernel message) and closes the log. */
  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // nothing was written
    }
  }

  /** Reads {@code /proc/PID/cgroup}; empty when the process is gone. */
  public static Optional<String> procCgroup(int pid) {
    try {
      return Optional.of(new String(java.nio.file.Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cgroup")),
          StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
