package dev.carapace.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.ImageNotFoundException;
import dev.carapace.core.EngineException;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.PullProgress;
import dev.carapace.core.RegistryAuthenticationException;
import dev.carapace.core.internal.registry.ImageReference;
import dev.carapace.core.internal.registry.RegistryAuth;
import dev.carapace.core.internal.values.CoreAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A registry pull through an {@link EngineSession} ({@code POST /images/create}, as {@code docker pull}),
 * and its diagnosis: what a failed pull's own error shows (a login needed, credentials refused, an
 * image the registry lacks), and, when it shows nothing about the registry, what the engine's
 * distribution endpoint says about the image with the same credentials.
 *
 * <pre>{@code
 * new RegistryPull(session).pull("127.0.0.1:5443/app:1", auth, "docker config.json", progress::add);
 * }</pre>
 */
public final class RegistryPull {
  private final EngineSession session;
  private final DockerClient streaming;
  private final Duration streamTimeout;
  /** The transport of the session's ordinary calls, for the distribution probe; null when unreachable. */
  private final DockerHttpClient apiHttp;

  public RegistryPull(EngineSession session) {
    this.session = session;
    this.streaming = session.streaming();
    this.streamTimeout = session.streamTimeout();
    this.apiHttp = session.transport().orElse(null);
  }

