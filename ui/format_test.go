package ui

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session"
)

func TestFormatters(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{since(12 * time.Second), "12s"},
		{since(185 * time.Second), "3m05s"},
		{since(62*time.Minute + 5*time.Second), "1h02m"},
		{since(50 * time.Hour), "2d02h"},
		{since(-time.Second), "0s"},
		{countdown(3100 * time.Millisecond), "4s"},
		{countdown(65 * time.Second), "1m05s"},
		{rtt(0), "—"},
		{rtt(850 * time.Microsecond), "850µs"},
		{rtt(22400 * time.Microsecond), "22ms"},
		{rtt(1250 * time.Millisecond), "1.2s"},
		{bytesize(512), "512B"},
		{bytesize(3500), "3.4K"},
		{bytesize(12 << 20), "12M"},
		{sparkline(nil, 4), "    "},
		{sparkline([]time.Duration{1, 1}, 3), " ▄▄"},
		{sparkline([]time.Duration{10, 20, 30, 40, 50, 60, 70, 80}, 8), "▁▂▃▄▅▆▇█"},
		{sparkline([]time.Duration{99, 10, 80}, 2), "▁█"},
		{shortDuration(90 * time.Second), "1m30s"},
		{shortDuration(2 * time.Minute), "2m"},
		{shortDuration(time.Hour), "1h"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestStateTextHasIconAndWord(t *testing.T) {
	now := testT0
	for _, c := range []struct {
		s    session.Status
		want string
	}{
		{session.Status{State: session.Up}, "● up"},
		{session.Status{State: session.Stale}, "◐ stale"},
		{session.Status{State: session.Dropped, Cause: errors.New("EOF\n")}, "✕ dropped: EOF"},
		{session.Status{State: session.Reconnecting, Attempt: 2, NextAttempt: now.Add(3 * time.Second)}, "↻ reconnecting #2 in 3s"},
		{session.Status{State: session.Reconnecting, Attempt: 2, Stage: session.StageHandshake}, "↻ reconnecting #2 handshake"},
		{session.Status{State: session.Failed, Cause: errors.New("host key changed")}, "⚠ failed: host key changed"},
		{session.Status{State: session.NeedsYou}, "? needs you"},
		{session.Status{State: session.Connecting, Stage: session.StageAuth}, "… connecting auth *"},
		{session.Status{State: session.Resolving}, "… resolving *"},
		{session.Status{State: session.Closed, ExitStatus: 130}, "○ closed (exit 130)"},
	} {
		if got := stateText(c.s, now, "*"); got != c.want {
			t.Errorf("%v: %q, want %q", c.s.State, got, c.want)
		}
	}
}

func TestFuzzyMatch(t *testing.T) {
	if _, _, ok := fuzzyMatch("xyz", "web1"); ok {
		t.Fatal("xyz matched web1")
	}
	_, pos, ok := fuzzyMatch("dbp", "db-primary")
	if !ok || !slices.Equal(pos, []int{0, 1, 3}) {
		t.Fatalf("dbp in db-primary: %v %v", pos, ok)
	}
	prefix, _, _ := fuzzyMatch("web", "web1")
	scattered, _, _ := fuzzyMatch("web", "wide-ebay-b")
	if prefix <= scattered {
		t.Fatalf("prefix score %d <= scattered %d", prefix, scattered)
	}
	if got := highlight("web1", []int{0, 1}, func(s string) string { return "[" + s + "]" }, func(s string) string { return s }); got != "[we]b1" {
		t.Fatalf("highlight: %q", got)
	}
}

func TestFitColumnsNeverOverflow(t *testing.T) {
	for inner := 20; inner <= 200; inner++ {
		w := fitColumns(inner)
		total, n := 0, 0
		for _, x := range w {
			if x > 0 {
				total += x
				n++
			}
		}
		if total+n-1 > inner && inner >= 60 {
			t.Fatalf("inner %d: columns take %d", inner, total+n-1)
		}
		if w[colState] == 0 || w[colHost] == 0 {
			t.Fatalf("inner %d: state or host column dropped", inner)
		}
	}
}

// Issue 16: at 120 columns (hosts beside sessions) the state column holds
// "↻ reconnecting #12 handshake" whole, and RTT stays.
func TestStateColumnAt120(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 120, 40)
	failedHostKeySetup(d)
	d.mustSee("↻ reconnecting #12 handshake web2", "RTT")
	// A host name of 12 cells (the demo's demo-healthy) stays whole
	// beside it: the sparkline gives up room first.
	f := d.m.backend.(*fakeBackend)
	f.update(3, func(s *session.Status) {
		s.Alias = "demo-healthy"
	})
	d.send(f.setState(3, session.Reconnecting, nil), flushMsg{}) // a stage change shows at the flush
	d.mustSee("↻ reconnecting #12 handshake demo-healthy", "RTT")
}

// The preview of a failed session wraps the whole reason; a changed host
// key shows OpenSSH's warning, both fingerprints and the line to fix.
func TestPreviewFailureInFull(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 100, 40)
	failedHostKeySetup(d)
	d.mustSee("REMOTE HOST IDENTIFICATION HAS CHANGED", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8.",
		"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU.", "/home/me/.ssh/known_hosts:17", "⚠ failed: HOST KEY CHANGED")
	f := d.m.backend.(*fakeBackend)
	long := "proxy command \"nc -X connect -x proxy.corp.example:3128 %h %p\" exited with status 1: nc: connection refused / last words of the proxy END-OF-REASON"
	d.send(f.setState(6, session.Failed, errors.New(long)))
	d.mustSee("END-OF-REASON")
	d.mustNotSee("REMOTE HOST IDENTIFICATION")
}
