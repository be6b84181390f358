package io.callvert.verticles.it;

import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.CommsOperation;
import com.microsoft.graph.models.MediaInfo;
import com.microsoft.graph.models.MediaPrompt;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AuthenticationProvider;
import com.microsoft.kiota.serialization.JsonParseNodeFactory;
import io.callvert.verticles.testkit.TestRuntime;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The official Microsoft Graph Java SDK (v1.0, Kiota-based) pointed at a started Callvert.
 *
 * <p>What it takes: nothing special for the transport. The SDK accepts an {@code
 * http://127.0.0.1:port/v1.0} base URL, and a plain {@link AuthenticationProvider} adds the bearer
 * token (the Azure-identity token providers would refuse a non-https host other than localhost,
 * so they are not used).
 *
 * <p>One SDK defect matters: {@code OperationStatus.forValue} only knows the metadata member
 * names {@code NotStarted/Running/Completed/Failed}, while the Graph docs, the live service
 * (microsoftgraph/msgraph-sdk-java#2233, open) and Callvert (contract rule 3) send
 * {@code notStarted/running/completed/failed}; Kiota's JSON parse node matches enums
 * case-sensitively and cannot be configured otherwise (its child-node factory is private), so
 * {@code getStatus()} is null with the stock client. {@link #client} therefore adds the
 * workaround a bot needs against real Graph too: an OkHttp interceptor that re-cases
 * {@code "status"} values. {@link #stockClient} has no workaround.
 */
final class GraphSdkMediaSupport {

  private GraphSdkMediaSupport() {}

  private static AuthenticationProvider devToken() {
    return (request, context) -> request.headers.add("Authorization", "Bearer " + TestRuntime.TOKEN);
  }

  /** A Graph client for {@code rt} with the operationStatus casing workaround. */
  static GraphServiceClient client(TestRuntime rt) {
    GraphServiceClient graph = new GraphServiceClient(devToken(),
        GraphClientFactory.create().addInterceptor(GraphSdkMediaSupport::recaseStatus).build());
    graph.getRequestAdapter().setBaseUrl(rt.baseUrl + "/v1.0");
    return graph;
  }

  /** The SDK exactly as shipped, only pointed at {@code rt}. */
  static GraphServiceClient stockClient(TestRuntime rt) {
    GraphServiceClient graph = new GraphServiceClient(devToken());
    graph.getRequestAdapter().setBaseUrl(rt.baseUrl + "/v1.0");
    return graph;
  }

  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(notStarted|running|completed|failed)\"");

  /** Re-cases operationStatus values to the member names the Java SDK parses. */
  static String pascalStatus(String json) {
    return STATUS.matcher(json).replaceAll(m -> "\"status\":\"" + Character.toUpperCase(m.group(1).charAt(0)) + m.group(1).substring(1) + "\"");
  }

  private static Response recaseStatus(Interceptor.Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    ResponseBody body = response.body();
    MediaType type = body == null ? null : body.contentType();
    if (type == null || !type.subtype().equals("json")) {
      return response;
    }
    String fixed = pascalStatus(body.string());
    return response.newBuilder().body(ResponseBody.create(fixed, type)).build();
  }

  static MediaPrompt prompt(String uri, String resourceId) {
    MediaInfo info = new MediaInfo();
    info.setUri(uri);
    info.setResourceId(resourceId);
    MediaPrompt prompt = new MediaPrompt();
    prompt.setMediaInfo(info);
    return prompt;
  }

  /** Parses a notification's resourceData with the SDK's own models (and the same workaround), as a bot would. */
  static CommsOperation parseOperation(JsonObject resourceData) {
    byte[] json = pascalStatus(resourceData.encode()).getBytes(StandardCharsets.UTF_8);
    return new JsonParseNodeFactory()
        .getParseNode("application/json", new ByteArrayInputStream(json))
        .getObjectValue(CommsOperation::createFromDiscriminatorValue);
  }
}