  /**
   * Pulls {@code image}, waiting at most the stream timeout, with {@code auth} in
   * {@code X-Registry-Auth} when given (else as the client is configured: none for a session
   * {@linkplain EngineSession#open opened} here, the caller's own for a {@linkplain EngineSession#reuse reused} client).
   * A failed pull is explained by asking the engine for the image's registry manifest
   * ({@code GET /distribution/{name}/json}) with the same credentials, when Carapace chose them
   * ({@code searched} given): an engine falling back to plain HTTP for a loopback registry otherwise
   * reports only the fallback's error.
   *
   * @param searched where the credentials were looked for, for the message when none were found;
   *     null when the client's own configuration decides
   * @param listener receives each progress message, or null
   * @throws RegistryAuthenticationException when the registry wants a login and none was sent, or
   *     refused the credentials sent
   * @throws ImageNotFoundException when the registry lacks the image, or the pull failed or did not
   *     end in time, step {@code pull}
   * @throws dev.carapace.core.LaunchException step {@code pull}, when the engine could not reach the
   *     registry at all (connection refused, unknown host, no route, timeout)
   * @throws EngineException when {@code listener} threw (its exception is the cause)
   */
  public void pull(String image, RegistryAuth auth, String searched, Consumer<PullProgress> listener) {
    PullCallback cb = new PullCallback(image, listener);
    try {
      PullImageCmd cmd = streaming.pullImageCmd(image);
      if (auth != null) {
        cmd.withAuthConfig(auth.toAuthConfig());
      }
      cmd.exec(cb);
      if (!cb.awaitCompletion(streamTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        cb.close();
        throw CoreAccess.get().imageNotFound(Step.PULL, image, "image not pulled within " + streamTimeout, null, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CoreAccess.get().engineFailure(Step.PULL, image, null, "interrupted", null, e);
    } catch (IOException e) {
      throw CoreAccess.get().engineFailure(Step.PULL, image, null, "closing the pull stream", null, e);
    } catch (EngineException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failed(image, auth, searched, cb, e);
    }
    if (cb.failure != null) {
      throw failed(image, auth, searched, cb, cb.failure);
    }
    if (cb.streamError != null) {
      throw pullFailure(image, auth, searched, cb.streamError, null);
    }
  }

  private EngineException failed(String image, RegistryAuth auth, String searched, PullCallback cb, Throwable e) {
    if (cb.listenerFailure != null) {
      return listenerFailed(image, cb.listenerFailure);
    }
    String daemon = DaemonErrors.daemonMessage(e);
    return pullFailure(image, auth, searched, daemon != null ? daemon : DaemonErrors.transportProblem(e), e);
  }

  private static EngineException listenerFailed(String image, RuntimeException e) {
    return CoreAccess.get().engineFailure(Step.PULL, image, null, "pull progress listener threw "
        + e.getClass().getName() + " (the pull was abandoned)", null, e);
  }

  /** Collects a pull's progress for the listener, and the error the engine reports inside the stream. */
  private static final class PullCallback extends ResultCallback.Adapter<PullResponseItem> {
    private final String image;
    private final Consumer<PullProgress> listener;
    volatile String streamError;
    volatile RuntimeException listenerFailure;
    volatile Throwable failure;

    PullCallback(String image, Consumer<PullProgress> listener) {
      this.image = image;
      this.listener = listener;
    }

    @Override
    public void onNext(PullResponseItem item) {
      if (item.isErrorIndicated()) {
        ResponseItem.ErrorDetail detail = item.getErrorDetail();
        streamError = detail != null && detail.getMessage() != null ? detail.getMessage() : item.getError();
        return;
      }
      if (listener == null || item.getStatus() == null) {
        return;
      }
      ResponseItem.ProgressDetail d = item.getProgressDetail();
      long current = d != null && d.getCurrent() != null ? d.getCurrent() : -1;
      long total = d != null && d.getTotal() != null && d.getTotal() > 0 ? d.getTotal() : -1;
      try {
        listener.accept(CoreAccess.get().pullProgress(image, item.getId() == null ? "" : item.getId(), item.getStatus(),
            current, total));
      } catch (RuntimeException e) {
        listenerFailure = e;
        throw e; // docker-java ends the stream and reports it through onError
      }
    }

    /**
     * Keeps the failure for {@link #pull} to explain, and ends the wait; docker-java's own
     * {@code onError} would also log it at ERROR with its stack trace, for a failure the caller gets.
     */
    @Override
    public void onError(Throwable throwable) {
      if (failure == null) {
        failure = throwable;
      }
      try {
        close();
      } catch (IOException e) {
        // closing the response stream: nothing to recover
      }
    }
  }

  /**
   * The engine's words, lower-cased, for a registry it could not reach at all (Go's dialer); a
   * connection reset is not among them: an engine falling back to plain HTTP for a loopback registry
   * reports one for a registry that is there.
   */
  private static final String[] UNREACHABLE = {"connection refused", "no such host", "no route to host",
      "network is unreachable", "i/o timeout", "server misbehaving"};

  /** Words the engine uses, lower-cased, for what went wrong at the registry. */
  private static boolean mentions(String said, String... words) {
    for (String w : words) {
      if (said.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Explains a failed pull from its own error; when that says nothing about the registry (an engine
   * that fell back to plain HTTP for a loopback registry reports only the fallback's error), from
   * what the engine's distribution endpoint says about the image with the same credentials, when
   * Carapace chose them.
   */
  private EngineException pullFailure(String image, RegistryAuth auth, String searched, String pullError,
      Throwable cause) {
    EngineException explained = explain(image, auth, searched, pullError, -1, cause);
    if (explained != null) {
      return explained;
    }
    if (searched != null && apiHttp != null) {
      Probe probe = probeDistribution(image, auth);
      if (probe != null && probe.status != 200 && probe.message != null) {
        explained = explain(image, auth, searched, probe.message, probe.status, cause);
        if (explained != null) {
          return explained;
        }
      }
    }
    String registry = ImageReference.registry(image);
    if (pullError != null && mentions(pullError.toLowerCase(java.util.Locale.ROOT), UNREACHABLE)) {
      return CoreAccess.get().engineFailure(Step.PULL, image, null, "registry " + registry
          + " could not be reached from the engine (is it running, and is the address right?)", pullError, cause);
    }
    return CoreAccess.get().imageNotFound(Step.PULL, image, "image is not on the engine and could not be pulled",
        pullError, cause);
  }

  /** The failure {@code said} (with HTTP {@code status}, or -1) shows, or null when it shows none. */
  private static EngineException explain(String image, RegistryAuth auth, String searched, String said, int status,
      Throwable cause) {
    String registry = ImageReference.registry(image);
    String lower = said == null ? "" : said.toLowerCase(java.util.Locale.ROOT);
    boolean unauthorized = status == 401 || mentions(lower, "no basic auth credentials", "unauthorized",
        "authentication required", "incorrect username or password");
    boolean denied = mentions(lower, "denied");
    if (auth == null && (unauthorized || denied) && searched != null) {
      String login = ImageReference.DOCKER_HUB.equals(registry) ? "docker login" : "docker login " + registry;
      return CoreAccess.get().registryAuthentication(Step.PULL, image, registry, null, "registry " + registry
          + (unauthorized ? " needs a login" : " denied an anonymous pull (the image is absent, or needs a login)")
          + " and no credentials were found for it in " + searched + " (" + login
          + ", or give ContainerLauncher.builder().registryCredentials(..))", said, cause);
    }
    if (auth != null && (unauthorized || denied)) {
      return CoreAccess.get().registryAuthentication(Step.PULL, image, registry, auth.who(), "registry " + registry
          + " refused the credentials of user " + auth.who() + " from " + auth.source()
          + " (wrong password, expired token, or no access to this repository)", said, cause);
    }
    if (status == 404 || mentions(lower, "manifest unknown", "not found", "name unknown", "does not exist")) {
      return CoreAccess.get().imageNotFound(Step.PULL, image, "image not found in registry " + registry
          + " (check the repository name and the tag)", said, cause);
    }
    return null;
  }

  private record Probe(int status, String message) {}

  /** {@code GET /distribution/{image}/json} with {@code auth}; null when the engine could not be asked. */
  private Probe probeDistribution(String image, RegistryAuth auth) {
    DockerHttpClient.Request.Builder request = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.GET).path("/distribution/" + image + "/json");
    if (auth != null) {
      request.putHeader("X-Registry-Auth", auth.header());
    }
    try {
      return session.bounded(() -> {
        try (DockerHttpClient.Response response = apiHttp.execute(request.build())) {
          byte[] body = response.getBody().readNBytes(64 * 1024);
          String message = null;
          if (response.getStatusCode() != 200) {
            JsonNode json = EngineClients.mapper().readTree(body);
            message = json != null && json.hasNonNull("message") ? json.get("message").asText().trim() : null;
          }
          return new Probe(response.getStatusCode(), message);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (RuntimeException e) {
      return null; // the pull's own error stands
    }
  }
}
