package dev.carapace.tls.internal;

import java.util.Objects;
import java.util.function.Function;

/**
 * Hands TLS material, whole (its private key included), from a JVM to the child process that must
 * reach the same engine after that JVM is gone: core's reaper. The material's class installs the two
 * conversions when it is initialised; they are typed {@code Object} here so that this package never
 * refers back to the root package. The bytes hold a private key: they only ever travel through a pipe
 * to a child process, never to a file, a log or a message.
 */
public final class MaterialWire {
  private static volatile Function<Object, byte[]> encoder;
  private static volatile Function<byte[], Object> decoder;

  private MaterialWire() {}

  /** Called once, by the material class's static initialiser. */
  public static void install(Function<Object, byte[]> encode, Function<byte[], Object> decode) {
    if (encoder != null) {
      throw new IllegalStateException("material wire is installed already");
    }
    decoder = Objects.requireNonNull(decode, "decode");
    encoder = Objects.requireNonNull(encode, "encode");
  }

  /** The wire form of {@code material}, a {@code DockerTlsMaterial}. */
  public static byte[] encode(Object material) {
    return encoder.apply(material); // the material exists, so its class installed the conversions
  }

  /**
   * The {@code DockerTlsMaterial} whose wire form is {@code wire}.
   *
   * @throws IllegalArgumentException when {@code wire} is not such a form
   */
  public static Object decode(byte[] wire) {
    if (decoder == null) {
      try {
        Class.forName("dev.carapace.tls.DockerTlsMaterial", true, MaterialWire.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return decoder.apply(wire);
  }
}
