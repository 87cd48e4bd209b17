package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshtest"
)

// Closing a session whose shell is plain (reattach = none, RequestTTY no,
// the wrapper's exec refused) runs nothing more on the server: no kill
// exec, so no extra channel and no round trip. A session kept in tmux
// still ends its remote tmux session with one. Each case closes one of
// two open sessions; the other stays up.
func TestCloseEndsRemoteOnlyWhatWasStarted(t *testing.T) {
	cases := []struct {
		name       string
		mode       ReattachMode
		requestTTY string
		refuseExec bool
		wantKill   bool
	}{
		{name: "reattach none", mode: ReattachNone},
		{name: "RequestTTY no", mode: ReattachAuto, requestTTY: "no"},
		{name: "wrapper refused, plain shell", mode: ReattachAuto, refuseExec: true},
		{name: "tmux", mode: ReattachTmux, wantKill: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.wantKill {
				needTmux(t)
			}
			checkLeaks(t)
			testWatchdog(t, 60*time.Second)
			f := newFixtureWith(t, sshtest.Options{RefuseExec: tc.refuseExec})
			m := NewManager(nil, nil)
			defer m.CloseAll(context.Background())
			opts := f.options(tc.mode)
			opts.Shell.RequestTTY = tc.requestTTY
			other := m.Open(opts)
			s := m.Open(opts)
			for _, x := range []*Session{other, s} {
				waitMethodKnown(t, x)
			}
			wantMethod := "none"
			if tc.wantKill {
				wantMethod = "tmux"
			}
			if got := s.Status().Reattach; got != wantMethod {
				t.Fatalf("reattach method %q, want %q", got, wantMethod)
			}
			before := len(f.srv.Execs())
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			during := f.srv.Execs()[before:]
			var kills []string
			for _, c := range during {
				if strings.Contains(c, "kill-session") {
					kills = append(kills, c)
				}
			}
			switch {
			case tc.wantKill && (len(kills) != 1 || !strings.Contains(kills[0], s.remoteName)):
				t.Errorf("Close ran %d kill execs (%q), want one for %s", len(kills), during, s.remoteName)
			case !tc.wantKill && len(during) != 0:
				t.Errorf("Close of a plain shell ran %d execs on the server, want none: %q", len(during), during)
			}
			if st := other.Status(); st.State != Up {
				t.Errorf("the other session is %s after closing one, want up", st.State)
			}
		})
	}
}

// waitMethodKnown waits until s is Up and its shell has said how it was
// started.
func waitMethodKnown(t *testing.T, s *Session) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if st := s.Status(); st.State == Up && st.Reattach != "" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	st := s.Status()
	t.Fatalf("session %d never up with a known method: %s (%v), reattach %q", s.ID(), st.State, st.Cause, st.Reattach)
}

// Which closes run the remote kill: only where the wrapper may have
// started tmux or screen.
func TestMayHaveRemote(t *testing.T) {
	tty := func(requestTTY string) Options {
		return Options{Reattach: ReattachAuto, Shell: ShellOptions{RequestTTY: requestTTY}}
	}
	for _, tc := range []struct {
		name   string
		opts   Options
		method string
		want   bool
	}{
		{"tmux", tty(""), methodTmuxNew, true},
		{"screen reattached", tty("yes"), methodScreenAttached, true},
		{"marker still awaited", tty(""), methodPending, true},
		{"no marker", tty(""), "", true},
		{"wrapper found neither", tty(""), methodNone, false},
		{"wrapper refused", tty(""), methodNone + ";" + whyRefused, false},
		{"reattach none, before the marker", Options{Reattach: ReattachNone}, "", false},
		{"RequestTTY no, before the marker", tty("no"), methodPending, false},
		{"tunnels only", Options{TunnelOnly: true}, "tunnel", false},
	} {
		if got := mayHaveRemote(tc.opts, tc.method); got != tc.want {
			t.Errorf("%s: mayHaveRemote = %v, want %v", tc.name, got, tc.want)
		}
	}
}
