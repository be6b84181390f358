package io.callvert.verticles.it;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The official ACS JS SDK ({@code @azure/communication-call-automation} 1.6.0, {@code src/test/acs-sdk}) run by Node
 * as one child process for a whole test class: the test sends it commands (SDK calls) as JSON lines and gets their
 * results; the callback events its loopback server receives, parsed with {@code parseCallAutomationEvent}, arrive as
 * lines too. Installs the SDK with {@code npm ci} when {@code node_modules} is missing. Every wait is on a future
 * completed by a line from Node, bounded by a timeout.
 */
final class AcsSdkDriver implements AutoCloseable {

  static final File PROJECT = new File("src/test/acs-sdk");
  private static final long TIMEOUT_S = 20;

  /** A failed SDK call: the RestError's status, code and message. */
  static final class SdkError extends RuntimeException {
    final Integer statusCode;
    final String code;

    SdkError(JsonObject e) {
      super(e.getString("message"));
      this.statusCode = e.getInteger("statusCode");
      this.code = e.getString("code");
    }
  }

  private final Process node;
  private final Writer stdin;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<JsonObject> callbacks = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final CompletableFuture<String> ready = new CompletableFuture<>();
  final String callbackBase;

  private record Waiter(Predicate<JsonObject> p, CompletableFuture<JsonObject> f) {}

  AcsSdkDriver(String endpoint, String accessKey) throws Exception {
    installSdk();
    // never the test JVM's own stdio: surefire talks to its fork over stdin/stdout, and node makes inherited
    // descriptors non-blocking ("std/in stream corrupted"); node's stderr goes to a file in target/
    node = new ProcessBuilder("node", "driver.js", endpoint, accessKey).directory(PROJECT)
        .redirectError(ProcessBuilder.Redirect.appendTo(log("node"))).start();
    stdin = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::read, "acs-sdk-stdout");
    reader.setDaemon(true);
    reader.start();
    callbackBase = ready.get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** {@code npm ci} from the committed lock file, once per machine (what {@code .ci/run} also does). */
  static synchronized void installSdk() throws IOException, InterruptedException {
    if (new File(PROJECT, "node_modules/@azure/communication-call-automation").isDirectory()) {
      return;
    }
    File log = log("npm-ci");
    Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(PROJECT)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).redirectErrorStream(true).start();
    if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
      npm.destroyForcibly();
      throw new IllegalStateException("npm ci in " + PROJECT + " failed; its output: " + log);
    }
  }

  /** A log file of a child process under the module's target/ directory. */
  private static File log(String name) {
    File dir = new File(PROJECT, "../../../target");
    dir.mkdirs();
    return new File(dir, "acs-sdk-" + name + ".log");
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonObject o = new JsonObject(line);
        if (o.containsKey("ready")) {
          ready.complete(o.getString("callbackBase"));
        } else if (o.containsKey("id")) {
          CompletableFuture<JsonObject> f = pending.remove(o.getInteger("id"));
          if (f != null) {
            f.complete(o);
          }
        } else {
          synchronized (this) {
            callbacks.add(o);
            waiters.removeIf(w -> w.p().test(o) && w.f().complete(o));
          }
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  /** Runs one SDK call; its result (null for none), or the SDK's error as {@link SdkError}. */
  Object call(JsonObject command) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    try {
      synchronized (stdin) {
        stdin.write(command.copy().put("id", id).encode() + "\n");
        stdin.flush();
      }
      JsonObject answer = f.get(TIMEOUT_S, TimeUnit.SECONDS);
      if (!answer.getBoolean("ok")) {
        throw new SdkError(answer.getJsonObject("error"));
      }
      return answer.getValue("result");
    } catch (SdkError e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("SDK call " + command + " got no answer: " + e, e);
    }
  }

  JsonObject callObject(JsonObject command) {
    return (JsonObject) call(command);
  }

  /** The SDK's error for a call that must fail. */
  SdkError failure(JsonObject command) {
    try {
      call(command);
    } catch (SdkError e) {
      return e;
    }
    throw new AssertionError("SDK call " + command + " succeeded");
  }

  /** The first callback line (past or future) matching {@code p}. */
  JsonObject await(Predicate<JsonObject> p) {
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    synchronized (this) {
      for (JsonObject o : callbacks) {
        if (p.test(o)) {
          return o;
        }
      }
      waiters.add(new Waiter(p, f));
    }
    try {
      return f.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no callback matched; received: " + callbacks(), e);
    }
  }

  /** The parsed event of kind {@code kind} for call {@code callId}. */
  JsonObject awaitEvent(String callId, String kind) {
    return await(o -> o.getJsonObject("event") != null && kind.equals(o.getJsonObject("event").getString("kind"))
        && callId.equals(o.getJsonObject("event").getString("callConnectionId"))).getJsonObject("event");
  }

  /** Parsed events of call {@code callId} received so far, in arrival order. */
  synchronized List<JsonObject> events(String callId) {
    return callbacks.stream().map(o -> o.getJsonObject("event"))
        .filter(e -> e != null && callId.equals(e.getString("callConnectionId"))).toList();
  }

  synchronized List<JsonObject> callbacks() {
    return List.copyOf(callbacks);
  }

  @Override
  public void close() throws Exception {
    stdin.close(); // the driver exits when its input ends
    if (!node.waitFor(10, TimeUnit.SECONDS)) {
      node.destroyForcibly();
    }
  }
}
