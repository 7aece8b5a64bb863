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
 *
 * @param image the image being pulled, as the launch or {@link ContainerLauncher#pull} named it
 * @param layerId the layer the message is about (a short digest such as {@code 3f4ca61aafcd}), or
 *     the tag for a line about the whole image, or empty
 * @param status what the engine said: {@code Pulling fs layer}, {@code Downloading},
 *     {@code Download complete}, {@code Extracting}, {@code Pull complete}, {@code Digest: sha256:...},
 *     {@code Status: Downloaded newer image for ...}
 * @param currentBytes bytes done so far for {@code Downloading} and {@code Extracting}; -1 otherwise
 * @param totalBytes the layer's size for {@code Downloading} and {@code Extracting}; -1 when unknown
 */
public record PullProgress(String image, String layerId, String status, long currentBytes, long totalBytes) {
  public PullProgress {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(layerId, "layerId");
    Objects.requireNonNull(status, "status");
  }
}
