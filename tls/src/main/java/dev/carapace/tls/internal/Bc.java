package dev.carapace.tls.internal;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one BouncyCastle JCA provider instance of this module, created lazily and passed explicitly
 * where needed. It is never registered with {@code Security.addProvider}, so the process-wide
 * provider list is left as the application configured it.
 */
public final class Bc {
  private Bc() {}

  private static final class Holder {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  /** Returns the shared, unregistered BouncyCastle provider. */
  public static Provider provider() {
    return Holder.PROVIDER;
  }
}
