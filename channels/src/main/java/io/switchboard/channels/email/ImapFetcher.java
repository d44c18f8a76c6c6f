package io.switchboard.channels.email;

import io.switchboard.channels.core.AdapterContext;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.FlagTerm;
import java.io.ByteArrayOutputStream;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches an email channel's mailbox kept at a provider (Angus Mail IMAP) on a worker thread of
 * its own: every unseen mail goes through the same path as SMTP mail and is marked seen once the
 * core committed it (a crash in between fetches it again; its Message-ID makes that a duplicate).
 * Then it waits with IDLE where the server has it, else polls every SWITCHBOARD_IMAP_POLL_SECONDS
 * (60). A lost connection is opened again with backoff.
 */
final class ImapFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(ImapFetcher.class);
  /** Mails fetched per round: a full mailbox is taken in turns, not all in memory at once. */
  static final int BATCH = 50;
  static final int MAX_SIZE = SmtpListener.MAX_SIZE;

  private static final java.util.concurrent.atomic.AtomicLong STARTED = new java.util.concurrent.atomic.AtomicLong();

  private final AdapterContext ctx;
  private final EmailSettings.Imap imap;
  private final EmailAdapter adapter;
  private final long pollMs;
  private volatile boolean stopped;
  private volatile Store store;
  private io.vertx.core.WorkerExecutor worker;

  ImapFetcher(AdapterContext ctx, EmailSettings.Imap imap, EmailAdapter adapter) {
    this.ctx = ctx;
    this.imap = imap;
    this.adapter = adapter;
    this.pollMs = ctx.host().intSetting("SWITCHBOARD_IMAP_POLL_SECONDS", 60) * 1000L;
  }

  void start() {
    // Named per fetcher: one stopped while it waits must not hold up the next one started (failover, then back).
    worker = ctx.vertx().createSharedWorkerExecutor("sb-imap-" + ctx.channel().id() + "-" + STARTED.incrementAndGet(),
        1, 365, TimeUnit.DAYS);
    worker.executeBlocking(() -> {
      run();
      return null;
    }, false).onFailure(err -> LOG.warn("IMAP fetch of channel {} ended: {}", ctx.channel().id(), err.getMessage()));
  }

  void stop() {
    stopped = true;
    Store s = store;
    if (s != null) {
      try {
        s.close(); // ends an IDLE in progress
      } catch (MessagingException | RuntimeException e) {
        // closing anyway
      }
    }
    if (worker != null) {
      worker.close();
    }
  }

  private void run() {
    long backoff = 1000;
    while (!stopped) {
      try {
        session();
        backoff = 1000;
      } catch (Exception e) {
        if (stopped) {
          return;
        }
        LOG.warn("IMAP {}:{} of channel {}: {}; again in {} ms", imap.host(), imap.port(), ctx.channel().id(),
            e.getMessage(), backoff);
        sleep(backoff);
        backoff = Math.min(backoff * 2, 300_000);
      }
    }
  }

  /** One connection: fetch, wait, fetch again, until stopped or the connection breaks. */
  private void session() throws Exception {
    Properties p = new Properties();
    String protocol = imap.ssl() ? "imaps" : "imap";
    p.setProperty("mail." + protocol + ".connectiontimeout", "15000");
    p.setProperty("mail." + protocol + ".timeout", "60000");
    p.setProperty("mail." + protocol + ".writetimeout", "15000");
    p.setProperty("mail." + protocol + ".partialfetch", "false");
    // Reading a mail must not mark it seen: only a commit by the core does.
    p.setProperty("mail." + protocol + ".peek", "true");
    Store s = Session.getInstance(p).getStore(protocol);
    store = s;
    try {
      s.connect(imap.host(), imap.port(), imap.username(), imap.password());
      Folder folder = s.getFolder(imap.folder());
      folder.open(Folder.READ_WRITE);
      boolean idle = s instanceof IMAPStore is && is.hasCapability("IDLE");
      while (!stopped) {
        int taken;
        do {
          taken = fetchUnseen(folder);
        } while (taken == BATCH && !stopped);
        if (stopped) {
          return;
        }
        if (idle && folder instanceof IMAPFolder f) {
          idleFor(f);
        } else {
          sleep(pollMs);
          if (!folder.isOpen()) {
            return;
          }
        }
      }
    } finally {
      store = null;
      try {
        s.close();
      } catch (MessagingException e) {
        // gone already
      }
    }
  }

  /** IDLE until the server reports a change, or at most the poll interval (then a NOOP breaks it). */
  private void idleFor(IMAPFolder folder) throws MessagingException {
    long timer = ctx.vertx().setTimer(pollMs, t -> ctx.vertx().executeBlocking(() -> {
      try {
        if (folder.isOpen()) {
          folder.getMessageCount(); // any command on the folder ends the IDLE
        }
      } catch (MessagingException e) {
        // the loop sees the broken connection
      }
      return null;
    }, false));
    try {
      folder.idle(true);
    } finally {
      ctx.vertx().cancelTimer(timer);
    }
  }

  private int fetchUnseen(Folder folder) throws Exception {
    Message[] unseen = folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
    int n = 0;
    for (Message m : unseen) {
      if (stopped || n == BATCH) {
        break;
      }
      n++;
      if (m.getSize() > MAX_SIZE) {
        LOG.warn("IMAP mail of {} bytes skipped on channel {} (over 25 MiB)", m.getSize(), ctx.channel().id());
        m.setFlag(Flags.Flag.SEEN, true);
        continue;
      }
      ByteArrayOutputStream raw = new ByteArrayOutputStream(Math.max(1024, m.getSize()));
      m.writeTo(raw);
      try {
        adapter.receive(raw.toByteArray(), "").toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        m.setFlag(Flags.Flag.SEEN, true);
      } catch (java.util.concurrent.ExecutionException e) {
        boolean refused = e.getCause() instanceof IllegalArgumentException
            || e.getCause() instanceof io.switchboard.channels.core.ApiException api && !api.transientFailure();
        if (refused) {
          LOG.warn("IMAP mail refused on channel {}: {}", ctx.channel().id(), e.getCause().getMessage());
          m.setFlag(Flags.Flag.SEEN, true); // never takeable: do not fetch it forever
        } else {
          throw e; // the core is unreachable: the mail stays unseen, the session starts over
        }
      }
    }
    return n;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
