/**
 * Carapace TLS: the PEM files of a TLS-protected Docker Engine, generated, read and checked. Exports
 * {@code dev.carapace.tls}, and {@code dev.carapace}: the root of every module's exceptions.
 * BouncyCastle never shows in its signatures, so it is a plain {@code requires}.
 */
module dev.carapace.tls {
  exports dev.carapace;
  exports dev.carapace.tls;
  // bounded reads of caller-given files, shared with core (not API)
  exports dev.carapace.tls.internal to dev.carapace.core;

  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;
  requires org.slf4j;
}
