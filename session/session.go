package session

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session/vt"
)

// DialHooks is what a session gives the connect layer for one attempt.
type DialHooks struct {
	// OnStage reports progress through the connection stages.
	OnStage func(Stage)
	// Ask puts a question to the user (host key, passphrase, password) and
	// waits for the answer; the session shows as NeedsYou meanwhile.
	Ask func(ctx context.Context, p *Prompt) ([]string, error)
	// WrapConn wraps the transport before the SSH handshake so the heartbeat
	// sees every byte received.
	WrapConn func(net.Conn) net.Conn
	// Heartbeat is the host's heartbeat; the connect layer derives TCP
	// keepalive and TCP_USER_TIMEOUT from it.
	Heartbeat keepalive.Settings
	// Fast asks for cheap, frequent TCP attempts (a reconnect during an
	// outage): the dial returns as soon as the network answers.
	Fast bool
	// Banner, if set, receives the target's pre-authentication banner
	// (see DialOptions.Banner); nil: it goes with the next prompt.
	Banner func(string)
}

// DialFunc establishes one authenticated SSH connection for a session. The
// returned close function closes it and everything under it (jump hosts,
// proxy processes). Errors for which IsPermanent is true end the session in
// Failed; others are retried.
type DialFunc func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error)

// Options describe one session.
type Options struct {
	Alias      string             // what the user opened
	Target     string             // user@host:port for display
	Dial       DialFunc           // how to connect
	Heartbeat  keepalive.Settings // heartbeat settings
	Reattach   ReattachMode       // how the shell survives drops
	Term       string             // $TERM for the remote PTY
	Shell      ShellOptions       // RemoteCommand, RequestTTY, SetEnv, SendEnv, ForwardAgent (Target.ShellOptions)
	Cols, Rows int                // initial size
	Scrollback int                // lines of history the emulator keeps; 0: vt.DefaultScrollback, <0: none
	TunnelOnly bool               // no shell (ssh -N)
	// TCPKeepAlive turns on kernel keepalive (ssh_config TCPKeepAlive).
	TCPKeepAlive bool
	Forwards     []Forward       // tunnels
	Backoff      Backoff         // reconnect policy; zero value means DefaultBackoff
	Clock        keepalive.Clock // nil means the real clock
	Logger       *slog.Logger    // nil means discard

	// RetryFirst keeps retrying, with backoff, a session whose first
	// connection cannot be made (connect -N at boot, connect --retry).
	// Without it a session that has never been up fails at its first
	// failed attempt, as ssh exits, until Reconnect asks again.
	RetryFirst bool
	// ResumeName, when set, is the name of a detached private tmux/screen
	// session on the host (RemoteSession.Name) that this session attaches
	// to instead of starting a new shell. If it no longer exists, a new
	// shell starts under that name and the log says so.
	ResumeName string
	// DetachedTTL closes, on the first connection, the host's detached
	// sshdash sessions unused for longer (0: none are closed).
	DetachedTTL time.Duration
	// OnRemoteSessions, when set, receives once, after the first
	// connection came up under tmux or screen, the host's other sshdash
	// sessions (this one and those DetachedTTL closed left out), listed
	// over the same connection (nil when the listing failed).
	// It is called from a goroutine of the session and must not block.
	OnRemoteSessions func([]RemoteSession)
	// Secrets holds the session's decrypted keys and passwords for its
	// reconnects (the Opener's Dial uses it); it is forgotten when the
	// session closes or fails. nil: none.
	Secrets *Secrets
	// Recorder, when set, receives the session's output, resizes and the
	// link's life as markers (connect --record, record = true). The
	// session owns it: it closes it (when it has a Close method) once it
	// is Closed, or on Close/Remove after it failed.
	Recorder Recorder
	// RecordInput also sends the keystrokes of Write to Recorder.
	RecordInput bool
	// Observer, when set, sees the session's output, transitions and exit
	// status (watchers; see observe.go).
	Observer Observer

	// markerWait, when positive, replaces how long a new shell's marker is
	// waited for before the session is shown Up without it (tests).
	markerWait time.Duration
	// heartbeatAlign replaces the package's heartbeatAlign when non-zero;
	// negative: no alignment (benchmarks compare).
	heartbeatAlign time.Duration
}

