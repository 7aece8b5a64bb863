package dev.carapace.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.DockerException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.junit.jupiter.api.Test;

class DaemonErrorsTest {
  @Test
  void aRefusedConnectionIsNotADrop() {
    RuntimeException refused = new UncheckedIOException(new HttpHostConnectException("Connection refused"));
    assertTrue(DaemonErrors.isConnectionRefused(refused));
    assertFalse(DaemonErrors.isConnectionDropped(refused));
    assertFalse(DaemonErrors.isConnectionDropped(new UncheckedIOException(new ConnectException("Connection refused"))));
  }

  @Test
  void aResetOrBrokenPipeIsADrop() {
    for (String message : new String[] {"Broken pipe", "Connection reset", "Connection reset by peer"}) {
      RuntimeException dropped = new UncheckedIOException(new SocketException(message));
      assertTrue(DaemonErrors.isConnectionDropped(dropped), message);
      assertFalse(DaemonErrors.isConnectionRefused(dropped), message);
    }
  }

  @Test
  void readsTheEnginesPlainTextAnswerToPlainHttpOnItsTlsPort() {
    // what Go's net/http answers on a TLS port: a text body, no JSON
    DockerException e = new DockerException(DaemonErrors.PLAIN_HTTP_TO_TLS + "\n", 400);
    assertEquals(DaemonErrors.PLAIN_HTTP_TO_TLS, DaemonErrors.daemonMessage(e));
  }
}
