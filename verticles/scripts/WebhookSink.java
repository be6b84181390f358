import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in bot for scripts: {@code java WebhookSink.java PORT}. Accepts notifications on any POST
 * path (202), lists them at GET /received (one JSON body per line, with the arrival time in ms),
 * and serves a 30 s, 16 kHz mono PCM16 prompt at GET /prompt.wav. JDK only, no build needed.
 */
public class WebhookSink {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    List<String> received = new ArrayList<>();
    byte[] wav = wav(30_000);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", ex -> {
      byte[] out = new byte[0];
      int status = 202;
      if (ex.getRequestMethod().equals("POST")) {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        synchronized (received) {
          received.add(System.currentTimeMillis() + " " + body.replace('\n', ' '));
        }
      } else if (ex.getRequestURI().getPath().equals("/prompt.wav")) {
        status = 200;
        out = wav;
      } else {
        status = 200;
        synchronized (received) {
          out = (String.join("\n", received) + "\n").getBytes(StandardCharsets.UTF_8);
        }
      }
      ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
    System.out.println("webhook sink on http://127.0.0.1:" + port);
  }

  static byte[] wav(int ms) {
    int n = ms * 16;
    ByteBuffer b = ByteBuffer.allocate(44 + n * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + n * 2).put("WAVE".getBytes()).put("fmt ".getBytes())
        .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000)
        .putShort((short) 2).putShort((short) 16).put("data".getBytes()).putInt(n * 2);
    for (int i = 0; i < n; i++) {
      b.putShort((short) (6000 * Math.sin(2 * Math.PI * 440 * i / 16000.0)));
    }
    return b.array();
  }
}