// Session is one SSH session: it connects, keeps its link alive, reconnects
// after drops and reattaches to the same remote shell. All its goroutines
// end when it is closed. Methods are safe for concurrent use.
type Session struct {
	id    int
	opts  Options
	clock keepalive.Clock
	log   *slog.Logger
	pub   publisher

	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}
	// cleanupCtx bounds ending the remote session on Close; CloseContext
	// cancels it when its own context ends first.
	cleanupCtx    context.Context
	cleanupCancel context.CancelCauseFunc

	remoteName string          // the private tmux/screen session name; fixed for the session's life
	plainOut   bool            // no remote terminal (RequestTTY no): output has bare LFs
	retryNow   chan struct{}   // buffered 1: "reconnect now" requests
	netKick    chan struct{}   // buffered 1: ProbeAll's "try now" to a session waiting to reconnect (probe.go)
	netKicked  atomic.Bool     // set with netKick; the run loop resets its backoff
	ann        outputAnnouncer // OutputArrived events, coalesced (announce.go)
	dials      *dialSlots      // the Manager's pacing of first connections; nil: none

	// outMu guards attached and orders everything that reaches the
	// emulator: output is written to the attached terminal and then to the
	// screen under it, so Attach's redraw and switch to live output are
	// atomic and an overlay always matches the screen.
	outMu    sync.Mutex
	screen   *vt.Screen
	attached io.Writer
	pace     pacer

	// hbMu serialises applying heartbeat figures (heartbeatUpdate): the
	// monitor reports on its goroutine, and serve reapplies them once
	// after announcing the link.
	hbMu sync.Mutex

	// recClose closes opts.Recorder once, when the session ends for good.
	recClose sync.Once

	// mu guards the fields below.
	mu          sync.Mutex
	status      Status
	logEntries  []LogEntry
	lastAttempt attemptRun // the entry folding the latest failed attempts
	cols, rows  int
	live        *link // the current connection while one is up
	closeCause  error
	closeErr    error // the first error ending the remote session on Close
	everUp      bool
	lastMethod  string
	remoteEnded bool           // the remote tmux/screen session was ended on purpose, or handed to cleanup
	cleanup     *remoteCleanup // the Manager's: remote sessions left to end per host
	hbOverride  *keepalive.Settings
	bytesIn     atomic.Uint64
	bytesOut    atomic.Uint64
	exitStatus  int
	// remoteScanned: the host's other sessions were listed (or the
	// session needs no listing); done once, on the first link.
	remoteScanned bool
}

// maxLog bounds a session's event log.
const maxLog = 500

// rttHistory bounds Status.RTTHistory.
const rttHistory = 32

// ID returns the session's number, unique within its Manager.
func (s *Session) ID() int { return s.id }

// Alias returns what the user opened.
func (s *Session) Alias() string { return s.opts.Alias }

// Done is closed when the session has ended (Failed or Closed) and all its
// goroutines have stopped. A failed session that Reconnect starts again
// has a new Done channel.
func (s *Session) Done() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done
}

// Status returns a snapshot of the session.
func (s *Session) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status
	// appendRTT never writes a sample already handed out, and the cap
	// stops an append by the caller from writing into the session's
	// array: no copy (a dashboard takes a thousand of these a second).
	h := s.status.RTTHistory
	st.RTTHistory = h[:len(h):len(h)]
	st.Tunnels = append([]TunnelStatus(nil), s.status.Tunnels...)
	st.BytesIn, st.BytesOut = s.bytesIn.Load(), s.bytesOut.Load()
	if s.live != nil && s.live.mon != nil {
		st.Heartbeat = s.live.mon.Stats()
	}
	return st
}

// Log returns the session's event log, oldest first.
func (s *Session) Log() []LogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogEntry(nil), s.logEntries...)
}

// Preview returns the session's current screen as styled lines cropped to
// cols×rows, for the dashboard.
func (s *Session) Preview(cols, rows int) []string {
	return s.screen.StyledLines(cols, rows)
}

// ScreenText returns the session's current screen as plain text lines.
func (s *Session) ScreenText() []string { return s.screen.Lines() }

