// Drives Callvert's ACS dialect with the official SDK, for AcsSdkIT. Protocol (JSON lines):
//   stdin  {"id":n,"op":"...",...}            one command
//   stdout {"ready":true,"callbackBase":url}  once, when the callback server listens
//          {"id":n,"ok":true,"result":...}    | {"id":n,"ok":false,"error":{statusCode,code,message}}
//          {"event":{kind,...},"path":"/cb/x"} every callback POST, parsed with parseCallAutomationEvent
//          {"incoming":{...},"path":"/incoming"} every POST to /incoming (Event Grid's IncomingCall: raw)
'use strict';
const http = require('node:http');
const readline = require('node:readline');
const {
  CallAutomationClient, parseCallAutomationEvent,
} = require('@azure/communication-call-automation');

const endpoint = process.argv[2];
const accessKey = process.argv[3];
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

// Repeatability headers a test forces, set after the SDK's own (they are not signed).
let forcedRepeat = null;
const repeatPolicy = {
  name: 'forcedRepeatability',
  sendRequest(req, next) {
    if (forcedRepeat && req.headers.has('Repeatability-Request-ID')) {
      req.headers.set('Repeatability-Request-ID', forcedRepeat.id);
      req.headers.set('Repeatability-First-Sent', forcedRepeat.firstSent);
    }
    return next(req);
  },
};
const options = {
  allowInsecureConnection: true,
  retryOptions: { maxRetries: 0 },
  additionalPolicies: [{ policy: repeatPolicy, position: 'perCall' }],
};
const client = new CallAutomationClient(`endpoint=${endpoint};accesskey=${accessKey}`, options);

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      if (req.url === '/incoming') {
        out({ incoming: JSON.parse(body), path: req.url });
      } else {
        out({ event: parseCallAutomationEvent(body), raw: JSON.parse(body), path: req.url });
      }
      res.writeHead(200).end();
    } catch (e) {
      out({ callbackError: String(e && e.message || e), body, path: req.url });
      res.writeHead(400).end();
    }
  });
});

const phone = (value) => ({ phoneNumber: value });
const file = (url) => ({ kind: 'fileSource', url });

async function run(cmd, callbackBase) {
  const cb = (p) => callbackBase + (p || '/cb');
  switch (cmd.op) {
    case 'create': {
      const r = await client.createCall({ targetParticipant: phone(cmd.target) }, cb(cmd.callbackPath),
        { operationContext: cmd.operationContext });
      return r.callConnectionProperties;
    }
    case 'createRepeated': {
      forcedRepeat = { id: cmd.requestId, firstSent: new Date().toUTCString() };
      try {
        const first = await client.createCall({ targetParticipant: phone(cmd.target) }, cb(cmd.callbackPath));
        const second = await client.createCall({ targetParticipant: phone(cmd.target) }, cb(cmd.callbackPath));
        return [first.callConnectionProperties, second.callConnectionProperties];
      } finally {
        forcedRepeat = null;
      }
    }
    case 'get':
      return client.getCallConnection(cmd.callId).getCallConnectionProperties();
    case 'play':
      await client.getCallConnection(cmd.callId).getCallMedia().playToAll([file(cmd.url)],
        { operationContext: cmd.operationContext, interruptCallMediaOperation: cmd.interrupt });
      return null;
    case 'recognize': {
      const o = {
        kind: 'callMediaRecognizeDtmfOptions',
        maxTonesToCollect: cmd.maxTones,
        stopDtmfTones: cmd.stopTones,
        interToneTimeoutInSeconds: cmd.interToneTimeout,
        initialSilenceTimeoutInSeconds: cmd.initialSilenceTimeout,
        interruptPrompt: cmd.interruptPrompt !== false,
        operationContext: cmd.operationContext,
      };
      if (cmd.promptUrl) o.playPrompt = file(cmd.promptUrl);
      await client.getCallConnection(cmd.callId).getCallMedia().startRecognizing(phone(cmd.caller), o);
      return null;
    }
    case 'cancelAll':
      await client.getCallConnection(cmd.callId).getCallMedia().cancelAllOperations();
      return null;
    case 'sendDtmf':
      return client.getCallConnection(cmd.callId).getCallMedia().sendDtmfTones(cmd.tones, phone(cmd.caller),
        { operationContext: cmd.operationContext });
    case 'startContinuous':
      await client.getCallConnection(cmd.callId).getCallMedia().startContinuousDtmfRecognition(phone(cmd.caller));
      return null;
    case 'stopContinuous':
      await client.getCallConnection(cmd.callId).getCallMedia().stopContinuousDtmfRecognition(phone(cmd.caller),
        { operationContext: cmd.operationContext });
      return null;
    case 'hangUp':
      await client.getCallConnection(cmd.callId).hangUp(!!cmd.forEveryone);
      return null;
    case 'answer': {
      const r = await client.answerCall(cmd.incomingCallContext, cb(cmd.callbackPath),
        { operationContext: cmd.operationContext });
      return r.callConnectionProperties;
    }
    case 'reject':
      await client.rejectCall(cmd.incomingCallContext, { callRejectReason: cmd.reason });
      return null;
    case 'badKey': {
      const wrong = new CallAutomationClient(`endpoint=${endpoint};accesskey=${Buffer.from('not-the-key').toString('base64')}`,
        { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } });
      return wrong.createCall({ targetParticipant: phone(cmd.target) }, cb());
    }
    default:
      throw new Error('unknown op ' + cmd.op);
  }
}

server.listen(0, '127.0.0.1', () => {
  const callbackBase = `http://127.0.0.1:${server.address().port}`;
  out({ ready: true, callbackBase });
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const cmd = JSON.parse(line);
    run(cmd, callbackBase).then(
      (result) => out({ id: cmd.id, ok: true, result: result === undefined ? null : result }),
      (e) => out({ id: cmd.id, ok: false,
        error: { statusCode: e.statusCode, code: e.code, message: String(e.message || e) } }));
  });
  rl.on('close', () => server.close(() => process.exit(0)));
});
