package io.callvert.verticles.embed;

import io.callvert.verticles.testkit.TestRuntime;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain JDK HTTP client for absolute URLs, speaking to a host or to Callvert like any bot. */
final class EmbedHttp {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestRuntime.Resp get(String url) {
    return send(authorized(url).GET());
  }

  TestRuntime.Resp get(String url, String bearer) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer).GET());
  }

  TestRuntime.Resp post(String url, JsonObject body) {
    return send(authorized(url).header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  TestRuntime.Resp delete(String url) {
    return send(authorized(url).DELETE());
  }

  TestRuntime.Resp send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
      return new TestRuntime.Resp(r.statusCode(), r.headers(), r.body());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url));
  }

  private static HttpRequest.Builder authorized(String url) {
    return request(url).header("Authorization", "Bearer " + TestRuntime.TOKEN);
  }
}