// Attach writes a full redraw of the session's screen to w, then streams
// live output to w until the returned function is called.
func (s *Session) Attach(w io.Writer) (stop func()) {
	s.outMu.Lock()
	_, _ = w.Write(s.screen.Render())
	s.attached = w
	s.outMu.Unlock()
	return s.detachFunc(w)
}

// detachFunc returns the function that ends live output to w, once.
func (s *Session) detachFunc(w io.Writer) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			s.outMu.Lock()
			if s.attached == w {
				s.attached = nil
			}
			s.outMu.Unlock()
		})
	}
}

// WriteOverlay draws p over the attached terminal between output writes
// and then restores the cursor and attributes the remote program expects.
// It draws nothing, and reports false, when not attached or when the
// attached writer holds an incomplete sequence (it has a Pending method
// saying so): drawing then would land inside that sequence.
func (s *Session) WriteOverlay(p []byte) bool {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	if s.attached == nil {
		return false
	}
	if pw, ok := s.attached.(interface{ Pending() bool }); ok && pw.Pending() {
		return false
	}
	_, _ = s.attached.Write(s.screen.Overlay(p))
	return true
}

// Write sends keystrokes to the remote shell. While the link is down it
// returns an error wrapping ErrLinkDown: keys are dropped, never queued.
func (s *Session) Write(p []byte) (int, error) {
	s.mu.Lock()
	l := s.live
	up := s.status.State == Up || s.status.State == Stale
	s.mu.Unlock()
	if l == nil || l.stdin == nil || !up {
		return 0, fmt.Errorf("%s: %w", s.opts.Alias, ErrLinkDown)
	}
	n, err := s.send(l, p)
	if err != nil {
		return n, fmt.Errorf("%s: %w", s.opts.Alias, ErrLinkDown)
	}
	return n, nil
}

// send writes p to link l's shell, counting what went out and recording
// it as input when the host records input.
func (s *Session) send(l *link, p []byte) (int, error) {
	n, err := l.stdin.Write(p)
	s.bytesOut.Add(uint64(n))
	if s.opts.RecordInput && s.opts.Recorder != nil && n > 0 {
		s.opts.Recorder.Input(p[:n])
	}
	return n, err
}

// Resize sets the terminal size: the emulator's and the remote PTY's.
func (s *Session) Resize(cols, rows int) {
	if cols <= 0 || rows <= 0 {
		return
	}
	s.mu.Lock()
	changed := cols != s.cols || rows != s.rows
	s.cols, s.rows = cols, rows
	l := s.live
	s.mu.Unlock()
	if !changed {
		return
	}
	s.outMu.Lock()
	s.screen.Resize(cols, rows)
	if s.opts.Recorder != nil {
		s.opts.Recorder.Resize(cols, rows)
	}
	s.outMu.Unlock()
	if l != nil && l.shell != nil {
		_ = l.shell.Resize(cols, rows)
	}
}

// Reconnect asks for an immediate reconnect: while waiting between
// attempts the next one starts now; while up, the link is dropped and
// re-established (useful after a network change); a Failed session starts
// again (asking again for any passphrase or password).
func (s *Session) Reconnect() {
	if s.restart() {
		return
	}
	select {
	case s.retryNow <- struct{}{}:
	default:
	}
}

// SetHeartbeat changes the session's heartbeat at once.
func (s *Session) SetHeartbeat(hb keepalive.Settings) {
	s.mu.Lock()
	s.hbOverride = &hb
	l := s.live
	s.mu.Unlock()
	if l != nil && l.mon != nil {
		l.mon.SetSettings(hb)
		l.setTCP(hb)
	}
	s.logf("heartbeat changed to %s", hb)
}

func (s *Session) heartbeat() keepalive.Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hbOverride != nil {
		return *s.hbOverride
	}
	return s.opts.Heartbeat
}

// Close ends the session: its remote tmux/screen session is ended too, so
// nothing is left running on the server (bounded by killTimeout); a plain
// shell has none, and nothing more is run on the server. It waits
// until the session's goroutines have ended. It is idempotent: every call
// returns the same result, nil, or the first real error of the teardown
// (the remote session could not be ended).
func (s *Session) Close() error { return s.CloseContext(context.Background()) }

