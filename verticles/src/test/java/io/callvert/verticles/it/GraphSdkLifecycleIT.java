package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.microsoft.graph.communications.calls.item.answer.AnswerPostRequestBody;
import com.microsoft.graph.communications.calls.item.redirect.RedirectPostRequestBody;
import com.microsoft.graph.communications.calls.item.reject.RejectPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallDirection;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.MediaState;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.ParticipantInfo;
import com.microsoft.graph.models.RejectReason;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.AuthenticationProvider;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.callvert.verticles.testkit.Wire;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The official Microsoft Graph Java SDK (6.x, kiota-based) drives the call lifecycle against
 * Callvert: its requests are accepted, its parser reads Callvert's responses (calls, enums, error
 * envelopes), and the notifications arrive. The SDK talks plain {@code http://127.0.0.1}: an
 * {@link AuthenticationProvider} that adds the bearer header has no host or scheme checks (only the
 * Azure-identity token provider insists on https and allowed hosts), and the base URL is set on the
 * request adapter.
 */
@CallvertTest
class GraphSdkLifecycleIT {

  static final String TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  static final String BOT_APP = "6f1e1b2a-1111-4222-8333-944455556666";

  /** Made once for the class's Callvert. */
  static GraphServiceClient graph;

  private final TestRuntime rt;
  private final WebhookReceiver bot;

  GraphSdkLifecycleIT(TestRuntime rt, WebhookReceiver bot) {
    this.rt = rt;
    this.bot = bot;
  }

  @BeforeAll
  static void client(TestRuntime rt) {
    AuthenticationProvider devToken = (request, context) -> request.headers.add("Authorization", "Bearer " + TestRuntime.TOKEN);
    graph = new GraphServiceClient(devToken);
    graph.getRequestAdapter().setBaseUrl(rt.baseUrl + "/v1.0");
  }

  static Identity identity(String id, String displayName) {
    Identity i = new Identity();
    i.setId(id);
    i.setDisplayName(displayName);
    return i;
  }

  static InvitationParticipantInfo userTarget(String userId) {
    IdentitySet set = new IdentitySet();
    set.setUser(identity(userId, "Callee"));
    InvitationParticipantInfo target = new InvitationParticipantInfo();
    target.setIdentity(set);
    return target;
  }

  @Test
  @DisplayName("SDK: create (201 parsed: id, state, direction, source), notifications arrive, get established, keepAlive, delete, get terminated with resultInfo 200/7000")
  void outgoing_call_with_sdk() {
    Call request = new Call();
    request.setCallbackUri(bot.url("/sdk"));
    request.setTenantId(TENANT);
    ParticipantInfo source = new ParticipantInfo();
    IdentitySet sourceIdentity = new IdentitySet();
    sourceIdentity.setApplication(identity(BOT_APP, "SDK bot"));
    source.setIdentity(sourceIdentity);
    request.setSource(source);
    request.setTargets(List.of(userTarget("8d3a5c8e-1234-4abc-9def-0123456789ab")));
    request.setRequestedModalities(List.of(Modality.Audio));
    request.setMediaConfig(new ServiceHostedMediaConfig());

    Call created = graph.communications().calls().post(request);
    String id = created.getId();
    assertThat(id).matches(Wire.GUID);
    assertThat(created.getOdataType()).isEqualTo("#microsoft.graph.call");
    assertThat(created.getState()).isEqualTo(CallState.Establishing);
    assertThat(created.getDirection()).isEqualTo(CallDirection.Outgoing);
    assertThat(created.getCallbackUri()).isEqualTo(bot.url("/sdk"));
    assertThat(created.getTenantId()).isEqualTo(TENANT);
    assertThat(created.getSource().getIdentity().getApplication().getId()).isEqualTo(BOT_APP);
    assertThat(created.getTargets()).hasSize(1);
    assertThat(created.getTargets().get(0).getIdentity().getUser().getId()).isEqualTo("8d3a5c8e-1234-4abc-9def-0123456789ab");
    assertThat(created.getRequestedModalities()).containsExactly(Modality.Audio);
    assertThat(created.getMediaConfig()).isInstanceOf(ServiceHostedMediaConfig.class);

    assertThat(bot.await(id, 1).get(0).body()).isEqualTo(Wire.callState(id, "establishing"));
    rt.advance(500);
    assertThat(bot.await(id, 2).get(1).body()).isEqualTo(Wire.callState(id, "established"));

    Call got = graph.communications().calls().byCallId(id).get();
    assertThat(got.getState()).isEqualTo(CallState.Established);
    assertThat(got.getMediaState().getAudio()).isEqualTo(MediaState.Active);
    assertThat(got.getCallChainId()).isEqualTo(created.getCallChainId());

    graph.communications().calls().byCallId(id).keepAlive().post();
    graph.communications().calls().byCallId(id).delete();

    List<Received> all = bot.await(id, 4);
    assertThat(all.get(2).body()).isEqualTo(Wire.callState(id, "terminating"));
    assertThat(all.get(3).resourceData().getString("state")).isEqualTo("terminated");

    Call ended = graph.communications().calls().byCallId(id).get();
    assertThat(ended.getState()).isEqualTo(CallState.Terminated);
    assertThat(ended.getResultInfo().getCode()).isEqualTo(200);
    assertThat(ended.getResultInfo().getSubcode()).isEqualTo(7000);

    ODataError gone = catchThrowableOfType(ODataError.class, () -> graph.communications().calls().byCallId(id).keepAlive().post());
    assertThat(gone.getResponseStatusCode()).isEqualTo(404);
    assertThat(gone.getError().getCode()).isEqualTo("8522");
    assertThat(gone.getError().getMessage()).isEqualTo("Call not found.");
  }

  @Test
  @DisplayName("SDK: answer an incoming call created via /callvert/calls (202), notifications arrive at the answer's callbackUri, get shows established")
  void answer_incoming_with_sdk() {
    String id = rt.createIncomingCall(bot.url("/sdk-incoming"));
    assertThat(bot.await(id, 1).get(0).changeType()).isEqualTo("created");
    Call incoming = graph.communications().calls().byCallId(id).get();
    assertThat(incoming.getState()).isEqualTo(CallState.Incoming);
    assertThat(incoming.getDirection()).isEqualTo(CallDirection.Incoming);

    AnswerPostRequestBody answer = new AnswerPostRequestBody();
    answer.setCallbackUri(bot.url("/sdk-answered"));
    answer.setAcceptedModalities(List.of(Modality.Audio));
    answer.setMediaConfig(new ServiceHostedMediaConfig());
    graph.communications().calls().byCallId(id).answer().post(answer);

    List<Received> up = bot.await(id, 3);
    assertThat(up.get(1).body()).isEqualTo(Wire.callState(id, "establishing"));
    assertThat(up.get(2).body()).isEqualTo(Wire.callState(id, "established"));
    assertThat(up.get(2).path()).isEqualTo("/sdk-answered");
    assertThat(graph.communications().calls().byCallId(id).get().getState()).isEqualTo(CallState.Established);
    graph.communications().calls().byCallId(id).delete();
    bot.awaitOne(id, r -> r.changeType().equals("deleted"));
  }

  @Test
  @DisplayName("SDK: reject (reason busy) and redirect incoming calls (202); each ends with a terminated notification")
  void reject_and_redirect_with_sdk() {
    String rejected = rt.createIncomingCall(bot.url());
    bot.await(rejected, 1);
    RejectPostRequestBody reject = new RejectPostRequestBody();
    reject.setReason(RejectReason.Busy);
    graph.communications().calls().byCallId(rejected).reject().post(reject);
    Received end = bot.await(rejected, 2).get(1);
    assertThat(end.resourceData().getString("state")).isEqualTo("terminated");
    assertThat(end.resourceData().getJsonObject("resultInfo").getInteger("code")).isEqualTo(486);
    assertThat(graph.communications().calls().byCallId(rejected).get().getState()).isEqualTo(CallState.Terminated);

    String redirected = rt.createIncomingCall(bot.url());
    bot.await(redirected, 1);
    RedirectPostRequestBody redirect = new RedirectPostRequestBody();
    redirect.setTargets(List.of(userTarget("8d3a5c8e-1234-4abc-9def-0123456789ab")));
    redirect.setTimeout(30);
    graph.communications().calls().byCallId(redirected).redirect().post(redirect);
    assertThat(bot.await(redirected, 2).get(1).resourceData().getString("state")).isEqualTo("terminated");
  }

  @Test
  @DisplayName("SDK with kiota's BaseBearerTokenAuthenticationProvider and an AccessTokenProvider allowing 127.0.0.1 over http works too")
  void bearer_token_provider_over_http() {
    AllowedHostsValidator hosts = new AllowedHostsValidator("127.0.0.1");
    AccessTokenProvider tokens = new AccessTokenProvider() {
      @Override
      public String getAuthorizationToken(java.net.URI uri, java.util.Map<String, Object> context) {
        return hosts.isUrlHostValid(uri) ? TestRuntime.TOKEN : "";
      }

      @Override
      public AllowedHostsValidator getAllowedHostsValidator() {
        return hosts;
      }
    };
    GraphServiceClient client = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens));
    client.getRequestAdapter().setBaseUrl(rt.baseUrl + "/beta");
    String id = rt.createIncomingCall(bot.url());
    bot.await(id, 1);
    Call call = client.communications().calls().byCallId(id).get();
    assertThat(call.getId()).isEqualTo(id);
    assertThat(call.getState()).isEqualTo(CallState.Incoming);
    client.communications().calls().byCallId(id).delete();
    bot.awaitOne(id, r -> r.changeType().equals("deleted"));
  }

  @Test
  @DisplayName("SDK: Callvert's error envelope parses as ODataError (code, message, innerError request-id, client-request-id and date)")
  void errors_parse_with_sdk() {
    ODataError e = catchThrowableOfType(ODataError.class,
        () -> graph.communications().calls().byCallId(UUID.randomUUID().toString()).get());
    assertThat(e.getResponseStatusCode()).isEqualTo(404);
    assertThat(e.getError().getCode()).isEqualTo("8522");
    assertThat(e.getError().getMessage()).isEqualTo("Call not found.");
    assertThat(e.getError().getInnerError().getRequestId()).matches(Wire.GUID);
    assertThat(e.getError().getInnerError().getClientRequestId()).isNotBlank(); // the SDK sends one
    assertThat(e.getError().getInnerError().getDate()).isNotNull();

    String outgoing = rt.createOutgoingCall(bot.url());
    AnswerPostRequestBody answer = new AnswerPostRequestBody();
    answer.setAcceptedModalities(List.of(Modality.Audio));
    answer.setMediaConfig(new ServiceHostedMediaConfig());
    ODataError state = catchThrowableOfType(ODataError.class,
        () -> graph.communications().calls().byCallId(outgoing).answer().post(answer));
    assertThat(state.getResponseStatusCode()).isEqualTo(400);
    assertThat(state.getError().getCode()).isEqualTo("invalidRequest");
    assertThat(state.getError().getMessage()).contains("outgoing");
    graph.communications().calls().byCallId(outgoing).delete();
  }
}
