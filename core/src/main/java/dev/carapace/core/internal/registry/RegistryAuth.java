package dev.carapace.core.internal.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.model.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Credentials for one registry, as the engine takes them in {@code X-Registry-Auth}: a user and a
 * password, or an identity token (a credential helper's {@code <token>} user). {@link #toString()}
 * shows the registry and the user only.
 *
 * @param serverAddress the registry's key as {@code docker login} stores it ({@code 127.0.0.1:5443},
 *     {@code https://index.docker.io/v1/})
 * @param username the user, or null with an identity token
 * @param password the password, or null with an identity token
 * @param identityToken the token, or null
 * @param source where the credentials came from, for messages ({@code /root/.docker/config.json})
 */
public record RegistryAuth(String serverAddress, String username, String password, String identityToken,
    String source) {
  public RegistryAuth {
    Objects.requireNonNull(serverAddress, "serverAddress");
    Objects.requireNonNull(source, "source");
  }

  /** A user and a password. */
  public static RegistryAuth basic(String serverAddress, String username, String password, String source) {
    return new RegistryAuth(serverAddress, username, password, null, source);
  }

  /** How messages name who was refused: the user, or {@code <identity token>}. */
  public String who() {
    return username != null && !username.isEmpty() ? username : "<identity token>";
  }

  /** docker-java's form, for {@code PullImageCmd#withAuthConfig}. */
  public AuthConfig toAuthConfig() {
    AuthConfig c = new AuthConfig().withRegistryAddress(serverAddress);
    if (identityToken != null) {
      return c.withIdentityToken(identityToken);
    }
    return c.withUsername(username).withPassword(password);
  }

  /** The {@code X-Registry-Auth} header value, as the docker CLI writes it (base64url of the JSON). */
  public String header() {
    ObjectNode json = JsonNodeFactory.instance.objectNode(); // no mapper: a tree node writes itself
    if (identityToken != null) {
      json.put("identitytoken", identityToken);
    } else {
      json.put("username", username).put("password", password);
    }
    json.put("serveraddress", serverAddress);
    return Base64.getUrlEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "RegistryAuth{" + serverAddress + " as " + who() + ", from " + source + "}";
  }
}
