package dev.carapace.core;

import java.util.Objects;

/**
 * One progress message of an image pull, as {@code docker pull} prints them: a layer being waited
 * for, downloaded, extracted, or a line about the whole image.
 *
 * <pre>{@code
 * ContainerLauncher.builder().pullProgress(p -> System.out.println(p.layerId() + " " + p.status()
 *     + (p.totalBytes() > 0 ? " " + p.currentBytes() + "/" + p.totalBytes() : "")))
 * }</pre>
 */
public final class PullProgress {
  private final String image;
  private final String layerId;
  private final String status;
  private final long currentBytes;
  private final long totalBytes;

  PullProgress(String image, String layerId, String status, long currentBytes, long totalBytes) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(layerId, "layerId");
    Objects.requireNonNull(status, "status");
    this.image = image;
    this.layerId = layerId;
    this.status = status;
    this.currentBytes = currentBytes;
    this.totalBytes = totalBytes;
  }

  /** The image being pulled, as the launch or {@link ContainerLauncher#pull} named it. */
  public String image() {
    return image;
  }

  /**
   * The layer the message is about (a short digest such as {@code 3f4ca61aafcd}), or the tag for a line
   * about the whole image, or empty.
   */
  public String layerId() {
    return layerId;
  }

  /**
   * What the engine said: {@code Pulling fs layer}, {@code Downloading}, {@code Download complete}, {@code
   * Extracting}, {@code Pull complete}, {@code Digest: sha256:...}, {@code Status: Downloaded newer image
   * for ...}.
   */
  public String status() {
    return status;
  }

  /** Bytes done so far for {@code Downloading} and {@code Extracting}; -1 otherwise. */
  public long currentBytes() {
    return currentBytes;
  }

  /** The layer's size for {@code Downloading} and {@code Extracting}; -1 when unknown. */
  public long totalBytes() {
    return totalBytes;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof PullProgress)) {
      return false;
    }
    PullProgress that = (PullProgress) o;
    return Objects.equals(image, that.image) && Objects.equals(layerId, that.layerId)
        && Objects.equals(status, that.status) && currentBytes == that.currentBytes
        && totalBytes == that.totalBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, layerId, status, currentBytes, totalBytes);
  }

  /** {@code PullProgress[image=..., layerId=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "PullProgress[image=" + image + ", layerId=" + layerId + ", status=" + status
        + ", currentBytes=" + currentBytes + ", totalBytes=" + totalBytes + "]";
  }
}