// CloseContext is Close bounded by ctx: if ctx ends first, ending the
// remote tmux/screen session is abandoned and the session tears down
// locally (transport, shell and listeners first, then it waits for its
// goroutines, which no longer depend on the server).
func (s *Session) CloseContext(ctx context.Context) error {
	done := s.beginClose()
	select {
	case <-done:
	case <-ctx.Done():
		s.abandonCleanup(context.Cause(ctx))
		<-done
	}
	s.mu.Lock()
	failed := s.status.State == Failed
	s.mu.Unlock()
	if failed {
		// It had failed before this Close: its remote tmux/screen session,
		// if it ever had one, was never ended.
		s.leaveRemoteForLater(true)
		s.closeRecorder()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeErr
}

// beginClose asks the session to end (it does not wait) and returns the
// channel closed when its current run has ended (Reconnect of a failed
// session starts a new run with a new channel).
func (s *Session) beginClose() <-chan struct{} {
	s.mu.Lock()
	if s.closeCause == nil {
		s.closeCause = errClosedByUser
	}
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	cancel(errClosedByUser)
	return done
}

// abandonCleanup stops ending the remote session: the session then
// closes its link at once.
func (s *Session) abandonCleanup(cause error) { s.cleanupCancel(cause) }

// logf appends a sentence to the event log and publishes it.
func (s *Session) logf(format string, args ...any) {
	e := LogEntry{At: s.clock.Now(), Text: fmt.Sprintf(format, args...)}
	s.mu.Lock()
	s.logEntries = append(s.logEntries, e)
	if len(s.logEntries) > maxLog {
		drop := len(s.logEntries) - maxLog
		s.logEntries = s.logEntries[drop:]
		s.lastAttempt.entry -= drop
	}
	s.mu.Unlock()
	s.log.Info(e.Text, "session", s.id, "host", s.opts.Alias)
	s.pub.publish(Logged{ID: s.id, Entry: e})
}

// logAttempt records a failed connection attempt. Consecutive attempts that
// failed the same way share one entry, updated in place ("attempts 3–57
// failed: …"), so a long outage stays readable while every attempt counts.
func (s *Session) logAttempt(n int, err error) {
	cause := err.Error()
	now := s.clock.Now()
	s.mu.Lock()
	if k := len(s.logEntries) - 1; k >= 0 && s.lastAttempt.entry == k && s.lastAttempt.cause == cause && s.lastAttempt.last == n-1 {
		s.lastAttempt.last = n
		s.logEntries[k] = LogEntry{At: now, Text: fmt.Sprintf("attempts %d–%d failed: %s", s.lastAttempt.first, n, cause)}
		e := s.logEntries[k]
		s.mu.Unlock()
		s.pub.publish(Logged{ID: s.id, Entry: e})
		return
	}
	s.mu.Unlock()
	s.logf("attempt %d failed: %s", n, cause)
	s.mu.Lock()
	s.lastAttempt = attemptRun{entry: len(s.logEntries) - 1, first: n, last: n, cause: cause}
	s.mu.Unlock()
}

// attemptRun is the log entry that folds a run of identical failed attempts.
type attemptRun struct {
	entry       int // index in logEntries
	first, last int
	cause       string
}

// setState records a transition and publishes it.
func (s *Session) setState(to State, stage Stage, cause error, mutate func(*Status)) {
	now := s.clock.Now()
	s.mu.Lock()
	from, fromStage, fromCause := s.status.State, s.status.Stage, s.status.Cause
	s.status.State, s.status.Stage, s.status.Cause = to, stage, cause
	if from != to {
		s.status.Since = now
	}
	if mutate != nil {
		mutate(&s.status)
	}
	s.mu.Unlock()
	if from == to && (to != Connecting && to != Reconnecting || stage == fromStage && cause == fromCause) {
		return // nothing a watcher could see changed
	}
	e := StateChanged{ID: s.id, From: from, To: to, Stage: stage, Cause: cause, At: now}
	s.pub.publish(e)
	if s.opts.Observer != nil {
		s.opts.Observer.State(e)
	}
}
