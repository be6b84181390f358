package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.RawHttp;
import io.callvert.verticles.testkit.TestRuntime;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Slow and greedy clients cannot hold the own server's sockets (contract rule 47): the request read
 * deadline ({@code http.requestReadTimeoutMs}), the idle timeout ({@code http.idleTimeoutMs}) and the
 * per-client connection cap ({@code http.maxConnectionsPerClient}). Each test starts its own Callvert.
 */
class SlowClientsIT {

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Test
  @DisplayName("partial heads are closed after http.requestReadTimeoutMs, a late body gets 408 in the envelope, and a kept-alive connection trickling its next request is closed too")
  void read_deadline() throws Exception {
    try (TestRuntime rt = TestRuntime.start(o -> o.withHttp(o.http().withRequestReadTimeoutMs(300).withIdleTimeoutMs(0)))) {
      int port = rt.callvert.actualPort();
      List<Socket> partial = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket("127.0.0.1", port);
        send(s, "GET /health HTTP/1.1\r\nHos");
        partial.add(s);
      }
      for (Socket s : partial) {
        assertThat(RawHttp.closedWithin(s, 10_000)).isTrue();
        s.close();
      }
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);

      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        send(s, "POST /v1.0/communications/calls HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TestRuntime.TOKEN
            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\nclient-request-id: slow-1\r\n\r\n{\"a\":");
        RawHttp.Response r = RawHttp.read(s.getInputStream());
        HttpEdgeIT.assertEnvelope(r, 408, "slow-1");
        assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("requestTimeout");
        assertThat(RawHttp.closedWithin(s, 10_000)).isTrue();
      }

      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        send(s, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
        send(s, "GET /health HTTP/1.1\r\nHo"); // the next request never completes
        assertThat(RawHttp.closedWithin(s, 10_000)).isTrue();
      }

      // complete requests on one connection, back to back, are served
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        for (int i = 0; i < 20; i++) {
          send(s, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
          assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
        }
      }
    }
  }

  @Test
  @DisplayName("a connection with nothing read or written for http.idleTimeoutMs is closed")
  void idle_timeout() throws Exception {
    try (TestRuntime rt = TestRuntime.start(o -> o.withHttp(o.http().withRequestReadTimeoutMs(0).withIdleTimeoutMs(300)));
        Socket s = new Socket("127.0.0.1", rt.callvert.actualPort())) {
      s.setSoTimeout(10_000);
      send(s, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
      assertThat(RawHttp.closedWithin(s, 10_000)).isTrue();
    }
  }

  @Test
  @DisplayName("beyond http.maxConnectionsPerClient open connections from one address, a new one is closed unanswered; closing one makes room")
  void connection_cap() throws Exception {
    try (TestRuntime rt = TestRuntime.start(o -> o.withHttp(o.http().withMaxConnectionsPerClient(3)
        .withRequestReadTimeoutMs(0).withIdleTimeoutMs(0)))) {
      int port = rt.callvert.actualPort();
      List<Socket> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        send(s, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
        open.add(s);
      }
      try (Socket fourth = new Socket("127.0.0.1", port)) {
        fourth.setSoTimeout(10_000);
        send(fourth, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        RawHttp.Response refused = RawHttp.read(fourth.getInputStream());
        assertThat(refused.status()).isEqualTo(-1);
        assertThat(refused.closedByServer()).isTrue();
      }
      // the three still work
      for (Socket s : open) {
        send(s, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
      }
      // the server closes one (Connection: close); the count drops when it has seen the close: each
      // attempt below waits for the server's answer, none waits on a timer
      send(open.get(0), "GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertThat(RawHttp.read(open.get(0).getInputStream()).status()).isEqualTo(200);
      assertThat(RawHttp.closedWithin(open.get(0), 10_000)).isTrue();
      int status = -1;
      for (int attempt = 0; attempt < 100 && status != 200; attempt++) {
        status = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status();
      }
      assertThat(status).isEqualTo(200);
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
