package session

// The soak test (SSHDASH_INTEGRATION=1): many sessions against a real
// sshd for minutes, with output bursts, drops, keys, exits, closes and
// server restarts, while the event consumer keeps stopping for seconds at
// a time.

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/sshtest"
	"github.com/sshdash/sshdash/internal/testenv"
	"github.com/sshdash/sshdash/keepalive"
)

// soakDuration is how long the soak runs: SSHDASH_SOAK (a Go duration,
// e.g. 10m) or two and a half minutes.
func soakDuration(t *testing.T) time.Duration {
	if v := os.Getenv("SSHDASH_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("SSHDASH_SOAK=%q: %v", v, err)
		}
		return d
	}
	return 150 * time.Second
}

// soak is the shared state of one soak run.
type soak struct {
	t    *testing.T
	m    *Manager
	opts Options
	ctx  context.Context
	stop context.CancelCauseFunc
	// pause is held for reading by every action and for writing by a
	// server restart, so no keys are in flight when the server goes away.
	pause    sync.RWMutex
	sshdMu   sync.Mutex // guards sshd
	sshd     *sshdtest.Server
	failed   atomic.Bool
	actions  sync.Map // name → *atomic.Int64, for the summary
	mayLeave sync.Map // remote session names whose Close reported a failed cleanup
}

// fail records a session that did not reach its expected state, with every
// goroutine's stack and the end of sshd's log, and stops the run.
func (k *soak) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if k.failed.CompareAndSwap(false, true) {
		var b bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&b, 2)
		k.sshdMu.Lock()
		logs := k.sshd.Logs()
		k.sshdMu.Unlock()
		if len(logs) > 8000 {
			logs = logs[len(logs)-8000:]
		}
		fmt.Fprintf(os.Stderr, "soak: %s\nsshd's log (the end):\n%s\ngoroutines:\n%s\n", msg, logs, b.String())
	}
	k.t.Errorf("soak: %s", msg)
	k.stop(fmt.Errorf("soak failed"))
}

