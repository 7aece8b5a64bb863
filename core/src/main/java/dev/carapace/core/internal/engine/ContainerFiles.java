package dev.carapace.core.internal.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.CopyLimits;
import dev.carapace.core.CopySource;
import dev.carapace.core.Endpoint;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.Mount;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.io.SafeTar;
import dev.carapace.core.internal.values.CoreAccess;
import dev.carapace.core.internal.values.EndpointAccess;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies a host file or directory into a container and out of it through the engine's archive API
 * ({@code PUT} and {@code GET /containers/{id}/archive}), one request each way, with {@link SafeTar}'s
 * rules on both ends.
 *
 * <p>The engine reads and writes a container's files on its root filesystem and its volumes and bind
 * mounts, but not on a tmpfs: those exist only inside the running container's mount namespace, so a
 * copy "into" one would land, unseen, on the directory the tmpfs hides (measured on Engine 20.10:
 * {@code docker cp} reports success and the container sees nothing). Paths under the spec's tmpfs
 * mounts are therefore refused before any request.
 */
public final class ContainerFiles {
  private ContainerFiles() {}

  /**
   * Copies {@code source} to {@code target} in the container: bytes or a host file become the file
   * {@code target}, a host directory the directory {@code target} with the same tree; with the
   * source's mode and owner.
   */
  public static void copyInto(EngineSession session, String containerId, SecureContainerSpec spec, CopySource source,
      ContainerPath target, CopyLimits limits) {
    String path = target.toString();
    requireCopyable(spec, target, "copy target");
    int slash = path.lastIndexOf('/');
    String parent = slash == 0 ? "/" : path.substring(0, slash);
    String name = path.substring(slash + 1);
    Path hostSource = source.path().orElse(null);
    InputStream tar;
    try {
      tar = hostSource == null
          ? SafeTar.ofBytes(source.bytes().orElseThrow(), name, limits.maxSize().bytes(), source.mode().orElseThrow(),
              source.uid(), source.gid())
          : SafeTar.source(hostSource, name, limits.maxSize().bytes(), limits.maxEntries(), source.mode().orElse(-1),
              source.uid(), source.gid());
    } catch (SafeTar.Refused e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("copy source must exist: " + hostSource, e);
    } catch (IOException e) {
      throw new UncheckedIOException("copy source could not be read: " + hostSource, e);
    }
    Endpoint tcp = session.endpoint().filter(e -> !"unix".equals(e.uri().getScheme())).orElse(null);
    Sent in = new Sent(tar);
    try (in) {
      if (tcp == null) {
        // the client whose reads time out (the response timeout); over the unix socket the deadline's
        // interrupt also stops a blocked write (its socket is an interruptible channel)
        session.bounded(session.streamTimeout(), () -> session.api().copyArchiveToContainerCmd(containerId)
            .withRemotePath(parent).withTarInputStream(in).withNoOverwriteDirNonDir(true).exec());
      } else {
        // over TCP and TLS a socket write ignores the interrupt: the copy has a client of its own, whose
        // connection the deadline closes, so an engine that stops reading the body cannot hold the copy;
        // its reads time out (the response timeout), so a silent engine cannot either
        DockerHttpClient http = EngineClients.http(tcp, session.responseTimeout(), 1,
            EndpointAccess.authorizationHeader(tcp));
        try (DockerClient own = EngineClients.client(tcp, http)) {
          Deadline.call(session.streamTimeout(), () -> own.copyArchiveToContainerCmd(containerId)
              .withRemotePath(parent).withTarInputStream(in).withNoOverwriteDirNonDir(true).exec(), () -> EngineClients.abort(http));
        }
      }
    } catch (Deadline.Exceeded e) {
      if (!in.ended) {
        throw CoreAccess.get().engineFailure(Step.COPY, spec.image(), containerId, "engine " + session.engine()
            + " stopped reading the copy: it took " + in.count + " bytes of the archive, then not the rest within "
            + e.timeout() + " (the stream timeout)", null, e);
      }
      throw session.fail(Step.COPY, spec.image(), containerId, e);
    } catch (NotFoundException e) {
      throw CoreAccess.get().engineFailure(Step.COPY, spec.image(), containerId, "copy target's parent directory must exist"
          + " in the container: " + parent, DaemonErrors.daemonMessage(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof SafeTar.HostSourceFailed) { // the host's file, not the engine
          throw new UncheckedIOException(c.getMessage(), (SafeTar.HostSourceFailed) c);
        }
      }
      String daemon = DaemonErrors.daemonMessage(e);
      if (daemon != null && daemon.contains("rootfs is marked read-only")) {
        throw CoreAccess.get().engineFailure(Step.COPY, spec.image(), containerId, "copy target must be on a volume or bind"
            + " mount when the root filesystem is read-only: " + path + " (mount a volume there, or launch with"
            + " readOnlyRootFilesystem(false))", daemon, e);
      }
      throw session.fail(Step.COPY, spec.image(), containerId, e);
    }
  }

