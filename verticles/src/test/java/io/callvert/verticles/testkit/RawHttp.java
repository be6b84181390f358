package io.callvert.verticles.testkit;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Bytes on a plain socket, for requests no HTTP client would send (no {@code Host}, bad escapes, a
 * malformed head) and for clients that stop half-way. Blocking; reads until the server closes the
 * connection or a whole response (by {@code Content-Length}) has arrived.
 */
public final class RawHttp {

  private RawHttp() {}

  /** One response as read off the wire. */
  public record Response(int status, String head, String body, boolean closedByServer) {
    public String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** Sends {@code request} on a new connection and reads one response (10 s at most). */
  public static Response exchange(int port, String request) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return read(s.getInputStream());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads one response: its head, then Content-Length bytes (or up to the end of the stream). */
  public static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int headEnd = -1;
    while (headEnd < 0) {
      int b = in.read();
      if (b < 0) {
        return buf.size() == 0 ? new Response(-1, "", "", true) : parse(buf.toString(StandardCharsets.ISO_8859_1), "", true);
      }
      buf.write(b);
      byte[] a = buf.toByteArray();
      int n = a.length;
      if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
        headEnd = n;
      }
    }
    String head = buf.toString(StandardCharsets.ISO_8859_1);
    Response partial = parse(head, "", false);
    String length = partial.header("content-length");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean closed = false;
    if (length != null) {
      int want = Integer.parseInt(length);
      while (body.size() < want) {
        int b = in.read();
        if (b < 0) {
          closed = true;
          break;
        }
        body.write(b);
      }
    } else {
      int b;
      while ((b = in.read()) >= 0) {
        body.write(b);
      }
      closed = true;
    }
    return parse(head, body.toString(StandardCharsets.UTF_8), closed);
  }

  /** Whether the server closes the connection (end of stream) within {@code timeoutMs}, reading whatever it sends. */
  public static boolean closedWithin(Socket s, int timeoutMs) throws IOException {
    s.setSoTimeout(timeoutMs);
    byte[] sink = new byte[4096];
    try {
      while (s.getInputStream().read(sink) >= 0) {
        // what the server answered before closing
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static Response parse(String head, String body, boolean closed) {
    int status = -1;
    String[] first = head.split("\r\n", 2)[0].split(" ");
    if (first.length > 1 && first[0].contains("/")) { // the status line echoes the request's protocol (FOO/1.1 400)
      try {
        status = Integer.parseInt(first[1]);
      } catch (NumberFormatException e) {
        status = -1;
      }
    }
    return new Response(status, head, body, closed);
  }
}
