package io.callvert.verticles.ui;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.audio.Wav;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which {@code .ci/run} installs)
 * driven by Selenium, for one test class: a fresh profile, no network of its own, and a fake microphone that plays
 * {@link #MIC_WAV_SPEECH_MS} ms of the project's synthetic speech followed by silence, looped. Waits are Selenium's
 * explicit waits on a condition, polled every 20 ms; nothing sleeps.
 *
 * <p>Screenshots go to {@code target/ui-screenshots}; with {@code -Dcallvert.ui.screenshots=<dir>} to that
 * directory instead (docs/ui.md: how the README's images are regenerated).
 */
final class Browser implements AutoCloseable {

  static final String CHROMIUM = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";
  /** The fake microphone: this much speech, then {@link #MIC_WAV_SILENCE_MS} of silence, looped by Chromium. */
  static final int MIC_WAV_SPEECH_MS = 1_500;
  static final int MIC_WAV_SILENCE_MS = 3_000;

  final WebDriver driver;
  private final Path profile;

  private Browser(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  static Browser start() {
    if (!new File(CHROMIUM).canExecute() || !new File(DRIVER).canExecute()) {
      throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver ("
          + CHROMIUM + ", " + DRIVER + "): apt-get install -y chromium chromium-driver (.ci/run does)");
    }
    try {
      Path profile = Files.createTempDirectory("callvert-chromium-");
      Path wav = profile.resolve("mic.wav");
      Files.write(wav, micSpeech());
      ChromeOptions o = new ChromeOptions();
      o.setBinary(CHROMIUM);
      o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--user-data-dir=" + profile.resolve("profile"), "--window-size=1400,900",
          "--autoplay-policy=no-user-gesture-required",
          "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
          "--use-file-for-fake-audio-capture=" + wav);
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
          .usingAnyFreePort().build();
      return new Browser(new ChromeDriver(service, o), profile);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fake microphone's WAV: synthetic speech, then silence (16 kHz mono PCM). */
  static byte[] micSpeech() {
    Clip speech = Tones.speech(MIC_WAV_SPEECH_MS, 12);
    short[] all = new short[(MIC_WAV_SPEECH_MS + MIC_WAV_SILENCE_MS) * Clip.SAMPLES_PER_MS];
    for (int i = 0; i < speech.length(); i++) {
      all[i] = speech.sample(i);
    }
    return Wav.encode(Clip.of(all));
  }

  void open(String url) {
    driver.get(url);
  }

  WebDriverWait waitUpTo(Duration d) {
    WebDriverWait w = new WebDriverWait(driver, d);
    w.pollingEvery(Duration.ofMillis(20));
    w.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // pushed rows are replaced, not edited
    return w;
  }

  <T> T until(Duration d, Function<WebDriver, T> condition) {
    return waitUpTo(d).until(condition);
  }

  /** Clicks {@code css}, finding it again if a push replaced it in between (rows are replaced, not edited). */
  void click(String css) {
    until(Duration.ofSeconds(10), d -> {
      d.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Saves a PNG of the page as it is now; returns where. */
  Path screenshot(String name) {
    String dir = System.getProperty("callvert.ui.screenshots", "target/ui-screenshots");
    try {
      Path out = Path.of(dir).resolve(name + ".png");
      Files.createDirectories(out.getParent());
      Files.write(out, ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir
      }
    }
  }
}
