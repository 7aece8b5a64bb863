package dev.carapace.core.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.internal.io.BoundedFiles;
import dev.carapace.core.internal.io.Strings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reads registry credentials as the docker CLI does from a client config folder
 * ({@code DOCKER_CONFIG}, default {@code ~/.docker}): {@code credHelpers} for the registry, else
 * {@code credsStore}, else the {@code auths} entry ({@code auth}: base64 of {@code user:password};
 * or {@code username} and {@code password}; or {@code identitytoken}). A helper is the program
 * {@code docker-credential-<name>}, run as {@code get} with the registry's key on standard input,
 * answering {@code {"ServerURL":..,"Username":..,"Secret":..}}; a {@code Username} of {@code <token>}
 * makes the secret an identity token.
 *
 * <p>A helper is found as the docker CLI finds it (Go's {@code exec.LookPath} since Go 1.19: never
 * through the current directory or a relative {@code PATH} entry) and runs within
 * {@link #HELPER_TIMEOUT}, its child processes included. No message built here holds a secret: a
 * failing helper's output is never shown, only how many bytes it printed.
 */
public final class DockerConfigCredentials {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final int MAX_HELPER_OUTPUT = 64 * 1024;
  /** How long a credential helper may take, from its start to the end of its output. */
  public static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);
  /** How long the output of a helper that exited may stay open (held by a child it left) before that child is destroyed. */
  static final Duration EXIT_GRACE = Duration.ofMillis(500);
  /** How often the processes a running helper started are looked at, to destroy them with it. */
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(20);
  /** What a helper prints when its store has nothing for the registry (docker-credential-helpers' protocol). */
  private static final String NOT_FOUND = "credentials not found";
  /** The environment variable that marks the processes of one helper run, children included. */
  static final String RUN_TOKEN = "CARAPACE_CREDENTIAL_HELPER_RUN";
  private static final int MAX_ENVIRON_BYTES = 1 << 20;
  /** How many open descriptors of one process are looked at for a helper's output pipe. */
  private static final int MAX_FDS_LOOKED_AT = 65_536;
  private static final java.security.SecureRandom TOKENS = new java.security.SecureRandom();

  /** The credentials could not be read; the message names the file or helper and the registry. */
  public static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private DockerConfigCredentials() {}

  /** The client config folder of this environment: {@code DOCKER_CONFIG}, else {@code ~/.docker}. */
  public static Path defaultDir(Map<String, String> env, Path home) {
    String dir = env.get("DOCKER_CONFIG");
    return dir == null || dir.isBlank() ? home.resolve(".docker") : Path.of(dir);
  }

  /** The non-empty entries of {@code PATH}, in order; {@link #find} refuses a match in a relative one. */
  public static List<Path> pathOf(Map<String, String> env) {
    String path = env.getOrDefault("PATH", "");
    List<Path> dirs = new ArrayList<>();
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty()) { // the current directory for Go, which refuses a match there: never searched here
        dirs.add(Path.of(d));
      }
    }
    return dirs;
  }

  /**
   * The credentials {@code configDir/config.json} gives for {@code registry} ({@code 127.0.0.1:5443},
   * {@code docker.io}); empty when there is no config file, no entry, or the helper has none.
   *
   * @param helperPath where to look for {@code docker-credential-<name>} programs
   * @throws Unreadable when the file is malformed, or a helper is absent, fails or answers nonsense
   */
  public static Optional<RegistryAuth> lookup(Path configDir, String registry, List<Path> helperPath) {
    return lookupFile(configDir.resolve("config.json"), registry, helperPath);
  }

  /**
   * As {@link #lookup}, from the file {@code file} in {@code config.json}'s format, whatever its name (an
   * auth file as {@code skopeo --authfile} and {@code REGISTRY_AUTH_FILE} name it).
   */
  public static Optional<RegistryAuth> lookupFile(Path file, String registry, List<Path> helperPath) {
    byte[] bytes;
    try {
      bytes = BoundedFiles.readRegularFile(file, "docker config", BoundedFiles.MAX_JSON_BYTES);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new Unreadable("docker config must be readable: " + file + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (IllegalArgumentException e) {
      throw new Unreadable(e.getMessage(), e);
    }
    JsonNode config;
    try {
      config = JSON.readTree(bytes);
    } catch (IOException e) {
      // Jackson's message may quote the file's content: never shown
      throw new Unreadable("docker config must be JSON: " + file + " (not parseable)", null);
    }
    if (config == null || !config.isObject()) {
      throw new Unreadable("docker config must be a JSON object: " + file, null);
    }
    String key = ImageReference.configKey(registry);
    JsonNode helpers = config.path("credHelpers");
    String helper = null;
    String namedBy = null;
    if (helpers.isObject()) {
      for (String k : List.of(key, registry)) {
        if (helpers.path(k).isTextual() && !helpers.path(k).asText().isEmpty()) {
          helper = helpers.path(k).asText();
          namedBy = "credHelpers in " + file;
          break;
        }
      }
    }
    if (helper == null && config.path("credsStore").isTextual() && !config.path("credsStore").asText().isEmpty()) {
      helper = config.path("credsStore").asText();
      namedBy = "credsStore in " + file;
    }
    if (helper != null) {
      return fromHelper(helper, namedBy, key, registry, helperPath);
    }
    return fromAuths(config.path("auths"), file, key, registry);
  }

  private static Optional<RegistryAuth> fromAuths(JsonNode auths, Path file, String key, String registry) {
    if (!auths.isObject()) {
      return Optional.empty();
    }
    JsonNode entry = auths.get(key);
    String entryKey = key;
    if (entry == null) {
      for (Iterator<String> it = auths.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (hostOf(k).equals(registry) || hostOf(k).equals(hostOf(key))) {
          entry = auths.get(k);
          entryKey = k;
          break;
        }
      }
    }
    if (entry == null || !entry.isObject()) {
      return Optional.empty();
    }
    String source = file.toString();
    String where = "auths entry " + entryKey + " in " + file;
    if (entry.path("identitytoken").isTextual() && !entry.path("identitytoken").asText().isEmpty()) {
      return Optional.of(new RegistryAuth(key, null, null, entry.path("identitytoken").asText(), source));
    }
    if (entry.path("auth").isTextual() && !entry.path("auth").asText().isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(entry.path("auth").asText().trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new Unreadable("auth must be base64 of user:password: " + where + " (not base64)", null);
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new Unreadable("auth must be base64 of user:password: " + where + " (no user:password in it)", null);
      }
      return Optional.of(RegistryAuth.basic(key, decoded.substring(0, colon), decoded.substring(colon + 1), source));
    }
    String user = entry.path("username").asText("");
    String password = entry.path("password").asText("");
    if (!user.isEmpty() && !password.isEmpty()) {
      return Optional.of(RegistryAuth.basic(key, user, password, source));
    }
    return Optional.empty();
  }

  /** docker's {@code ConvertToHostname}: without scheme and path. */
  static String hostOf(String key) {
    String h = key;
    if (h.startsWith("http://")) {
      h = h.substring(7);
    } else if (h.startsWith("https://")) {
      h = h.substring(8);
    }
    int slash = h.indexOf('/');
    return slash < 0 ? h : h.substring(0, slash);
  }

  private static Optional<RegistryAuth> fromHelper(String name, String namedBy, String key, String registry,
      List<Path> helperPath) {
    String program = "docker-credential-" + name;
    String about = "credential helper " + program + " (" + namedBy + ")";
    if (!HELPER_NAME.matcher(name).matches()) {
      throw new Unreadable("credential helper name must be letters, digits, . _ and -: " + Strings.show(name)
          + " (" + namedBy + ")", null);
    }
    Path found = find(program, about, helperPath);
    Answer a = run(found, key, about, HELPER_TIMEOUT);
    if (a.exit != 0) {
      if (a.notFound) {
        return Optional.empty(); // the helper's store has nothing for this registry: anonymous, as docker
      }
      // what it printed may hold the secret: never quoted, only counted
      throw new Unreadable(about + " failed with exit code " + a.exit + " (it " + a.printed() + ", not shown)", null);
    }
    if (a.stdoutBytes > MAX_HELPER_OUTPUT) {
      throw new Unreadable(about + " must answer at most " + MAX_HELPER_OUTPUT + " bytes: it " + a.printed(), null);
    }
    String stdout = new String(a.stdout, StandardCharsets.UTF_8).trim();
    JsonNode answer;
    try {
      answer = JSON.readTree(stdout);
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null || !answer.isObject() || !answer.path("Secret").isTextual()) {
      throw new Unreadable(about + " must answer JSON with Username and Secret: it did not", null);
    }
    String user = answer.path("Username").asText("");
    String secret = answer.path("Secret").asText();
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    String source = program;
    if ("<token>".equals(user)) {
      return Optional.of(new RegistryAuth(key, null, null, secret, source));
    }
    return Optional.of(RegistryAuth.basic(key, user, secret, source));
  }

  /** What a helper did: its exit code and what it printed, of which at most {@link #MAX_HELPER_OUTPUT} bytes a stream. */
  record Answer(int exit, byte[] stdout, long stdoutBytes, long stderrBytes, boolean notFound) {
    /** {@code printed 12 bytes on stdout and 0 on stderr}: how much, never what. */
    String printed() {
      return "printed " + amount(stdoutBytes) + " on stdout and " + amount(stderrBytes) + " on stderr";
    }

    private static String amount(long n) {
      return n > MAX_HELPER_OUTPUT ? "more than " + MAX_HELPER_OUTPUT + " bytes" : n + (n == 1 ? " byte" : " bytes");
    }
  }

  /**
   * Where {@code program} is, as Go's {@code exec.LookPath} finds it since Go 1.19 (the docker CLI runs
   * helpers through it): in the first directory of {@code helperPath} that holds an executable regular
   * file of that name, never in the current directory unless an entry names it; a match in an entry
   * that is not absolute ({@code .}, {@code bin}) is refused, not skipped, as Go's {@code ErrDot}
   * refuses it. (An empty {@code PATH} entry, the current directory for Go, is left out by
   * {@link #pathOf}.)
   */
  static Path find(String program, String about, List<Path> helperPath) {
    for (Path dir : helperPath) {
      Path candidate = dir.resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        if (!dir.isAbsolute()) {
          throw new Unreadable(about + " must be found in an absolute directory: " + program
              + " was found first in the relative PATH entry " + Strings.show(dir.toString())
              + " (the docker CLI refuses it too since Go 1.19; install it in an absolute directory of PATH)", null);
        }
        return candidate;
      }
    }
    throw new Unreadable(about + " must be installed: " + program + " not found in " + helperPath
        + " (install it, or remove it from the docker config)", null);
  }

  /**
   * Runs {@code program get} with {@code key} on its standard input, within {@code timeout} whatever
   * it does: its output is read on threads of this class, at most {@link #MAX_HELPER_OUTPUT} bytes
   * a stream (a stream beyond that is closed); the processes it starts are watched while it runs. A
   * helper still running at the deadline is destroyed with every descendant seen; a helper that
   * exited but left a child holding its output gets {@link #EXIT_GRACE}, then that child is destroyed
   * and what was read so far is its answer. A child is found as a descendant seen while the helper
   * ran, by the run token in its environment, or, when it left the helper's process tree and cleared
   * its environment (a double fork, {@code env -i}), by the helper's output pipe it holds open: a
   * process of this user whose {@code /proc/PID/fd} names the pipe's inode.
   */
  static Answer run(Path program, String key, String about, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Process p;
    String token = Long.toHexString(TOKENS.nextLong());
    try {
      ProcessBuilder b = new ProcessBuilder(program.toString(), "get");
      b.environment().put(RUN_TOKEN, token); // inherited by what it starts: finds a child it left behind
      p = b.start();
    } catch (IOException e) {
      throw new Unreadable(about + " could not start: " + e.getMessage(), e);
    }
    Set<ProcessHandle> family = new LinkedHashSet<>();
    // its output pipes, read now, while its descriptors are those we gave it and we hold the other ends
    Set<String> pipes = ownPipes(outputPipes(p.pid()));
    Drain out = new Drain(p.getInputStream(), program.getFileName() + " stdout");
    Drain err = new Drain(p.getErrorStream(), program.getFileName() + " stderr");
    try (OutputStream in = p.getOutputStream()) {
      in.write(key.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the helper may exit without reading: its exit code says what happened
    }
    try {
      while (p.isAlive() && System.nanoTime() < deadline) {
        p.descendants().forEach(family::add);
        p.waitFor(Math.min(WATCH_INTERVAL.toNanos(), Math.max(1, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
      }
      p.descendants().forEach(family::add);
      if (p.isAlive()) {
        destroy(p.toHandle(), family, token, pipes);
        out.await(System.nanoTime() + EXIT_GRACE.toNanos());
        err.await(System.nanoTime() + EXIT_GRACE.toNanos());
        throw new Unreadable(about + " did not answer within " + timeout + ": stopped with its child processes (it "
            + new Answer(-1, null, out.count(), err.count(), false).printed() + ")", null);
      }
      long grace = Math.min(deadline, System.nanoTime() + EXIT_GRACE.toNanos());
      boolean ended = out.await(grace) & err.await(grace);
      // the JDK closes our end of a pipe when the helper exits: an end of stream does not prove that no
      // child it left holds the other end, so those are looked for by the pipe too
      if (!ended || holdsAny(pipes)) { // a child it left holds its output open
        Thread.sleep(Math.max(0, grace - System.nanoTime()) / 1_000_000);
        destroy(null, family, token, pipes);
        out.await(System.nanoTime() + EXIT_GRACE.toNanos());
        err.await(System.nanoTime() + EXIT_GRACE.toNanos());
      }
    } catch (InterruptedException e) {
      destroy(p.toHandle(), family, token, pipes);
      Thread.currentThread().interrupt();
      throw new Unreadable(about + " interrupted", e);
    }
    byte[] stdout = out.bytes();
    boolean notFound = new String(stdout, StandardCharsets.UTF_8).contains(NOT_FOUND)
        || new String(err.bytes(), StandardCharsets.UTF_8).contains(NOT_FOUND);
    return new Answer(p.exitValue(), stdout, out.count(), err.count(), notFound);
  }

  /**
   * Destroys {@code helper} (when given) and every process in {@code family} still alive, children
   * first, with every process whose environment carries {@code token} (a child the helper left when
   * it exited is no longer its descendant; Linux's {@code /proc} shows its environment), and every
   * process of this user that holds one of {@code pipes} open (one that also cleared its environment
   * and left the helper's process tree by a double fork still holds the helper's output).
   */
  private static void destroy(ProcessHandle helper, Set<ProcessHandle> family, String token, Set<String> pipes) {
    if (helper != null) {
      helper.descendants().forEach(family::add);
    }
    byte[] mark = (RUN_TOKEN + "=" + token).getBytes(StandardCharsets.UTF_8);
    Object uid = ownUid();
    ProcessHandle.allProcesses().filter(h -> h.pid() != ProcessHandle.current().pid()
        && (carries(h.pid(), mark) || holds(h.pid(), uid, pipes))).forEach(family::add);
    List<ProcessHandle> all = new ArrayList<>(family);
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).destroyForcibly();
    }
    if (helper != null) {
      helper.destroyForcibly();
    }
  }

  /**
   * The pipes a helper just started writes to: the targets ({@code pipe:[inode]}) of its standard
   * output and error in {@code /proc}; empty where they cannot be read (not Linux, or it is gone).
   */
  static Set<String> outputPipes(long pid) {
    Set<String> pipes = new LinkedHashSet<>();
    for (String fd : List.of("1", "2")) {
      String target = link(Path.of("/proc", Long.toString(pid), "fd", fd));
      if (target != null && target.startsWith("pipe:[")) {
        pipes.add(target);
      }
    }
    return pipes;
  }

  /**
   * Those of {@code pipes} this process holds open itself (the ends it reads): a helper that pointed
   * its output elsewhere before it was looked at names nothing of ours, and so gets nothing else
   * destroyed.
   */
  private static Set<String> ownPipes(Set<String> pipes) {
    Set<String> ours = new LinkedHashSet<>();
    if (pipes.isEmpty()) {
      return ours;
    }
    try (java.nio.file.DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        String target = link(fd);
        if (target != null && pipes.contains(target)) {
          ours.add(target);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: nothing is found by its pipe
    }
    return ours;
  }

  /**
   * Whether process {@code pid}, owned by {@code uid} (the user this process runs as), has one of
   * {@code pipes} open, looking at up to {@link #MAX_FDS_LOOKED_AT} of its descriptors.
   */
  private static boolean holds(long pid, Object uid, Set<String> pipes) {
    Path proc = Path.of("/proc", Long.toString(pid));
    if (pipes.isEmpty() || uid == null || !uid.equals(ownerOf(proc))) {
      return false;
    }
    int seen = 0;
    try (java.nio.file.DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        if (++seen > MAX_FDS_LOOKED_AT) {
          return false;
        }
        String target = link(fd);
        if (target != null && pipes.contains(target)) {
          return true;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not ours to look at
    }
    return false;
  }

  /** Whether another process of this user holds one of {@code pipes} open. */
  private static boolean holdsAny(Set<String> pipes) {
    if (pipes.isEmpty()) {
      return false;
    }
    Object uid = ownUid();
    return ProcessHandle.allProcesses().anyMatch(h -> h.pid() != ProcessHandle.current().pid()
        && holds(h.pid(), uid, pipes));
  }

  private static Object ownUid() {
    return ownerOf(Path.of("/proc", Long.toString(ProcessHandle.current().pid())));
  }

  private static Object ownerOf(Path proc) {
    try {
      return Files.getAttribute(proc, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String link(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether the environment of process {@code pid} holds {@code mark}; false when it cannot be read. */
  private static boolean carries(long pid, byte[] mark) {
    byte[] env;
    try {
      env = BoundedFiles.readProcFile(Path.of("/proc", Long.toString(pid), "environ"), MAX_ENVIRON_BYTES);
    } catch (IOException | RuntimeException e) {
      return false;
    }
    outer:
    for (int i = 0; i + mark.length <= env.length; i++) {
      if (i > 0 && env[i - 1] != 0) {
        continue;
      }
      for (int j = 0; j < mark.length; j++) {
        if (env[i + j] != mark[j]) {
          continue outer;
        }
      }
      return i + mark.length == env.length || env[i + mark.length] == 0;
    }
    return false;
  }

  /**
   * Reads one output stream of a helper on a thread of its own, keeping and counting at most
   * {@link #MAX_HELPER_OUTPUT} bytes and one more; at that point it closes the stream, so a helper
   * that prints without end fails on a broken pipe instead of filling memory.
   */
  private static final class Drain extends Thread {
    private final InputStream in;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);

    Drain(InputStream in, String name) {
      super("carapace-" + name);
      this.in = in;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      try (in) {
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk, 0, (int) Math.min(chunk.length, MAX_HELPER_OUTPUT + 1L - count()))) > 0) {
          synchronized (this) {
            kept.write(chunk, 0, n);
          }
        }
      } catch (IOException e) {
        // the helper was destroyed: keep what was read
      } finally {
        done.countDown();
      }
    }

    /** Whether the stream ended (or its cap was reached) before {@code deadline}, a {@link System#nanoTime()}. */
    boolean await(long deadline) throws InterruptedException {
      return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    synchronized long count() {
      return kept.size();
    }

    synchronized byte[] bytes() {
      return kept.toByteArray();
    }
  }
}
