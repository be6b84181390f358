// Audio worklets of the softphone. The call's audio is PCM 16-bit mono at 16 kHz in 20 ms frames (640 bytes);
// the audio context runs at the device's rate (`sampleRate`, e.g. 48 kHz), so both directions are resampled here.
'use strict';

const CALL_RATE = 16000;
const FRAME = 320; // samples per 20 ms frame

/** Plays the frames the server sends, resampled to the context's rate, after a small jitter buffer. */
class CallvertPlayer extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frames = [];          // Int16Array frames waiting
    this.current = null;       // the frame being read
    this.index = 0;            // read position in `current` (fractional, in call samples)
    this.last = 0;             // the previous call sample, for interpolation across frames
    this.playing = false;
    this.step = CALL_RATE / sampleRate;
    this.port.onmessage = e => {
      this.frames.push(new Int16Array(e.data));
      if (this.frames.length > 50) this.frames.shift(); // never more than 1 s behind
    };
  }

  next() {
    if (this.current && this.index < this.current.length) return true;
    if (this.current) { this.index -= this.current.length; }
    this.current = this.frames.shift() || null;
    return this.current !== null;
  }

  process(inputs, outputs) {
    const out = outputs[0][0];
    if (!this.playing && this.frames.length >= 3) this.playing = true; // 60 ms buffered
    for (let i = 0; i < out.length; i++) {
      if (!this.playing || !this.next()) {
        out[i] = 0;
        this.playing = false;
        continue;
      }
      const k = Math.floor(this.index);
      const frac = this.index - k;
      const a = k === 0 ? this.last : this.current[k - 1];
      const b = this.current[k];
      out[i] = (a + (b - a) * frac) / 32768;
      this.index += this.step;
      if (this.index >= this.current.length) this.last = this.current[this.current.length - 1];
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    return true;
  }
}

/** Captures the microphone: low-passed, resampled to 16 kHz, posted as 640-byte frames. */
class CallvertCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / CALL_RATE;  // input samples per output sample
    this.width = Math.max(1, Math.round(this.step));
    this.history = new Float32Array(this.width); // moving average over one output period (anti-aliasing)
    this.h = 0;
    this.sum = 0;
    this.pos = 0;                         // next output position, in input samples since the last block
    this.prev = 0;                        // the previous filtered input sample
    this.frame = new Int16Array(FRAME);
    this.n = 0;
    this.peak = 0;
  }

  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    for (let i = 0; i < input.length; i++) {
      this.sum += input[i] - this.history[this.h];
      this.history[this.h] = input[i];
      this.h = (this.h + 1) % this.width;
      const filtered = this.sum / this.width;
      // emit every output sample that falls between the previous input sample (i - 1) and this one (i)
      while (this.pos <= i) {
        const frac = this.pos - (i - 1);
        const v = this.prev + (filtered - this.prev) * frac;
        const s = Math.max(-1, Math.min(1, v));
        this.frame[this.n++] = s < 0 ? s * 32768 : s * 32767;
        this.peak = Math.max(this.peak, Math.abs(s));
        if (this.n === FRAME) {
          const bytes = this.frame.buffer.slice(0);
          this.port.postMessage({ frame: bytes, peak: this.peak }, [bytes]);
          this.n = 0;
          this.peak = 0;
        }
        this.pos += this.step;
      }
      this.prev = filtered;
    }
    this.pos -= input.length;
    return true;
  }
}

registerProcessor('callvert-player', CallvertPlayer);
registerProcessor('callvert-capture', CallvertCapture);
