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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * <p>No message built here holds a secret: a failing helper's output is shown only when it is not
 * JSON, cut to one line of at most 200 characters.
 */
public final class DockerConfigCredentials {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final int MAX_HELPER_OUTPUT = 64 * 1024;
  /** How long a credential helper may take. */
  public static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);

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

  /** The directories of {@code PATH}, in order. */
  public static List<Path> pathOf(Map<String, String> env) {
    String path = env.getOrDefault("PATH", "");
    List<Path> dirs = new ArrayList<>();
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty()) {
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
    Path file = configDir.resolve("config.json");
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
    Path found = null;
    for (Path dir : helperPath) {
      Path candidate = dir.resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found == null) {
      throw new Unreadable(about + " must be installed: " + program + " not found in " + helperPath
          + " (install it, or remove it from the docker config)", null);
    }
    Process p;
    try {
      p = new ProcessBuilder(found.toString(), "get").start();
    } catch (IOException e) {
      throw new Unreadable(about + " could not start: " + e.getMessage(), e);
    }
    CompletableFuture<byte[]> out = drain(p.getInputStream(), program + " stdout");
    CompletableFuture<byte[]> err = drain(p.getErrorStream(), program + " stderr");
    try (OutputStream in = p.getOutputStream()) {
      in.write(key.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the helper may exit without reading: its exit code says what happened
    }
    int exit;
    try {
      if (!p.waitFor(HELPER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new Unreadable(about + " did not answer within " + HELPER_TIMEOUT, null);
      }
      exit = p.exitValue();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new Unreadable(about + " interrupted", e);
    }
    String stdout = new String(out.join(), StandardCharsets.UTF_8).trim();
    if (exit != 0) {
      String said = stdout.isEmpty() ? new String(err.join(), StandardCharsets.UTF_8).trim() : stdout;
      if (said.contains("credentials not found")) {
        return Optional.empty(); // the helper's store has nothing for this registry: anonymous, as docker
      }
      throw new Unreadable(about + " failed with exit code " + exit + safeLine(said), null);
    }
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

  /** The first line of what a failing helper said, unless it looks like JSON (which may hold a secret). */
  private static String safeLine(String said) {
    if (said.isEmpty() || said.startsWith("{") || said.startsWith("[")) {
      return "";
    }
    String line = said.lines().findFirst().orElse("");
    return ": " + Strings.show(line.length() > 200 ? line.substring(0, 200) + "..." : line);
  }

  /** Reads {@code in} to its end on a thread of its own, keeping at most 64 KiB. */
  private static CompletableFuture<byte[]> drain(InputStream in, String name) {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (in) {
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
          if (buf.size() < MAX_HELPER_OUTPUT) {
            buf.write(chunk, 0, Math.min(n, MAX_HELPER_OUTPUT - buf.size()));
          } // else drain, so the helper is not blocked on a full pipe
        }
      } catch (IOException e) {
        // the helper was killed: keep what was read
      }
      done.complete(buf.toByteArray());
    }, "carapace-" + name);
    t.setDaemon(true);
    t.start();
    return done;
  }
}