func (k *soak) count(action string) {
	v, _ := k.actions.LoadOrStore(action, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// expect waits until ok holds, for at most bound; otherwise the run fails.
// It returns false when the run is over (failed elsewhere).
func (k *soak) expect(s *Session, what string, bound time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(bound)
	for !ok() {
		if k.ctx.Err() != nil {
			return false
		}
		if time.Now().After(deadline) {
			st := s.Status()
			k.fail("%s (session %d): %s not within %s; it is %s (%v); log:\n%s\nscreen:\n%s", s.Alias(), s.ID(), what, bound, st.State, st.Cause, logText(s), strings.Join(s.ScreenText(), "\n"))
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// ports are the client and server ports of the session's current TCP
// connection (zeros while it has none).
func ports(s *Session) (local, remote int) {
	s.mu.Lock()
	l := s.live
	s.mu.Unlock()
	if l == nil {
		return 0, 0
	}
	l.tcpMu.Lock()
	defer l.tcpMu.Unlock()
	if l.tcp == nil {
		return 0, 0
	}
	port := func(a net.Addr) int {
		_, p, _ := net.SplitHostPort(a.String())
		n, _ := strconv.Atoi(p)
		return n
	}
	return port(l.tcp.LocalAddr()), port(l.tcp.RemoteAddr())
}

const soakBound = 90 * time.Second // generous: 50 sessions share two cores under -race

func upOrStale(s *Session) func() bool {
	return func() bool { st := s.Status().State; return st == Up || st == Stale }
}

// slot is one of the soak's sessions at a time, replaced when it exits or
// is closed.
type slot struct {
	k   *soak
	n   int
	rng *rand.Rand
	s   *Session
	seq int
}

func (sl *slot) open() {
	o := sl.k.opts
	o.Alias = fmt.Sprintf("soak%02d", sl.n)
	sl.s = sl.k.m.Open(o)
	sl.k.count("open")
}

// roundtrip types cmd followed by an echo of a token the output alone can
// show, and waits for the token on the session's screen.
func (sl *slot) roundtrip(what, cmd string) bool {
	k, s := sl.k, sl.s
	sl.seq++
	tok := fmt.Sprintf("tok-%d-%d", sl.n, sl.seq)
	line := fmt.Sprintf("%secho tok-%d-$((%d+0))\r", cmd, sl.n, sl.seq)
	if !k.expect(s, what+": typing", soakBound, func() bool { _, err := s.Write([]byte(line)); return err == nil }) {
		return false
	}
	return k.expect(s, what+": output "+tok, soakBound, func() bool {
		return strings.Contains(strings.Join(s.ScreenText(), "\n"), tok)
	})
}

// closeWithin closes the slot's session and waits for Close to return.
func (sl *slot) closeWithin(what string) bool {
	k, s := sl.k, sl.s
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	var err error
	if !k.expect(s, what, soakBound, func() bool {
		select {
		case err = <-done:
			return true
		default:
			return false
		}
	}) {
		return false
	}
	if err != nil {
		// The remote cleanup is best effort, bounded by killTimeout;
		// under this load it can run out. Such a session may leave its
		// tmux session behind, and only such a one (checked at the end).
		k.t.Logf("%s: close: %v", s.Alias(), err)
		k.count("close-cleanup-timed-out")
		k.mayLeave.Store(s.remoteName, true)
	}
	return true
}

// step does one random action. It returns false when the run is over.
func (sl *slot) step() bool {
	k, s := sl.k, sl.s
	if !k.expect(s, "up", soakBound, upOrStale(s)) {
		return false
	}
	switch r := sl.rng.IntN(100); {
	case r < 35:
		k.count("keys")
		return sl.roundtrip("keys", "")
	case r < 65:
		k.count("burst")
		return sl.roundtrip("burst", fmt.Sprintf("seq -f 'burst %%g' 1 %d; ", 100+sl.rng.IntN(5000)))
	case r < 77:
		k.count("drop")
		port, sshdPort := ports(s)
		if port == 0 {
			return true
		}
		before := strings.Count(logText(s), "reattached to the same shell")
		out, err := exec.Command("ss", "-K", "dst", "127.0.0.1", "dport", "=", ":"+strconv.Itoa(sshdPort), "sport", "=", ":"+strconv.Itoa(port)).CombinedOutput()
		if err != nil {
			k.fail("ss -K: %v\n%s", err, out)
			return false
		}
		if !k.expect(s, "reattached after a drop", soakBound, func() bool {
			return upOrStale(s)() && strings.Count(logText(s), "reattached to the same shell") > before
		}) {
			return false
		}
		return sl.roundtrip("after a drop", "")
	case r < 92:
		k.count("pause")
		select {
		case <-time.After(time.Duration(sl.rng.IntN(2000)) * time.Millisecond):
		case <-k.ctx.Done():
		}
		return true
	case r < 96:
		k.count("exit")
		code := 1 + sl.rng.IntN(100)
		if !k.expect(s, "typing exit", soakBound, func() bool { _, err := s.Write(fmt.Appendf(nil, "exit %d\r", code)); return err == nil }) {
			return false
		}
		if !k.expect(s, fmt.Sprintf("closed with status %d", code), soakBound, func() bool {
			st := s.Status()
			return st.State == Closed && st.ExitStatus == code
		}) {
			return false
		}
		sl.open()
		return true
	default:
		k.count("close")
		if !sl.closeWithin("Close to return") {
			return false
		}
		sl.open()
		return true
	}
}

// run drives the slot until the run ends; its last session ends by a Close.
func (sl *slot) run(until time.Time) {
	k := sl.k
	k.pause.RLock()
	sl.open()
	k.pause.RUnlock()
	for time.Now().Before(until) && k.ctx.Err() == nil {
		k.pause.RLock()
		ok := sl.step()
		k.pause.RUnlock()
		if !ok {
			return
		}
	}
	sl.closeWithin("the final Close to return")
}

// restart replaces sshd by a new one with the same host key on another
// port (sessions dial the current port) and stops the old one, which ends
// every connection. Every session then comes back to the same shell.
func (k *soak) restart(start func() *sshdtest.Server, port *atomic.Int64) {
	k.pause.Lock()
	defer k.pause.Unlock()
	k.count("sshd-restart")
	type before struct {
		s *Session
		n int
	}
	var live []before
	for _, s := range k.m.Sessions() {
		if st := s.Status().State; st == Up || st == Stale {
			live = append(live, before{s, strings.Count(logText(s), "reattached to the same shell")})
		}
	}
	next := start()
	k.sshdMu.Lock()
	old := k.sshd
	k.sshd = next
	k.sshdMu.Unlock()
	port.Store(int64(next.Port()))
	old.Close()
	for _, b := range live {
		if !k.expect(b.s, "reattached after sshd restarted", soakBound, func() bool {
			return upOrStale(b.s)() && strings.Count(logText(b.s), "reattached to the same shell") > b.n
		}) {
			return
		}
	}
}

// Fifty sessions against a real sshd for minutes: random output bursts,
// drops (ss -K of the session's own connection), keys, exits, closes and
// sshd restarts, while the event consumer stops reading for seconds at a
// time. Every
// session reaches each expected state within its bound (or the run fails
// with every goroutine's stack); mailboxes stay bounded; the consumer
// sees every session's end once it reads; Close leaves no tmux session on
// the server; and no goroutine outlives the run.
func TestSoakSessionsAgainstSSHD(t *testing.T) {
	testenv.Need(t, sshdtest.SSHD, "ss", "useradd")
	needTmux(t)
	checkLeaks(t)
	dur := soakDuration(t)
	defer stallWatchdog(t, "the soak", dur+5*time.Minute)()
	sshdOpts := sshdtest.Options{Extra: []string{"AcceptEnv TMUX_TMPDIR", "MaxSessions 50"}}
	f := newSSHD(t, sshdOpts)
	// An account of the test's own with /bin/sh: root's dotfiles on a
	// developer machine (pyenv and the like, under fifty logins at once)
	// are not what this test is about. Its tmux servers live in a private
	// directory that account can reach.
	sshdtest.EnsureUser(t, testUser, testPassword)
	u, err := user.Lookup(testUser)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	// sshd reads authorized_keys as the user: let it reach the file.
	reachable := func(srv *sshdtest.Server) {
		for d := srv.Dir(); d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o711); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(filepath.Join(srv.Dir(), "authorized_keys"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reachable(f.sshd)
	tmuxDir, err := os.MkdirTemp("", "sshdash-soak-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(tmuxDir, uid, gid); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		socks, _ := filepath.Glob(filepath.Join(tmuxDir, "tmux-*", "*"))
		for _, s := range socks {
			exec.Command("tmux", "-S", s, "kill-server").Run()
		}
		os.RemoveAll(tmuxDir)
	})
	// known_hosts lists the host key under every port sshd will use.
	var knownMu sync.Mutex // guards the known_hosts file
	trust := func(srv *sshdtest.Server) {
		knownMu.Lock()
		defer knownMu.Unlock()
		kh, err := os.OpenFile(f.knownHosts(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer kh.Close()
		fmt.Fprintf(kh, "[127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(srv.HostKey()))
	}
	trust(f.sshd)
	var port atomic.Int64 // the current sshd's
	port.Store(int64(f.sshd.Port()))
	startSSHD := func() *sshdtest.Server {
		o := sshdOpts
		o.AuthorizedKeys = []ssh.PublicKey{f.pub}
		o.HostKeyFile = f.sshd.HostKeyFile()
		srv := sshdtest.Start(t, o)
		reachable(srv)
		trust(srv)
		return srv
	}
	tg := f.target()
	tg.User = testUser
	tg.StrictHostKeyChecking = "yes"
	tg.ConnectTimeout = 20 * time.Second
	opts := Options{
		Dial: func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
			tg := tg
			tg.Port = int(port.Load())
			c, err := Dial(ctx, DialOptions{Target: tg, WrapConn: h.WrapConn, OnStage: h.OnStage, Ask: h.Ask, Fast: h.Fast})
			if err != nil {
				return nil, nil, err
			}
			return c.Client(), c.Close, nil
		},
		Heartbeat: keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 5 * time.Second, Count: 3},
		Reattach:  ReattachTmux,
		Term:      "xterm-256color",
		Shell:     ShellOptions{SetEnv: []string{"TMUX_TMPDIR=" + tmuxDir}},
		Cols:      100, Rows: 30,
		Backoff: Backoff{Base: 100 * time.Millisecond, Max: 2 * time.Second, StableAfter: time.Minute, ProbeEvery: 100 * time.Millisecond},
		// Sessions opened while sshd restarts, and the hostile ones, keep
		// trying from the start (as connect -N and --retry); without it a
		// session that was never up fails at its first failure, as ssh.
		RetryFirst: true,
	}
	ctx, stop := context.WithCancelCause(context.Background())
	defer stop(nil)
	k := &soak{t: t, m: NewManager(nil, nil), opts: opts, sshd: f.sshd, ctx: ctx, stop: stop}

	// The consumer reads for a while, then stops for up to ten seconds.
	var lastMu sync.Mutex // guards last
	last := map[int]State{}
	resume := make(chan struct{})
	consumerDone := make(chan struct{})
	var pausing atomic.Bool
	pausing.Store(true)
	go func() {
		defer close(consumerDone)
		rng := rand.New(rand.NewPCG(1, 2))
		for {
			if pausing.Load() {
				select {
				case <-time.After(time.Duration(rng.IntN(10000)) * time.Millisecond):
				case <-resume:
					pausing.Store(false)
				}
			}
			readUntil := time.After(time.Duration(rng.IntN(3000)) * time.Millisecond)
		read:
			for {
				select {
				case ev := <-k.m.Events():
					if sc, ok := ev.(StateChanged); ok {
						lastMu.Lock()
						last[sc.ID] = sc.To
						lastMu.Unlock()
					}
				case <-readUntil:
					break read
				case <-resume:
					pausing.Store(false)
				case <-ctx.Done():
					return
				}
			}
		}
	}()

	var maxPending atomic.Int64
	sampleDone := make(chan struct{})
	sampleStop := make(chan struct{})
	go func() {
		defer close(sampleDone)
		for {
			for _, s := range k.m.Sessions() {
				if p := int64(k.m.hub.pending(s.pub.box)); p > maxPending.Load() {
					maxPending.Store(p)
				}
			}
			select {
			case <-sampleStop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()

	// Hostile servers alongside (they keep the existing bounds on a
	// server that never speaks and one that sends a megabyte of junk
	// instead of a greeting): their sessions never come up, keep trying,
	// and close within the bound like any other.
	var hostile []*Session
	for _, h := range []struct {
		name string
		opts sshtest.Options
	}{
		{"silent", sshtest.Options{Behavior: sshtest.Silent}},
		{"garbage", sshtest.Options{Behavior: sshtest.Garbage, Garbage: bytes.Repeat([]byte("junk, not SSH "), 80000)}},
	} {
		srv := startServer(t, h.opts)
		htg := testTarget(t.TempDir(), srv.Port())
		htg.ConnectTimeout = 2 * time.Second
		o := opts
		o.Alias = "hostile-" + h.name
		o.Dial = func(ctx context.Context, hk DialHooks) (*ssh.Client, func() error, error) {
			c, err := Dial(ctx, DialOptions{Target: htg, WrapConn: hk.WrapConn, OnStage: hk.OnStage, Ask: hk.Ask, Fast: hk.Fast})
			if err != nil {
				return nil, nil, err
			}
			return c.Client(), c.Close, nil
		}
		hostile = append(hostile, k.m.Open(o))
	}

	const sessions = 50
	until := time.Now().Add(dur)
	var wg sync.WaitGroup
	for i := 0; i < sessions; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sl := &slot{k: k, n: i, rng: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))}
			sl.run(until)
		}()
	}
	// sshd restarts every restartEvery, from this goroutine (it may fail t).
	const restartEvery = 45 * time.Second
	for next := time.Now().Add(restartEvery); next.Before(until.Add(-10*time.Second)) && ctx.Err() == nil; next = next.Add(restartEvery) {
		select {
		case <-time.After(time.Until(next)):
			k.restart(startSSHD, &port)
		case <-ctx.Done():
		}
	}
	wg.Wait()
	close(sampleStop)
	<-sampleDone
	for _, s := range hostile {
		st := s.Status()
		// Still trying: between attempts with the last one's cause, or in
		// the middle of one (its stage shown, no cause yet).
		if st.State == Up || st.State == Stale || st.Cause == nil && st.Stage == "" {
			t.Errorf("%s: %s (%v, stage %q), want still trying with a cause or an attempt under way", s.Alias(), st.State, st.Cause, st.Stage)
		}
		t.Logf("%s: %s after %d attempts: %v", s.Alias(), st.State, st.Attempt, st.Cause)
		(&slot{k: k, s: s}).closeWithin(s.Alias() + ": Close")
	}
	var summary []string
	k.actions.Range(func(key, v any) bool {
		summary = append(summary, fmt.Sprintf("%s=%d", key, v.(*atomic.Int64).Load()))
		return true
	})
	t.Logf("soak %s, %d sessions opened in all; actions: %s; most pending events in one session: %d",
		dur, len(k.m.Sessions()), strings.Join(summary, " "), maxPending.Load())
	if p := maxPending.Load(); p > pendingBound {
		t.Errorf("a session held %d undelivered events, bound %d", p, pendingBound)
	}

	if !k.failed.Load() {
		// Reading resumes: every session's last delivered state is its end.
		close(resume)
		all := k.m.Sessions()
		deadline := time.Now().Add(soakBound)
		for {
			lastMu.Lock()
			var missing []string
			for _, s := range all {
				if last[s.ID()] != Closed {
					missing = append(missing, fmt.Sprintf("%s/%d:%s", s.Alias(), s.ID(), last[s.ID()]))
				}
			}
			lastMu.Unlock()
			if len(missing) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("the consumer never saw these sessions end: %v", missing)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		// Closing and exiting ended every remote tmux session.
		socks, _ := filepath.Glob(filepath.Join(tmuxDir, "tmux-*", "sshdash"))
		for _, sock := range socks {
			out, err := exec.Command("tmux", "-S", sock, "ls", "-F", "#{session_name}").CombinedOutput()
			if err != nil {
				continue // no server left: no sessions
			}
			for _, name := range strings.Fields(string(out)) {
				if _, ok := k.mayLeave.Load(name); !ok {
					t.Errorf("tmux session %s left on the server though its Close reported no error", name)
				}
			}
		}
	}
	stop(nil)
	<-consumerDone
	cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer ccancel()
	if err := k.m.CloseAll(cctx); err != nil {
		// Close returns each session's first real cause again, so the
		// remote cleanups that ran out of time earlier (best effort,
		// accepted above) come back in CloseAll's error. Anything else
		// is a failure: a session still ending, or another error.
		if strings.Contains(err.Error(), "after the deadline") {
			t.Errorf("CloseAll: %v", err)
		}
		for _, s := range k.m.Sessions() {
			e := s.Close()
			if e == nil || strings.Contains(e.Error(), "ending the remote session") {
				continue
			}
			t.Errorf("CloseAll: %s/%d: %v", s.Alias(), s.ID(), e)
		}
	}
}