  /**
   * Copies {@code source} out of the container to {@code hostTarget}, which must not exist yet: a file
   * becomes the file {@code hostTarget}, a directory the directory {@code hostTarget}. The archive is
   * extracted into a fresh directory next to {@code hostTarget} and moved into place only when every
   * entry passed; on any failure that directory is deleted, so nothing is left half-extracted.
   */
  public static void copyFrom(EngineSession session, String containerId, SecureContainerSpec spec,
      ContainerPath source, Path hostTarget, CopyLimits limits) {
    String path = source.toString();
    requireCopyable(spec, source, "copy source");
    Path target = hostTarget.toAbsolutePath().normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("copy target must not exist on the host: " + hostTarget
          + " (remove it first, or choose a new path)");
    }
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("copy target's parent must be an existing directory on the host: "
          + hostTarget);
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    Path staging;
    try {
      staging = Files.createTempDirectory(parent, ".carapace-copy-");
    } catch (IOException e) {
      throw new UncheckedIOException("copy target's directory must be writable: " + parent, e);
    }
    try {
      session.bounded(session.streamTimeout(), () -> {
        // the client whose reads time out, as for copyInto
        try (InputStream tar = session.api().copyArchiveFromContainerCmd(containerId, path).exec()) {
          return SafeTar.extract(tar, staging, name, limits.maxSize().bytes(), limits.maxEntries());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      Files.move(staging.resolve(name), target, StandardCopyOption.ATOMIC_MOVE);
    } catch (UncheckedIOException | Deadline.Exceeded e) {
      // a refusal or a host failure may surface as the deadline passed while the rest of the body was read
      Throwable why = e instanceof Deadline.Exceeded && e.getCause() != null ? e.getCause().getCause() : e.getCause();
      if (why instanceof SafeTar.Refused) {
        throw CoreAccess.get().engineFailure(Step.COPY, spec.image(), containerId, why.getMessage()
            + "; nothing was written to " + hostTarget, null, why);
      }
      if (why instanceof SafeTar.TargetFailed) {
        throw new UncheckedIOException(why.getMessage() + "; nothing was left at " + hostTarget,
            (SafeTar.TargetFailed) why);
      }
      throw session.fail(Step.COPY, spec.image(), containerId, e);
    } catch (NotFoundException e) {
      throw CoreAccess.get().engineFailure(Step.COPY, spec.image(), containerId, "copy source must exist in the container: "
          + path, DaemonErrors.daemonMessage(e), e);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("copy target must not exist on the host: " + hostTarget
          + " (it appeared during the copy)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("copy target could not be moved into place: " + hostTarget, e);
    } catch (RuntimeException e) {
      throw session.fail(Step.COPY, spec.image(), containerId, e);
    } finally {
      try {
        SafeTar.deleteTree(staging);
      } catch (IOException e) {
        // best effort: a staging directory left behind is hidden and named .carapace-copy-*
      }
    }
  }

  /** The archive as the transport reads it: how many bytes it took, and whether it took them all. */
  private static final class Sent extends FilterInputStream {
    volatile long count;
    volatile boolean ended;

    Sent(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        ended = true;
      } else {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        ended = true;
      } else {
        count += n;
      }
      return n;
    }
  }

  /** Refuses {@code /} and paths under one of the spec's tmpfs mounts, which the archive API cannot reach. */
  private static void requireCopyable(SecureContainerSpec spec, ContainerPath path, String attribute) {
    if (path.toString().equals("/")) {
      throw new IllegalArgumentException(attribute + " must not be the root directory: /");
    }
    for (Mount m : spec.mounts()) {
      if (m.type() == Mount.Type.TMPFS && path.startsWith(m.target())) {
        throw new IllegalArgumentException(attribute + " must not be under a tmpfs mount: " + path + " (tmpfs "
            + m.target() + " is invisible to the engine's archive API; use a volume or bind mount)");
      }
    }
  }
}
