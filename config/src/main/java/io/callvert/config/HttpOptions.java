package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * HTTP API server settings (JSON object {@code http}).
 *
 * @param enabled {@code true}: open Callvert's own HTTP server; {@code false}: embedder mounts the router itself
 * @param host interface to bind, default {@code 127.0.0.1}
 * @param port port to bind, default {@code 8080}; {@code 0} picks a random free port
 * @param publicBaseUrl nullable external base URL (e.g. {@code https://calls.example.com}) of every absolute URL
 *     Callvert writes; unset, the local address of the request's connection is used, never its {@code Host} header
 *     (contract rule 46); trailing '/' removed
 * @param maxBodyBytes maximum request body size, default 1 MiB
 * @param requestTimeoutMs per-request timeout, default 10 s
 * @param serverInstances how many event loops serve HTTP (one server instance each, sharing the port), default 0 =
 *     one per event loop of Vert.x's default pool (2 × available processors)
 * @param requestReadTimeoutMs how long the own server waits for a request's head and whole body, from the connection's
 *     first bytes or the previous response on a kept-alive connection; beyond it the connection is closed (contract
 *     rule 47), default 10 s; 0 = no limit
 * @param idleTimeoutMs an own-server connection with nothing read or written for this long is closed, default 60 s;
 *     0 = never
 * @param maxConnectionsPerClient most open own-server connections from one remote address; a new one beyond it is
 *     closed at once, default 256; 0 = no limit
 */
public record HttpOptions(boolean enabled, String host, int port, String publicBaseUrl, long maxBodyBytes,
    long requestTimeoutMs, int serverInstances, long requestReadTimeoutMs, long idleTimeoutMs,
    int maxConnectionsPerClient) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1_048_576L;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000L;
  public static final int DEFAULT_SERVER_INSTANCES = 0;
  public static final long DEFAULT_REQUEST_READ_TIMEOUT_MS = 10_000L;
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000L;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** Validates; a {@code null} host means the default. */
  public HttpOptions {
    host = host == null ? DEFAULT_HOST : Check.host("http.host", host);
    Check.port("http.port", port);
    publicBaseUrl = Check.baseUrl("http.publicBaseUrl", publicBaseUrl);
    Check.positive("http.maxBodyBytes", maxBodyBytes);
    Check.positive("http.requestTimeoutMs", requestTimeoutMs);
    if (serverInstances < 0 || serverInstances > 64) {
      throw new ConfigException("http.serverInstances", "must be 0 (one per event loop) to 64, got " + serverInstances);
    }
    Check.nonNegative("http.requestReadTimeoutMs", requestReadTimeoutMs);
    Check.nonNegative("http.idleTimeoutMs", idleTimeoutMs);
    Check.nonNegative("http.maxConnectionsPerClient", maxConnectionsPerClient);
  }

  /**
   * The number of HTTP server instances to run: {@link #serverInstances()}, or one per event loop of
   * Vert.x's default pool, so that every loop a call verticle may be deployed on also serves HTTP
   * and is never woken from idle for a call's command (measured: docs/benchmarks.md).
   */
  public int effectiveServerInstances() {
    return serverInstances > 0 ? serverInstances : Math.max(1, io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
  }

  public static HttpOptions defaults() {
    return new HttpOptions(DEFAULT_ENABLED, DEFAULT_HOST, DEFAULT_PORT, null, DEFAULT_MAX_BODY_BYTES,
        DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SERVER_INSTANCES, DEFAULT_REQUEST_READ_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS,
        DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
  }

  /**
   * Whether {@link #host()} is a loopback interface ({@code localhost}, {@code *.localhost}, {@code 127.0.0.0/8},
   * {@code ::1}). Decided without DNS; {@code 0.0.0.0} is not loopback.
   */
  @JsonIgnore
  public boolean isLoopback() {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (IPV4.matcher(h).matches() || h.contains(":")) {
      try {
        return InetAddress.getByName(h).isLoopbackAddress(); // IP literal: no name resolution
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  public HttpOptions withEnabled(boolean enabled) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withHost(String host) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withPort(int port) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withPublicBaseUrl(String publicBaseUrl) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withMaxBodyBytes(long maxBodyBytes) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withRequestTimeoutMs(long requestTimeoutMs) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withServerInstances(int serverInstances) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withRequestReadTimeoutMs(long requestReadTimeoutMs) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withIdleTimeoutMs(long idleTimeoutMs) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }

  public HttpOptions withMaxConnectionsPerClient(int maxConnectionsPerClient) {
    return new HttpOptions(enabled, host, port, publicBaseUrl, maxBodyBytes, requestTimeoutMs, serverInstances,
        requestReadTimeoutMs, idleTimeoutMs, maxConnectionsPerClient);
  }
}
